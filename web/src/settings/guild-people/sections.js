// The guild people sections, each {id, label, Component} drawn with {ctx, guildId}: for the guild settings
// screen's nav, and for the people screen that opens them from the guild's head meanwhile.
import { BansSection } from './bans.jsx';
import { InvitesSection } from './invites.jsx';
import { MembersSection } from './members.jsx';

export { BansSection, InvitesSection, MembersSection };

export const PEOPLE_SECTIONS = [
  { id: 'members', label: 'Members', Component: MembersSection },
  { id: 'bans', label: 'Bans', Component: BansSection },
  { id: 'invites', label: 'Invites', Component: InvitesSection },
];
