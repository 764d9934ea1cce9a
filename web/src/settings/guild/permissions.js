// Discord's permission bits (every one the server knows: bits 0-46 and 48-52), grouped and described as
// Discord's role editor shows them, and what the signed-in user may do with a guild's roles. Bitfields are
// decimal strings on the wire and BigInt here.

/** [group, [[bit, name, description, inChannels]]]: inChannels marks the bits a channel overwrite can set. */
const GROUPS = [
  [
    'General server permissions',
    [
      [10, 'View Channels', 'Members can see channels by default (private channels excepted).', true],
      [4, 'Manage Channels', 'Create, edit and delete channels.', true],
      [28, 'Manage Roles', 'Create roles and edit or delete those below their highest role; in a channel, edit its permissions.', true],
      [43, 'Create Expressions', 'Add custom emoji, stickers and sounds, and edit or remove their own.', false],
      [30, 'Manage Expressions', 'Edit or remove the custom emoji, stickers and sounds of this server.', false],
      [7, 'View Audit Log', 'See who made which changes in this server.', false],
      [19, 'View Server Insights', 'See the server’s insights.', false],
      [29, 'Manage Webhooks', 'Create, edit and delete webhooks.', true],
      [5, 'Manage Server', 'Change the server’s name and icon, and see all invites.', false],
      [41, 'View Creator Monetization Analytics', 'See the server’s subscription analytics.', false],
    ],
  ],
  [
    'Membership permissions',
    [
      [0, 'Create Invite', 'Invite new people to this server.', true],
      [26, 'Change Nickname', 'Change their own nickname in this server.', false],
      [27, 'Manage Nicknames', 'Change the nicknames of other members.', false],
      [1, 'Kick Members', 'Remove members from this server (they can join again with an invite).', false],
      [2, 'Ban Members', 'Ban members from this server for good.', false],
      [40, 'Timeout Members', 'Keep members from chatting or reacting for a while.', false],
    ],
  ],
  [
    'Text channel permissions',
    [
      [11, 'Send Messages', 'Send messages in text channels.', true],
      [38, 'Send Messages in Threads', 'Send messages in threads.', true],
      [35, 'Create Public Threads', 'Start threads everyone in the channel can see.', true],
      [36, 'Create Private Threads', 'Start invite-only threads.', true],
      [14, 'Embed Links', 'Links they send show an embedded preview.', true],
      [15, 'Attach Files', 'Upload files and media.', true],
      [6, 'Add Reactions', 'Add new reactions to messages.', true],
      [18, 'Use External Emoji', 'Use custom emoji from other servers.', true],
      [37, 'Use External Stickers', 'Use stickers from other servers.', true],
      [17, 'Mention @everyone, @here and All Roles', 'Notify everyone in the channel, or any role.', true],
      [13, 'Manage Messages', 'Delete and pin other members’ messages.', true],
      [51, 'Pin Messages', 'Pin and unpin messages.', true],
      [52, 'Bypass Slowmode', 'Send messages without waiting out a channel’s slowmode.', true],
      [34, 'Manage Threads', 'Rename, delete, close and slow down threads.', true],
      [16, 'Read Message History', 'Read the messages sent before they came in.', true],
      [12, 'Send Text-to-Speech Messages', 'Send messages read aloud to everyone in the channel.', true],
      [46, 'Send Voice Messages', 'Send voice messages.', true],
      [49, 'Create Polls', 'Start polls.', true],
    ],
  ],
  [
    'Voice channel permissions',
    [
      [20, 'Connect', 'Join voice channels.', true],
      [21, 'Speak', 'Talk in voice channels.', true],
      [9, 'Video', 'Share their video, screen or a stream of a game.', true],
      [39, 'Use Activities', 'Use activities in voice channels.', true],
      [42, 'Use Soundboard', 'Play sounds from the soundboard.', true],
      [45, 'Use External Sounds', 'Play sounds from other servers’ soundboards.', true],
      [25, 'Use Voice Activity', 'Talk without pressing push-to-talk.', true],
      [8, 'Priority Speaker', 'Be heard more easily while talking.', true],
      [22, 'Mute Members', 'Mute others in voice channels.', true],
      [23, 'Deafen Members', 'Deafen others in voice channels.', true],
      [24, 'Move Members', 'Move or disconnect members between voice channels.', true],
      [48, 'Set Voice Channel Status', 'Set the status of a voice channel.', true],
    ],
  ],
  [
    'Apps permissions',
    [
      [31, 'Use Application Commands', 'Use commands from applications, such as slash commands.', true],
      [50, 'Use External Apps', 'Show the answers of apps they added themselves to everyone.', true],
    ],
  ],
  ['Stage channel permissions', [[32, 'Request to Speak', 'Ask to speak in stage channels.', true]]],
  [
    'Events permissions',
    [
      [44, 'Create Events', 'Create events, and edit or remove their own.', true],
      [33, 'Manage Events', 'Edit and remove the events of others.', true],
    ],
  ],
  ['Advanced permissions', [[3, 'Administrator', 'Every permission, and past every channel’s overwrites. A dangerous one to grant.', false]]],
];

export const PERMISSION_GROUPS = GROUPS.map(([title, list]) => ({
  title,
  permissions: list.map(([bit, name, description, inChannels]) => ({ bit, value: 1n << BigInt(bit), name, description, inChannels })),
}));

export const ADMINISTRATOR = 1n << 3n;
export const MANAGE_ROLES = 1n << 28n;
export const MANAGE_CHANNELS = 1n << 4n;
export const MANAGE_GUILD = 1n << 5n;

/** A bitfield as the server sends it (a decimal string, maybe missing) as a BigInt. */
export function bits(value) {
  try {
    return BigInt(value || 0);
  } catch {
    return 0n;
  }
}

/** The roles of guild g by position, highest first (@everyone last). */
export function rolesByPosition(g) {
  return [...g.roles.values()].sort((a, b) => b.position - a.position || (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
}

export function isOwner(store, guildId) {
  return store.guilds.get(guildId)?.guild.owner_id === store.me?.id;
}

/** The signed-in member's guild-level permissions (everything for the owner and administrators). */
export function myPermissions(store, guildId) {
  const g = store.guilds.get(guildId);
  if (!g || !store.me) return 0n;
  if (isOwner(store, guildId)) return -1n;
  const member = g.members.get(store.me.id);
  let perms = bits(g.roles.get(guildId)?.permissions);
  for (const id of member?.roles || []) perms |= bits(g.roles.get(id)?.permissions);
  return perms & ADMINISTRATOR ? -1n : perms;
}

export function can(store, guildId, perm) {
  return (myPermissions(store, guildId) & perm) !== 0n;
}

/** The highest position among the signed-in member's roles (0: @everyone only; Infinity: the owner). */
export function myTopPosition(store, guildId) {
  const g = store.guilds.get(guildId);
  if (isOwner(store, guildId)) return Infinity;
  const member = g?.members.get(store.me?.id);
  return Math.max(0, ...(member?.roles || []).map((id) => g.roles.get(id)?.position ?? 0));
}

/** Why the signed-in user may not edit role (null: they may), following the server's hierarchy rule. */
export function whyNotEditable(store, guildId, role) {
  if (!can(store, guildId, MANAGE_ROLES)) return 'You need the Manage Roles permission to edit roles.';
  if (role.id === guildId || isOwner(store, guildId)) return null;
  const top = myTopPosition(store, guildId);
  if (role.position >= top) return 'This role is at or above your highest role: only roles below it can be edited or moved.';
  return null;
}
