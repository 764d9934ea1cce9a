// The discord.js 14 judge: a stock bot (every intent, only the REST base URL set) runs a bot's everyday operations
// across every family the server has, asserting on what the server stored (read back over REST by the guild's owner),
// on the library's cache and on the events it emitted. A second stock client, logged in as the owner, watches what
// the bot does (typing, presence). Prints one line per step; exits non-zero when any step fails.
// Environment: SD_BASE, SD_GUILD_ID, SD_CHANNEL_ID, SD_INVITE_CODE and the id/token pairs SD_{BOT,OWNER,MEMBER}_{ID,TOKEN}.
import assert from 'node:assert/strict';
import { ChannelType, GuildMember, OverwriteType, PermissionFlagsBits } from 'discord.js';
import { Judge, die, env, failed, register, rest, step, stored, withTimeout } from './harness.mjs';
import { reactionsPinsDmsTypingPresenceChunking } from './suite_more.mjs';

const GID = env.SD_GUILD_ID;
const GENERAL = env.SD_CHANNEL_ID;
const BOT = env.SD_BOT_ID;
const OWNER = env.SD_OWNER_ID;
const MEMBER = env.SD_MEMBER_ID;
const owner = env.SD_OWNER_TOKEN;
const member = env.SD_MEMBER_TOKEN;
const SEND = PermissionFlagsBits.SendMessages;

setTimeout(() => die('suite', new Error('the suite ran past 110 s')), 110000).unref();

const bot = new Judge('bot');
const watcher = new Judge('owner');
const ctx = { bot, watcher, GID, GENERAL, BOT, OWNER, MEMBER, owner, member };

async function newcomer(stem) {
  const user = await register(stem);
  const r = await rest(user.token, 'POST', `/invites/${env.SD_INVITE_CODE}`);
  assert.equal(r.status, 200, `join: ${r.status} ${JSON.stringify(r.body)}`);
  return user;
}

await step('login and ready', async () => {
  await bot.login(env.SD_BOT_TOKEN);
  assert.equal(bot.client.user.id, BOT);
  const guild = bot.client.guilds.cache.get(GID);
  assert.ok(guild, 'the guild is cached after ready');
  assert.equal(guild.ownerId, OWNER);
  assert.equal(guild.channels.cache.get(GENERAL)?.name, 'general');
  assert.ok(guild.roles.everyone, '@everyone is cached');
  assert.ok(guild.members.cache.has(BOT), 'the bot is a cached member');
  ctx.guild = guild;
  ctx.general = guild.channels.cache.get(GENERAL);
});

if (!ctx.guild) die('suite', new Error('no ready: nothing else can run'));
const guild = ctx.guild;

await step('the owner logs in as a second client', async () => {
  await watcher.login(owner);
  assert.ok(watcher.client.guilds.cache.has(GID));
});

await step('guild fetch and edit', async () => {
  const fetched = await bot.client.guilds.fetch({ guild: GID, force: true });
  assert.equal(fetched.name, 'Judges');
  const mark = bot.mark();
  await guild.setName('Judges renamed', 'judging');
  assert.equal((await stored(owner, `/guilds/${GID}`)).name, 'Judges renamed');
  const [, after] = await bot.wait('guildUpdate', (b, a) => a.id === GID, mark);
  assert.equal(after.name, 'Judges renamed');
  assert.equal(guild.name, 'Judges renamed');
  await guild.setName('Judges');
});

