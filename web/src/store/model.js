// The data the client knows: the signed-in user, guilds with their channels, roles, members and presences, DMs,
// read states, loaded messages and who is typing; the functions that change it (fed by gateway events and REST
// answers, see store/dispatch.js and store/actions.js) and the ones that read it for the views.

export const TEXT = 0;
export const DM = 1;
export const CATEGORY = 4;
export const GROUP_DM = 3;

export function newer(a, b) {
  if (!a) return false;
  if (!b) return true;
  return BigInt(a) > BigInt(b);
}

export function createModel() {
  return {
    me: null,
    users: new Map(), // id -> user
    guilds: new Map(), // id -> {guild, channels: Map, roles: Map, members: Map(user_id -> member), emojis: Map}
    channels: new Map(), // every channel (guild channels and DMs) by id, with read state
    presences: new Map(), // user_id -> status
    messages: new Map(), // channel_id -> {list: [...] oldest first, complete: bool}
    typing: new Map(), // channel_id -> Map(user_id -> expires at)
  };
}

export function rememberUser(store, user) {
  if (!user || !user.id) return;
  store.users.set(user.id, { ...(store.users.get(user.id) || {}), ...user });
  if (store.me && store.me.id === user.id) store.me = { ...store.me, ...user };
}

export function displayName(store, userId, guildId) {
  const member = guildId && store.guilds.get(guildId)?.members.get(userId);
  const user = store.users.get(userId);
  return (member && member.nick) || (user && (user.global_name || user.username)) || 'Someone';
}

export function addChannel(store, channel) {
  const old = store.channels.get(channel.id);
  const merged = { ...(old || {}), ...channel };
  if (old && old.last_read_message_id !== undefined && channel.last_read_message_id === undefined) {
    merged.last_read_message_id = old.last_read_message_id;
    merged.mention_count = old.mention_count;
  }
  store.channels.set(channel.id, merged);
  for (const r of channel.recipients || []) rememberUser(store, r);
  const g = channel.guild_id && store.guilds.get(channel.guild_id);
  if (g) g.channels.set(channel.id, merged);
  return merged;
}

export function removeChannel(store, channelId) {
  const c = store.channels.get(channelId);
  store.channels.delete(channelId);
  store.messages.delete(channelId);
  const g = c && c.guild_id && store.guilds.get(c.guild_id);
  if (g) g.channels.delete(channelId);
}

export function addGuild(store, data) {
  const g = { guild: data, channels: new Map(), roles: new Map(), members: new Map(), emojis: new Map() };
  store.guilds.set(data.id, g);
  setEmojis(store, data.id, data.emojis || []);
  for (const r of data.roles || []) g.roles.set(r.id, r);
  for (const c of data.channels || []) addChannel(store, { ...c, guild_id: data.id });
  for (const m of data.members || []) addMember(store, data.id, m);
  for (const p of data.presences || []) setPresence(store, p.user.id, p.status);
  return g;
}

export function removeGuild(store, guildId) {
  const g = store.guilds.get(guildId);
  if (!g) return;
  for (const id of g.channels.keys()) removeChannel(store, id);
  store.guilds.delete(guildId);
}

export function addMember(store, guildId, member) {
  const g = store.guilds.get(guildId);
  if (!g || !member.user) return;
  rememberUser(store, member.user);
  g.members.set(member.user.id, { ...member, user: undefined });
}

/** Replaces a guild's custom emoji (GUILD_CREATE, GUILD_EMOJIS_UPDATE and GET /guilds/{id}/emojis). */
export function setEmojis(store, guildId, emojis) {
  const g = store.guilds.get(guildId);
  if (!g || !Array.isArray(emojis)) return;
  g.emojis = new Map(emojis.filter((e) => e && e.id && e.name).map((e) => [e.id, e]));
}

/** The guild's custom emoji one can use, by name. */
export function usableEmojis(store, guildId) {
  const g = guildId && store.guilds.get(guildId);
  if (!g) return [];
  return [...g.emojis.values()].filter((e) => e.available !== false).sort((a, b) => a.name.localeCompare(b.name));
}

/** Can the signed-in user manage guildId (its owner, an administrator, or MANAGE_GUILD)? */
export function canManageGuild(store, guildId) {
  const g = store.guilds.get(guildId);
  if (!g || !store.me) return false;
  if (g.guild.owner_id === store.me.id) return true;
  const mine = myRoles(store, guildId);
  mine.add(guildId); // @everyone
  let perms = 0n;
  for (const id of mine) {
    const role = g.roles.get(id);
    if (role && role.permissions) perms |= BigInt(role.permissions);
  }
  return (perms & (8n | 32n)) !== 0n; // ADMINISTRATOR, MANAGE_GUILD
}

/** The key a reaction's emoji is known by: its id for a custom emoji, else its text. */
export function emojiKey(emoji) {
  return emoji && emoji.id ? emoji.id : emoji && emoji.name;
}

