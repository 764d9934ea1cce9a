// The user guild settings the client keeps (from READY and USER_GUILD_SETTINGS_UPDATE, and the answers of PATCH
// /users/@me/guilds/{id}/settings), keyed by guild id ('@me' for the DMs), and the rules read from them: is a
// guild or channel muted now, its notification level, whether a message should notify and a channel count in
// the title's badge. Discord's rules: a mute hides a channel's notifications and unread count but not its
// mentions; "Nothing" hides both; a channel's level 3 (and a guild's) means "as above" (the guild's, then the
// guild's default).
import { myRoles } from '../store/model.js';

export const ALL = 0;
export const MENTIONS = 1;
export const NOTHING = 2;
export const DEFAULT = 3;

function table(store) {
  if (!store.guildSettings) store.guildSettings = new Map();
  return store.guildSettings;
}

/** The settings object of guild key (a guild id, '@me' or null for the DMs), or null when never set. */
export function settingsOf(store, key) {
  return table(store).get(key ?? '@me') || null;
}

/** Stores one settings object (Discord's shape, guild_id null for the DMs). */
export function putSettings(store, s) {
  if (s && typeof s === 'object') table(store).set(s.guild_id ?? '@me', s);
}

/** Replaces them all with READY's user_guild_settings.entries. */
export function setAllSettings(store, entries) {
  table(store).clear();
  for (const s of Array.isArray(entries) ? entries : []) putSettings(store, s);
}

/** Is a settings object (or a channel override) muted at this moment (a timed mute ends by itself)? */
export function mutedNow(s, now = Date.now()) {
  if (!s || !s.muted) return false;
  const end = s.mute_config && s.mute_config.end_time;
  return !end || Date.parse(end) > now;
}

export function overrideOf(store, channel) {
  const s = settingsOf(store, channel.guild_id || '@me');
  return (s && (s.channel_overrides || []).find((o) => o.channel_id === channel.id)) || null;
}

export function guildMuted(store, guildId) {
  return mutedNow(settingsOf(store, guildId));
}

/** Muted itself, or in a muted guild. */
export function channelMuted(store, channel) {
  return mutedNow(overrideOf(store, channel)) || (!!channel.guild_id && guildMuted(store, channel.guild_id));
}

/** The level a guild's own setting resolves to (its default when it says 3). */
export function guildLevel(store, guildId) {
  if (!guildId) return ALL;
  const s = settingsOf(store, guildId);
  if (s && s.message_notifications !== undefined && s.message_notifications !== DEFAULT) return s.message_notifications;
  const g = store.guilds.get(guildId);
  return (g && g.guild.default_message_notifications) || ALL;
}

/** The notification level of a channel: its override, else its guild's (a DM: all messages). */
export function channelLevel(store, channel) {
  const o = overrideOf(store, channel);
  if (o && o.message_notifications !== undefined && o.message_notifications !== DEFAULT) return o.message_notifications;
  return guildLevel(store, channel.guild_id);
}

/** Does m mention the signed-in user, as their settings let it (suppressed @everyone and role mentions)? */
export function mentionsMeFor(store, m) {
  if (!store.me) return false;
  if ((m.mentions || []).some((u) => u.id === store.me.id)) return true;
  const guildId = store.channels.get(m.channel_id)?.guild_id || m.guild_id;
  const s = settingsOf(store, guildId);
  if (m.mention_everyone && !(s && s.suppress_everyone)) return true;
  if (s && s.suppress_roles) return false;
  const roles = myRoles(store, guildId);
  return (m.mention_roles || []).some((r) => roles.has(r));
}

/** Should message m (from someone else) raise a desktop notification? */
export function shouldNotify(store, m) {
  if (!store.me || !m.author || m.author.id === store.me.id) return false;
  const c = store.channels.get(m.channel_id) || { id: m.channel_id, guild_id: m.guild_id || null };
  const level = channelLevel(store, c);
  if (level === NOTHING || channelMuted(store, c)) return false;
  if (level === ALL) return true;
  return !c.guild_id || mentionsMeFor(store, m);
}

/** What channel c adds to the title's badge: its mentions (every message of a DM), unless set to Nothing;
 * a muted DM adds nothing, a muted guild channel still its mentions. */
export function badgeCount(store, c) {
  const n = c.mention_count || 0;
  if (!n || channelLevel(store, c) === NOTHING) return 0;
  if (!c.guild_id && channelMuted(store, c)) return 0;
  return n;
}

export function totalBadge(store) {
  let n = 0;
  for (const c of store.channels.values()) n += badgeCount(store, c);
  return n;
}
