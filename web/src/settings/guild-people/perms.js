// What the signed-in user may do with a guild's members (Discord's rules, as the server checks them): the
// guild's permissions of the user (owner: all; ADMINISTRATOR: all), and the role hierarchy (one acts only on
// members whose highest role is below one's own, and hands out only roles below it). The server has the last
// word: what it refuses is shown.

export const P = {
  CREATE_INSTANT_INVITE: 1n << 0n,
  KICK_MEMBERS: 1n << 1n,
  BAN_MEMBERS: 1n << 2n,
  ADMINISTRATOR: 1n << 3n,
  MANAGE_CHANNELS: 1n << 4n,
  MANAGE_GUILD: 1n << 5n,
  MANAGE_NICKNAMES: 1n << 27n,
  MANAGE_ROLES: 1n << 28n,
  MODERATE_MEMBERS: 1n << 40n,
};
const ALL = (1n << 53n) - 1n;

/** The user's permissions in the guild as a BigInt. */
export function guildPerms(store, guildId, userId = store.me?.id) {
  const g = store.guilds.get(guildId);
  if (!g || !userId) return 0n;
  if (g.guild.owner_id === userId) return ALL;
  const member = g.members.get(userId);
  let perms = BigInt(g.roles.get(guildId)?.permissions || '0');
  for (const id of member?.roles || []) perms |= BigInt(g.roles.get(id)?.permissions || '0');
  return perms & P.ADMINISTRATOR ? ALL : perms;
}

export function can(store, guildId, bit) {
  return (guildPerms(store, guildId) & bit) === bit;
}

/** The position of the member's highest role (0: only @everyone). */
export function topPosition(store, guildId, userId) {
  const g = store.guilds.get(guildId);
  const member = g?.members.get(userId);
  return Math.max(0, ...(member?.roles || []).map((id) => g.roles.get(id)?.position || 0));
}

/** May the signed-in user act on the member (kick, ban, timeout, nickname)? Not on the owner, nor themselves
 * for moderation, nor anyone at or above their own highest role unless they own the guild. */
export function outranks(store, guildId, userId) {
  const g = store.guilds.get(guildId);
  if (!g || userId === g.guild.owner_id) return false;
  if (g.guild.owner_id === store.me.id) return true;
  return topPosition(store, guildId, store.me.id) > topPosition(store, guildId, userId);
}

/** The roles the signed-in user may give or take: every one but @everyone below their highest role. */
export function assignableRoles(store, guildId) {
  const g = store.guilds.get(guildId);
  if (!g) return [];
  const owner = g.guild.owner_id === store.me.id;
  const top = topPosition(store, guildId, store.me.id);
  return [...g.roles.values()]
    .filter((r) => r.id !== guildId && !r.managed)
    .sort((a, b) => b.position - a.position)
    .map((r) => ({ role: r, allowed: owner || r.position < top }));
}