export function setPresence(store, userId, status) {
  if (!status || status === 'offline') store.presences.delete(userId);
  else store.presences.set(userId, status);
}

/** A DM's title: its name, else the other people in it. */
export function dmName(store, c) {
  const others = (c.recipients || []).filter((u) => u.id !== store.me.id);
  return c.name || others.map((u) => displayName(store, u.id)).join(', ') || 'Just you';
}

/** DMs, the most recently active first. */
export function sortedDms(store) {
  return [...store.channels.values()]
    .filter((c) => !c.guild_id)
    .sort((a, b) => (newer(a.last_message_id || a.id, b.last_message_id || b.id) ? -1 : 1));
}

/** The channel to open in a guild (null: the DMs) when none is remembered there. */
export function firstChannel(store, guildId) {
  if (guildId === null) return sortedDms(store)[0]?.id || null;
  const g = store.guilds.get(guildId);
  const text = g ? [...g.channels.values()].filter((c) => c.type === TEXT).sort((a, b) => a.position - b.position) : [];
  return text[0]?.id || null;
}

export function isUnread(channel) {
  return !!channel && newer(channel.last_message_id, channel.last_read_message_id);
}

/** The guild's text channels that have a message newer than the user's read state. */
export function unreadChannels(store, guildId) {
  const g = store.guilds.get(guildId);
  return g ? [...g.channels.values()].filter((c) => c.type === TEXT && isUnread(c)) : [];
}

/** Is guild guildId unread: one of its text channels (those the user sees: the ones the server sent) has a
 * message newer than its read state? */
export function guildUnread(store, guildId) {
  return unreadChannels(store, guildId).length > 0;
}

/** The guild's mention badge: the sum of its channels' mention counts. */
export function guildMentions(store, guildId) {
  const g = store.guilds.get(guildId);
  let n = 0;
  for (const c of g ? g.channels.values() : []) n += c.mention_count || 0;
  return n;
}

/** The DMs' side of the rail: is one unread, and how many messages wait in them (each counts, as a mention). */
export function dmUnread(store) {
  return [...store.channels.values()].some((c) => !c.guild_id && isUnread(c));
}

export function dmMentions(store) {
  let n = 0;
  for (const c of store.channels.values()) if (!c.guild_id) n += c.mention_count || 0;
  return n;
}

export function myRoles(store, guildId) {
  const member = store.me && store.guilds.get(guildId)?.members.get(store.me.id);
  return new Set(member ? member.roles : []);
}

/** Does message m mention the signed-in user (by name, a role of theirs, or @everyone)? */
export function mentionsMe(store, m) {
  if (!store.me) return false;
  if (m.mention_everyone) return true;
  if ((m.mentions || []).some((u) => u.id === store.me.id)) return true;
  const roles = myRoles(store, store.channels.get(m.channel_id)?.guild_id);
  return (m.mention_roles || []).some((r) => roles.has(r));
}

// ---- messages ----

export function messagesOf(store, channelId) {
  return store.messages.get(channelId);
}

/** Puts a page of messages (any order) into the channel's list, keeping it sorted and free of repeats. */
export function addMessages(store, channelId, page, { complete } = {}) {
  let entry = store.messages.get(channelId);
  if (!entry) {
    entry = { list: [], complete: false };
    store.messages.set(channelId, entry);
  }
  // An older page (all of it before what is loaded, as scrolling up brings) goes in front without a sort.
  const sorted = page.slice().sort((a, b) => (newer(a.id, b.id) ? 1 : -1));
  if (sorted.length && entry.list.length && newer(entry.list[0].id, sorted.at(-1).id)) {
    for (const m of sorted) rememberUser(store, m.author);
    entry.list = sorted.concat(entry.list);
    if (complete) entry.complete = true;
    return entry;
  }
  const byId = new Map(entry.list.map((m) => [m.id, m]));
  for (const m of page) {
    rememberUser(store, m.author);
    byId.set(m.id, { ...(byId.get(m.id) || {}), ...m });
  }
  entry.list = [...byId.values()].sort((a, b) => (newer(a.id, b.id) ? 1 : -1));
  if (complete) entry.complete = true;
  return entry;
}

export function findMessage(store, channelId, messageId) {
  return store.messages.get(channelId)?.list.find((m) => m.id === messageId);
}

export function reactionChanged(store, d, added) {
  const m = findMessage(store, d.channel_id, d.message_id);
  if (!m) return null;
  const key = emojiKey(d.emoji);
  const reactions = (m.reactions || []).map((r) => ({ ...r }));
  let r = reactions.find((x) => emojiKey(x.emoji) === key);
  if (!r && added) {
    r = { emoji: { id: d.emoji.id || null, name: d.emoji.name, animated: !!d.emoji.animated }, count: 0, me: false };
    reactions.push(r);
  }
  if (!r) return m;
  r.count += added ? 1 : -1;
  if (store.me && d.user_id === store.me.id) r.me = added;
  m.reactions = reactions.filter((x) => x.count > 0);
  return m;
}