await step('channels create, edit, overwrites, delete', async () => {
  let mark = bot.mark();
  const category = await guild.channels.create({ name: 'judged', type: ChannelType.GuildCategory });
  const channel = await guild.channels.create({
    name: 'djs-text',
    topic: 'first topic',
    rateLimitPerUser: 5,
    parent: category,
    permissionOverwrites: [{ id: MEMBER, type: OverwriteType.Member, deny: [SEND] }],
    reason: 'judging',
  });
  let s = await stored(owner, `/channels/${channel.id}`);
  assert.equal(s.topic, 'first topic');
  assert.equal(s.rate_limit_per_user, 5);
  assert.equal(s.parent_id, category.id);
  const ow = s.permission_overwrites.find((o) => o.id === MEMBER);
  assert.ok(ow && ow.type === 1 && (BigInt(ow.deny) & SEND) === SEND, JSON.stringify(s.permission_overwrites));
  const [created] = await bot.wait('channelCreate', (c) => c.id === channel.id, mark);
  assert.equal(created.topic, 'first topic');
  assert.equal(created.parentId, category.id);
  assert.ok(channel.permissionOverwrites.cache.get(MEMBER).deny.has(SEND));

  mark = bot.mark();
  await channel.setTopic('second topic');
  await channel.setRateLimitPerUser(10);
  await channel.permissionOverwrites.delete(MEMBER);
  await channel.setPosition(0);
  s = await stored(owner, `/channels/${channel.id}`);
  assert.equal(s.topic, 'second topic');
  assert.equal(s.rate_limit_per_user, 10);
  assert.ok(!s.permission_overwrites.some((o) => o.id === MEMBER));
  assert.equal(s.position, 0);
  await bot.wait('channelUpdate', (b, a) => a.id === channel.id && a.topic === 'second topic', mark);
  assert.equal(guild.channels.cache.get(channel.id).rateLimitPerUser, 10);

  mark = bot.mark();
  await channel.delete('judging');
  await category.delete();
  await stored(owner, `/channels/${channel.id}`, 404);
  await bot.wait('channelDelete', (c) => c.id === channel.id, mark);
  assert.ok(!guild.channels.cache.has(channel.id));
});

await step('roles create, edit, add and remove on a member, delete', async () => {
  let mark = bot.mark();
  const role = await guild.roles.create({
    name: 'judged',
    colors: { primaryColor: 0x123456 },
    hoist: true,
    mentionable: true,
    permissions: [SEND],
    reason: 'judging',
  });
  const roleOf = async () => (await stored(owner, `/guilds/${GID}/roles`)).find((r) => r.id === role.id);
  let s = await roleOf();
  assert.equal(s.name, 'judged');
  assert.equal(s.color, 0x123456);
  assert.ok(s.hoist && s.mentionable);
  assert.equal(BigInt(s.permissions), SEND);
  await bot.wait('roleCreate', (r) => r.id === role.id, mark);

  mark = bot.mark();
  await role.edit({ name: 'judged again' });
  assert.equal((await roleOf()).name, 'judged again');
  await bot.wait('roleUpdate', (b, a) => a.id === role.id && a.name === 'judged again', mark);
  await role.setPosition(1, { reason: 'judging' }); // discord.js sends every role, @everyone at 0 included
  s = await roleOf();
  assert.equal(s.position, 1);
  assert.equal(guild.roles.cache.get(role.id).position, 1);

  const target = await guild.members.fetch({ user: MEMBER, force: true });
  mark = bot.mark();
  await target.roles.add(role, 'judging');
  assert.ok((await stored(owner, `/guilds/${GID}/members/${MEMBER}`)).roles.includes(role.id));
  await bot.wait('guildMemberUpdate', (b, a) => a.id === MEMBER && a.roles.cache.has(role.id), mark);

  mark = bot.mark();
  await target.roles.remove(role, 'judging');
  assert.ok(!(await stored(owner, `/guilds/${GID}/members/${MEMBER}`)).roles.includes(role.id));
  await bot.wait('guildMemberUpdate', (b, a) => a.id === MEMBER && !a.roles.cache.has(role.id), mark);

  mark = bot.mark();
  await role.delete('judging');
  assert.equal(await roleOf(), undefined);
  await bot.wait('roleDelete', (r) => r.id === role.id, mark);
  assert.ok(!guild.roles.cache.has(role.id));
});

