// The guild's members, bans and invites in a settings screen of their own, opened from the guild's head.
import { useEffect } from 'preact/hooks';
import { useNotices } from '../../ui/hooks.js';
import { openScreen, SettingsScreen } from '../screen.jsx';
import { can, P } from './perms.js';
import { PEOPLE_SECTIONS } from './sections.js';

const ANY = [P.KICK_MEMBERS, P.BAN_MEMBERS, P.MANAGE_ROLES, P.MANAGE_NICKNAMES, P.MODERATE_MEMBERS, P.MANAGE_GUILD, P.MANAGE_CHANNELS];

/** Whether the signed-in user may do anything there (the button is shown to them). */
export function mayManagePeople(store, guildId) {
  return ANY.some((bit) => can(store, guildId, bit));
}

export function openPeopleScreen(ctx, guildId, section) {
  return openScreen(ctx, PeopleScreen, { guildId, initial: section });
}

function PeopleScreen({ ctx, guildId, initial, onClose }) {
  useNotices(ctx.store, ['view', 'guild']);
  const g = ctx.store.guilds.get(guildId);
  useEffect(() => {
    if (!g) onClose();
  }, [g]);
  if (!g) return null;
  return (
    <SettingsScreen
      ctx={ctx}
      title={`${g.guild.name}: members`}
      navLabel={g.guild.name}
      sections={PEOPLE_SECTIONS}
      initial={initial}
      sectionProps={{ guildId }}
      onClose={onClose}
      closeLabel="Close members"
    />
  );
}
