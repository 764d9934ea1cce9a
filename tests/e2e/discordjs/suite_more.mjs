// The discord.js judge's second half: reactions, pins, DMs, typing, presence and member chunking.
import assert from 'node:assert/strict';
import { DMChannel, GuildMember } from 'discord.js';
import { rest, step, stored } from './harness.mjs';

const THUMBS = '👍';

export async function reactionsPinsDmsTypingPresenceChunking(ctx) {
  const { bot, watcher, GID, BOT, OWNER, MEMBER, owner, member } = ctx;
  const guild = ctx.guild;
  const channel = ctx.general;
  const reactionsOf = async (id) => (await stored(owner, `/channels/${channel.id}/messages/${id}`)).reactions ?? [];

  await step('reactions react, users, remove, remove emoji, remove all', async () => {
    let mark = bot.mark();
    const human = await rest(owner, 'POST', `/channels/${channel.id}/messages`, { content: 'react to me' });
    const [message] = await bot.wait('messageCreate', (m) => m.id === human.body.id, mark);

    mark = bot.mark();
    await message.react(THUMBS);
    assert.deepEqual((await reactionsOf(message.id)).map((r) => [r.emoji.name, r.count]), [[THUMBS, 1]]);
    const [reaction, user] = await bot.wait('messageReactionAdd', (r, u) => r.message.id === message.id, mark);
    assert.equal(reaction.emoji.name, THUMBS);
    assert.equal(user.id, BOT);

    mark = bot.mark();
    const path = `/channels/${channel.id}/messages/${message.id}/reactions/${encodeURIComponent(THUMBS)}/@me`;
    assert.equal((await rest(member, 'PUT', path)).status, 204);
    await bot.wait('messageReactionAdd', (r, u) => u.id === MEMBER, mark);
    const cached = message.reactions.cache.get(THUMBS);
    assert.equal(cached.count, 2);
    assert.equal(cached.me, true);
    const users = await cached.users.fetch();
    assert.deepEqual([...users.keys()].sort(), [BOT, MEMBER].sort());

    mark = bot.mark();
    await cached.users.remove(MEMBER);
    await bot.wait('messageReactionRemove', (r, u) => u.id === MEMBER, mark);
    assert.deepEqual((await reactionsOf(message.id)).map((r) => r.count), [1]);

    mark = bot.mark();
    await message.reactions.cache.get(THUMBS).remove();
    await bot.wait('messageReactionRemoveEmoji', (r) => r.message.id === message.id, mark);
    assert.deepEqual(await reactionsOf(message.id), []);

    await message.react('🎉');
    mark = bot.mark();
    await message.reactions.removeAll();
    await bot.wait('messageReactionRemoveAll', (m) => m.id === message.id, mark);
    assert.deepEqual(await reactionsOf(message.id), []);
  });

  await step('pins pin, fetchPins, unpin', async () => {
    const room = await guild.channels.create({ name: 'djs-pins' });
    const message = await room.send('pin me');
    const mark = bot.mark();
    await message.pin('judging');
    const s = await stored(owner, `/channels/${room.id}/messages/pins`);
    assert.deepEqual(s.items.map((p) => p.message.id), [message.id]);
    await bot.wait('channelPinsUpdate', (c) => c.id === room.id, mark);
    const pins = await room.messages.fetchPins();
    assert.deepEqual(pins.items.map((p) => p.message.id), [message.id]);
    assert.equal((await room.messages.fetch({ message: message.id, force: true })).pinned, true);
    await message.unpin('judging');
    assert.deepEqual((await stored(owner, `/channels/${room.id}/messages/pins`)).items, []);
    assert.equal((await room.messages.fetchPins()).items.length, 0);
    await room.delete();
  });

  await step('DMs createDM, send, receive, fetch', async () => {
    const user = await bot.client.users.fetch(MEMBER, { force: true });
    const dm = await user.createDM();
    assert.ok(dm instanceof DMChannel);
    assert.equal(dm.recipientId, MEMBER);
    const sent = await user.send('a direct word');
    assert.equal(sent.channelId, dm.id);
    const mine = await stored(member, '/users/@me/channels');
    assert.ok(mine.some((c) => c.id === dm.id));
    assert.deepEqual((await stored(member, `/channels/${dm.id}/messages`)).map((m) => m.content), ['a direct word']);
    const mark = bot.mark();
    const answer = await rest(member, 'POST', `/channels/${dm.id}/messages`, { content: 'a direct answer' });
    assert.equal(answer.status, 200);
    const [heard] = await bot.wait('messageCreate', (m) => m.channelId === dm.id && m.author.id === MEMBER, mark);
    assert.equal(heard.content, 'a direct answer');
    assert.equal(heard.guildId, null);
    const history = await dm.messages.fetch({ limit: 10, cache: false });
    assert.deepEqual([...history.values()].map((m) => m.content), ['a direct answer', 'a direct word']);
  });

  await step('typing sendTyping and typingStart', async () => {
    let mark = watcher.mark();
    await channel.sendTyping();
    const [typing] = await watcher.wait('typingStart', (t) => t.user.id === BOT, mark);
    assert.equal(typing.channel.id, channel.id);
    assert.ok(typing.member instanceof GuildMember);
    mark = bot.mark();
    assert.equal((await rest(member, 'POST', `/channels/${channel.id}/typing`)).status, 204);
    const [seen] = await bot.wait('typingStart', (t) => t.user.id === MEMBER, mark);
    assert.equal(seen.guild.id, GID);
    assert.ok(seen.startedAt instanceof Date);
  });

  await step('presence setPresence and presenceUpdate', async () => {
    let mark = watcher.mark();
    bot.client.user.setPresence({ status: 'dnd', activities: [{ name: 'chess', type: 0 }] });
    const [, seen] = await watcher.wait('presenceUpdate', (b, p) => p.userId === BOT && p.status === 'dnd', mark);
    assert.deepEqual(seen.activities.map((a) => [a.name, a.type]), [['chess', 0]]);
    mark = bot.mark();
    watcher.client.user.setPresence({ status: 'idle', activities: [{ name: 'judging', type: 0 }] });
    const [, after] = await bot.wait('presenceUpdate', (b, p) => p.userId === OWNER && p.status === 'idle', mark);
    assert.equal(after.activities[0]?.name, 'judging');
    assert.equal(guild.members.cache.get(OWNER)?.presence?.status, 'idle');
    bot.client.user.setPresence({ status: 'online', activities: [] });
  });

  await step('member chunking over the gateway and lists over REST', async () => {
    const everyone = [OWNER, BOT, MEMBER];
    const all = await guild.members.fetch();
    for (const id of everyone) assert.ok(all.has(id), `chunk lacks ${id}`);
    const name = (await stored(owner, `/users/${MEMBER}`)).username;
    const byName = await guild.members.fetch({ query: name.slice(0, 8), limit: 5 });
    assert.ok(byName.has(MEMBER));
    const byId = await guild.members.fetch({ user: [MEMBER], withPresences: true });
    assert.deepEqual([...byId.keys()], [MEMBER]);
    const listed = await guild.members.list({ limit: 1000, cache: false });
    const storedIds = (await stored(owner, `/guilds/${GID}/members?limit=1000`)).map((m) => m.user.id);
    assert.deepEqual([...listed.keys()].sort(), storedIds.sort());
    assert.deepEqual([...all.keys()].sort(), storedIds.sort());
    const searched = await guild.members.search({ query: name.slice(0, 8), limit: 5 });
    assert.ok(searched.has(MEMBER));
  });
}