await step('member fetch (REST), nickname, timeout', async () => {
  const target = await guild.members.fetch({ user: MEMBER, force: true });
  assert.ok(target instanceof GuildMember);
  assert.equal(target.user.id, MEMBER);
  let mark = bot.mark();
  await target.setNickname('judged nick', 'judging');
  assert.equal((await stored(owner, `/guilds/${GID}/members/${MEMBER}`)).nick, 'judged nick');
  await bot.wait('guildMemberUpdate', (b, a) => a.id === MEMBER && a.nickname === 'judged nick', mark);

  mark = bot.mark();
  await target.timeout(5 * 60 * 1000, 'judging');
  const until = Date.parse((await stored(owner, `/guilds/${GID}/members/${MEMBER}`)).communication_disabled_until);
  assert.ok(until > Date.now() + 4 * 60 * 1000 && until < Date.now() + 6 * 60 * 1000, `timeout until ${until}`);
  await bot.wait('guildMemberUpdate', (b, a) => a.id === MEMBER && a.isCommunicationDisabled(), mark);

  mark = bot.mark();
  await target.timeout(null);
  assert.equal((await stored(owner, `/guilds/${GID}/members/${MEMBER}`)).communication_disabled_until ?? null, null);
  await bot.wait('guildMemberUpdate', (b, a) => a.id === MEMBER && !a.isCommunicationDisabled(), mark);
  await target.setNickname(null);
});

await step('member join and kick', async () => {
  let mark = bot.mark();
  const user = await newcomer('newcomer');
  const [joined] = await bot.wait('guildMemberAdd', (m) => m.id === user.id, mark);
  assert.equal(joined.user.username, user.username);
  mark = bot.mark();
  await guild.members.kick(user.id, 'judging');
  await stored(owner, `/guilds/${GID}/members/${user.id}`, 404);
  await bot.wait('guildMemberRemove', (m) => m.id === user.id, mark);
  assert.ok(!guild.members.cache.has(user.id));
});

await step('bans create, fetch one, fetch all, remove', async () => {
  let mark = bot.mark();
  const user = await newcomer('banned');
  await bot.wait('guildMemberAdd', (m) => m.id === user.id, mark);
  mark = bot.mark();
  await guild.bans.create(user.id, { reason: 'judged', deleteMessageSeconds: 0 });
  const ban = await guild.bans.fetch({ user: user.id, force: true });
  assert.equal(ban.user.id, user.id);
  assert.equal(ban.reason, 'judged');
  const all = await guild.bans.fetch();
  assert.ok(all.has(user.id));
  assert.ok((await stored(owner, `/guilds/${GID}/bans`)).some((b) => b.user.id === user.id));
  await bot.wait('guildBanAdd', (b) => b.user.id === user.id, mark);
  await bot.wait('guildMemberRemove', (m) => m.id === user.id, mark);

  mark = bot.mark();
  await guild.bans.remove(user.id, 'judging');
  assert.ok(!(await stored(owner, `/guilds/${GID}/bans`)).some((b) => b.user.id === user.id));
  await bot.wait('guildBanRemove', (b) => b.user.id === user.id, mark);
});

await step('invites create, fetch, list, delete', async () => {
  let mark = bot.mark();
  const invite = await ctx.general.createInvite({ maxAge: 3600, maxUses: 5, reason: 'judging' });
  assert.equal(invite.maxAge, 3600);
  assert.equal(invite.maxUses, 5);
  assert.equal(invite.inviterId, BOT);
  const fetched = await bot.client.fetchInvite(invite.code);
  assert.equal(fetched.guild.id, GID);
  assert.equal(fetched.channelId, GENERAL);
  const listed = await guild.invites.fetch({ cache: false });
  assert.ok(listed.has(invite.code));
  const s = await stored(owner, `/invites/${invite.code}`);
  assert.equal(s.channel.id, GENERAL);
  await bot.wait('inviteCreate', (i) => i.code === invite.code, mark);
  mark = bot.mark();
  await guild.invites.delete(invite.code, 'judging');
  await stored(owner, `/invites/${invite.code}`, 404);
  await bot.wait('inviteDelete', (i) => i.code === invite.code, mark);
});

