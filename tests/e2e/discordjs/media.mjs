// The discord.js judge on media: a stock discord.js 14 bot (REST and CDN base URLs set, nothing else) sends files
// with AttachmentBuilder and embeds with EmbedBuilder, makes a custom emoji, sets its avatar, and reads every file
// and picture back from the URLs the library builds or receives. Prints one line per step; exits non-zero on a
// failed step or any library exception.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { AttachmentBuilder, EmbedBuilder } from 'discord.js';
import { Judge, die, env, failed, rest, step, stored, withTimeout } from './harness.mjs';

const GID = env.SD_GUILD_ID;
const GENERAL = env.SD_CHANNEL_ID;
const owner = env.SD_OWNER_TOKEN;
const PNG = readFileSync(env.SD_PNG_PATH);
const AVATAR = readFileSync(env.SD_AVATAR_PATH);

setTimeout(() => die('suite', new Error('the media suite ran past 110 s')), 110000).unref();

async function bytes(url) {
  const res = await fetch(url);
  assert.equal(res.status, 200, `GET ${url}: ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

function pngSize(buf) {
  assert.equal(buf.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'a PNG');
  return [buf.readUInt32BE(16), buf.readUInt32BE(20)];
}

const bot = new Judge('bot');
await step('login and ready', async () => {
  await bot.login(env.SD_BOT_TOKEN);
  assert.ok(bot.client.guilds.cache.get(GID));
});
const guild = bot.client.guilds.cache.get(GID);
if (!guild) die('suite', new Error('no ready: nothing else can run'));
const channel = guild.channels.cache.get(GENERAL);

await step('AttachmentBuilder files and an EmbedBuilder embed round-trip', async () => {
  const blob = Buffer.alloc(3 * 1024 * 1024 + 7, 0x5a);
  const mark = bot.mark();
  const message = await channel.send({
    content: 'files',
    files: [
      new AttachmentBuilder(PNG, { name: 'judge.png', description: 'the judge' }),
      new AttachmentBuilder(blob, { name: 'blob.bin' }),
    ],
    embeds: [
      new EmbedBuilder()
        .setTitle('Judged')
        .setDescription('with a picture')
        .setColor(0x00ff88)
        .setImage('attachment://judge.png')
        .addFields({ name: 'a', value: 'b', inline: true })
        .setFooter({ text: 'foot' })
        .setTimestamp(new Date('2026-01-02T03:04:05.000Z')),
    ],
  });
  const [pic, data] = [...message.attachments.values()];
  assert.equal(pic.name, 'judge.png');
  assert.equal(pic.contentType, 'image/png');
  assert.equal(pic.description, 'the judge');
  assert.deepEqual([pic.width, pic.height], pngSize(PNG));
  assert.deepEqual(await bytes(pic.url), PNG);
  assert.deepEqual(await bytes(data.url), blob);
  const [embed] = message.embeds;
  assert.equal(embed.title, 'Judged');
  assert.equal(embed.color, 0x00ff88);
  assert.equal(embed.footer.text, 'foot');
  assert.equal(embed.timestamp, '2026-01-02T03:04:05.000Z');
  assert.equal(embed.image.url.split('?')[0], pic.url.split('?')[0]);
  const [created] = await bot.wait('messageCreate', (m) => m.id === message.id, mark);
  assert.equal(created.attachments.size, 2);
  const s = await stored(owner, `/channels/${GENERAL}/messages/${message.id}`);
  assert.deepEqual(s.attachments.map((a) => a.size), [PNG.length, blob.length]);
});

await step('a custom emoji made, listed and read back by its URL', async () => {
  const mark = bot.mark();
  const emoji = await guild.emojis.create({ attachment: PNG, name: 'djs_judge', reason: 'judging' });
  assert.equal(emoji.name, 'djs_judge');
  assert.equal(emoji.animated, false);
  assert.deepEqual(pngSize(await bytes(emoji.imageURL({ extension: 'png' }))), pngSize(PNG));
  await bot.wait('emojiCreate', (e) => e.id === emoji.id, mark);
  const fetched = await guild.emojis.fetch(emoji.id, { force: true });
  assert.equal(fetched.name, 'djs_judge');
  const message = await channel.send(`${emoji}`);
  await message.react(emoji);
  const s = await stored(owner, `/channels/${GENERAL}/messages/${message.id}`);
  assert.deepEqual(s.reactions.map((r) => [r.emoji.id, r.count]), [[emoji.id, 1]]);
  await emoji.delete();
  assert.equal((await rest(owner, 'GET', `/guilds/${GID}/emojis/${emoji.id}`)).status, 404);
});

await step('the avatar set with setAvatar and read from displayAvatarURL', async () => {
  const user = await bot.client.user.setAvatar(AVATAR);
  assert.ok(user.avatar, 'the user has an avatar hash');
  const read = await bytes(user.displayAvatarURL({ extension: 'png', size: 64 }));
  assert.deepEqual(pngSize(read), [64, 64]);
  await guild.setIcon(PNG);
  const icon = await bytes(guild.iconURL({ extension: 'png' }));
  assert.deepEqual(pngSize(icon), pngSize(PNG));
});

await withTimeout(bot.destroy(), 10000, 'destroy');
const failures = failed();
console.log(failures.length ? `FAILED ${failures.length} step(s): ${failures.join('; ')}` : 'all steps passed');
process.exit(failures.length ? 1 : 0);
