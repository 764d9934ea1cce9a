// The guild people sections for the guild settings screen's nav (settings/guild/sections.js), each
// {id, label, Component, visible}: drawn with {ctx, guildId}, listed for those who may act there.
import { BansSection } from './bans.jsx';
import { InvitesSection } from './invites.jsx';
import { MembersSection } from './members.jsx';
import { can, P } from './perms.js';

const MEMBER_BITS = [P.KICK_MEMBERS, P.BAN_MEMBERS, P.MANAGE_ROLES, P.MANAGE_NICKNAMES, P.MODERATE_MEMBERS, P.MANAGE_GUILD];

export { BansSection, InvitesSection, MembersSection };

export const PEOPLE_SECTIONS = [
  { id: 'members', label: 'Members', Component: MembersSection, visible: (store, g) => MEMBER_BITS.some((bit) => can(store, g, bit)) },
  { id: 'bans', label: 'Bans', Component: BansSection, visible: (store, g) => can(store, g, P.BAN_MEMBERS) },
  { id: 'invites', label: 'Invites', Component: InvitesSection, visible: (store, g) => can(store, g, P.MANAGE_GUILD) || can(store, g, P.MANAGE_CHANNELS) },
];