await step('messages send, receive, reply, edit, delete', async () => {
  const channel = await guild.channels.create({ name: 'djs-messages' });
  ctx.messages = channel;
  let mark = bot.mark();
  const sent = await channel.send('hello from discord.js');
  const [seen] = await bot.wait('messageCreate', (m) => m.id === sent.id, mark);
  assert.equal(seen.content, 'hello from discord.js');
  const s = await stored(owner, `/channels/${channel.id}/messages/${sent.id}`);
  assert.equal(s.author.id, BOT);

  mark = bot.mark();
  const human = await rest(owner, 'POST', `/channels/${channel.id}/messages`, { content: 'a person speaks' });
  assert.equal(human.status, 200);
  const [heard] = await bot.wait('messageCreate', (m) => m.id === human.body.id, mark);
  assert.equal(heard.content, 'a person speaks');
  assert.ok(heard.member instanceof GuildMember, 'a guild message carries its member');
  assert.equal(heard.member.id, OWNER);

  const reply = await heard.reply({ content: 'a bot answers', allowedMentions: { repliedUser: false } });
  assert.equal(reply.reference.messageId, heard.id);
  const r = await stored(owner, `/channels/${channel.id}/messages/${reply.id}`);
  assert.equal(r.type, 19);
  assert.equal(r.message_reference.message_id, heard.id);

  mark = bot.mark();
  const edited = await sent.edit('edited by discord.js');
  assert.equal(edited.content, 'edited by discord.js');
  assert.ok(edited.editedTimestamp);
  assert.equal((await stored(owner, `/channels/${channel.id}/messages/${sent.id}`)).content, 'edited by discord.js');
  const [before, after] = await bot.wait('messageUpdate', (b, a) => a.id === sent.id, mark);
  assert.equal(before.content, 'hello from discord.js');
  assert.equal(after.content, 'edited by discord.js');

  mark = bot.mark();
  await sent.delete();
  await stored(owner, `/channels/${channel.id}/messages/${sent.id}`, 404);
  await bot.wait('messageDelete', (m) => m.id === sent.id, mark);
});

await step('history fetch (before, after, around, one) and bulkDelete', async () => {
  const channel = await guild.channels.create({ name: 'djs-history' });
  const sent = [];
  for (let i = 0; i < 6; i++) sent.push(await channel.send(`m${i}`));
  const contents = (c) => [...c.values()].map((m) => m.content);
  assert.deepEqual(contents(await channel.messages.fetch({ limit: 10, cache: false })), [
    'm5', 'm4', 'm3', 'm2', 'm1', 'm0',
  ]);
  assert.deepEqual(contents(await channel.messages.fetch({ before: sent[3].id, cache: false })), ['m2', 'm1', 'm0']);
  assert.deepEqual(contents(await channel.messages.fetch({ after: sent[2].id, cache: false })).sort(), [
    'm3', 'm4', 'm5',
  ]);
  assert.deepEqual(contents(await channel.messages.fetch({ around: sent[3].id, limit: 3, cache: false })).sort(), [
    'm2', 'm3', 'm4',
  ]);
  assert.equal((await channel.messages.fetch({ message: sent[1].id, force: true })).content, 'm1');
  const mark = bot.mark();
  const deleted = await channel.bulkDelete(sent.map((m) => m.id));
  assert.equal(deleted.size, 6);
  assert.deepEqual(await stored(owner, `/channels/${channel.id}/messages`), []);
  const [gone] = await bot.wait('messageDeleteBulk', (ms, ch) => ch.id === channel.id, mark);
  assert.deepEqual([...gone.keys()].sort(), sent.map((m) => m.id).sort());
  await channel.delete();
});

await step('fetches and Discord errors', async () => {
  const channels = await guild.channels.fetch();
  assert.ok(channels.has(GENERAL));
  const roles = await guild.roles.fetch();
  assert.deepEqual([...roles.keys()].sort(), [...guild.roles.cache.keys()].sort());
  assert.equal((await bot.client.channels.fetch(GENERAL, { force: true })).name, 'general');
  const codes = {};
  for (const [what, call] of [
    ['message', () => ctx.general.messages.fetch({ message: '1', force: true })],
    ['member', () => guild.members.fetch({ user: '1', force: true })],
    ['channel', () => bot.client.channels.fetch('1', { force: true })],
  ]) {
    try {
      await call();
    } catch (err) {
      codes[what] = [err.status, err.code];
    }
  }
  assert.deepEqual(codes, { message: [404, 10008], member: [404, 10007], channel: [404, 10003] });
});

await reactionsPinsDmsTypingPresenceChunking(ctx);

if (ctx.messages) await ctx.messages.delete().catch(() => {});
await withTimeout(Promise.all([bot.destroy(), watcher.destroy()]), 10000, 'destroy');
const failures = failed();
console.log(failures.length ? `FAILED ${failures.length} step(s): ${failures.join('; ')}` : 'all steps passed');
process.exit(failures.length ? 1 : 0);
