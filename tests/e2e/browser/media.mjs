// Media in the web client, in Debian's chromium (playwright-core): files attached by the button and by a drop,
// images shown at their real size and opened full size, a download card that downloads the exact bytes, an
// upload's progress and cancel, a file over the limit refused readably, an embed sent through the API, avatars
// (the default one, then one set in settings), a guild icon, and custom emoji in the picker, in messages and in
// reactions. Started by test_web_media.py with SD_BASE, SD_ARTIFACTS, CHROMIUM and SD_MAX_FILE_BYTES (the
// server's per-file limit). Exits non-zero on the first failed step, naming it.
import { chromium } from 'playwright-core';
import { strict as assert } from 'node:assert';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { current, eventually as pollUntil, step } from './steps.mjs';

const base = process.env.SD_BASE;
const artifacts = process.env.SD_ARTIFACTS;
const maxFileBytes = Number(process.env.SD_MAX_FILE_BYTES);
const suffix = Math.random().toString(36).slice(2, 8);
const TIMEOUT = 20000;
const XSS = '<img src=x onerror=alert(1)>';

/** A real PNG of width x height pixels of one colour. */
function png(width, height, [r, g, b] = [200, 30, 90]) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (kind, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(kind, 4, 'latin1');
    data.copy(out, 8);
    out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [r, g, b]).flat())]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, args: ['--no-sandbox'] });
const problems = [];
let expectedRefusals = 0; // responses of 400 and more a step expects (a file over the limit)
let refusing = false; // while a refusal is expected, the browser's log of it is not a problem

/** Polls fn until it returns a truthy value. */
const eventually = (fn, what) => pollUntil(fn, what, TIMEOUT);

const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, acceptDownloads: true });
const page = await context.newPage();
page.setDefaultTimeout(TIMEOUT);
page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
page.on('dialog', (d) => {
  problems.push(`a dialog opened (${d.message()})`);
  d.dismiss();
});
page.on('response', (r) => {
  if (r.status() >= 400) {
    if (expectedRefusals > 0) expectedRefusals--;
    else problems.push(`${r.status()} from ${r.request().method()} ${r.url()}`);
  }
});
page.on('console', (msg) => {
  if (msg.type() === 'error' && !(refusing && /413|Failed to load resource/.test(msg.text()))) problems.push(`console error: ${msg.text()}`);
});

/** The REST API with the page's token (from node: what a bot or another client would send). */
async function api(method, path, body) {
  const token = await page.evaluate(() => localStorage.getItem('token'));
  const r = await fetch(`${base}/api/v10${path}`, {
    method,
    headers: { Authorization: token, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const message = (text) => page.locator('article.msg', { hasText: text });
const composer = () => page.locator('#composer-input');
const fileInput = () => page.locator('.composer input[type=file]');

/** Waits until img (a locator) has loaded; returns its natural and shown sizes. */
async function loaded(img) {
  await img.waitFor();
  return eventually(
    () =>
      img.evaluate((el) =>
        el.complete && el.naturalWidth > 0
          ? { natural: [el.naturalWidth, el.naturalHeight], shown: [el.clientWidth, el.clientHeight], src: el.getAttribute('src') }
          : null,
      ),
    'the image to load',
  );
}

/** Sends the files given (already attached) with text, waiting for the message. */
async function sendWith(text) {
  await composer().fill(text);
  await composer().press('Enter');
  await message(text).first().waitFor();
  return message(text).first();
}

try {
  let me;
  let guild;
  let channel;
  const small = png(300, 200, [200, 30, 90]);
  const wide = png(1200, 600, [30, 160, 90]);
  const blob = randomBytes(70_000);

  await step('register and create a guild', async () => {
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByLabel('Username').fill(`media_${suffix}`);
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    await page.getByRole('button', { name: 'Create a server' }).click();
    await page.getByLabel('Server name').fill(`Media ${suffix}`);
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByRole('heading', { name: '# general' }).waitFor();
    me = await api('GET', '/users/@me');
    guild = (await api('GET', '/users/@me/guilds')).find((g) => g.name === `Media ${suffix}`);
    channel = (await api('GET', `/guilds/${guild.id}/channels`)).find((c) => c.name === 'general');
  });

  await step('the default avatar is the CDN one Discord picks: (id >> 22) % 6', async () => {
    await composer().fill('hello before the avatar');
    await composer().press('Enter');
    const img = message('hello before the avatar').locator('img.avatar');
    const n = Number((BigInt(me.id) >> 22n) % 6n);
    const { src, natural } = await loaded(img);
    assert.equal(src, `/embed/avatars/${n}.png`);
    assert.ok(natural[0] > 0);
  });

  await step('a PNG attached by the button shows as a chip and can be removed', async () => {
    await fileInput().setInputFiles({ name: 'red.png', mimeType: 'image/png', buffer: small });
    await page.getByRole('button', { name: 'Remove red.png' }).waitFor();
    await loaded(page.locator('.chips img.chip-thumb'));
    await page.getByRole('button', { name: 'Remove red.png' }).click();
    await eventually(async () => (await page.locator('.chips li').count()) === 0, 'the chip to go');
  });

  await step('a file pasted into the message box is attached', async () => {
    await composer().evaluate((el, b64) => {
      const data = new DataTransfer();
      data.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'pasted.png', { type: 'image/png' }));
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, small.toString('base64'));
    await page.getByRole('button', { name: 'Remove pasted.png' }).click();
    await eventually(async () => (await page.locator('.chips li').count()) === 0, 'the chip to go');
  });

  await step('a PNG sent by the file input renders at its real size', async () => {
    await fileInput().setInputFiles({ name: 'red.png', mimeType: 'image/png', buffer: small });
    await page.getByRole('button', { name: 'Remove red.png' }).waitFor();
    const m = await sendWith('a small red picture');
    const img = m.getByRole('button', { name: 'Open image red.png' }).locator('img');
    const size = await loaded(img);
    assert.deepEqual(size.natural, [300, 200]);
    assert.deepEqual(size.shown, [300, 200], 'fits the box: shown at its size');
    assert.equal(await page.locator('.chips li').count(), 0, 'the chips went with the message');
    // The bytes behind the link are the ones sent.
    const bytes = await page.evaluate(async (url) => [...new Uint8Array(await (await fetch(url)).arrayBuffer())], size.src);
    assert.ok(Buffer.from(bytes).equals(small), 'the CDN gives back the same bytes');
  });

  await step('a PNG dropped on the message box is sent and keeps its aspect ratio', async () => {
    const dt = await page.evaluateHandle((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], 'wide.png', { type: 'image/png' }));
      return data;
    }, wide.toString('base64'));
    await composer().dispatchEvent('dragenter', { dataTransfer: dt });
    await composer().dispatchEvent('dragover', { dataTransfer: dt });
    await composer().dispatchEvent('drop', { dataTransfer: dt });
    await page.getByRole('button', { name: 'Remove wide.png' }).waitFor();
    const m = await sendWith('a wide green picture');
    const img = m.getByRole('button', { name: 'Open image wide.png' }).locator('img');
    // The space is reserved from the attachment's width and height before the image arrives.
    assert.equal(await img.getAttribute('width'), '400');
    assert.equal(await img.getAttribute('height'), '200');
    const size = await loaded(img);
    assert.deepEqual(size.natural, [1200, 600]);
    assert.deepEqual(size.shown, [400, 200], 'scaled into the box at its aspect ratio');
  });

  await step('the lightbox shows the image full size; Escape and a click close it', async () => {
    const opener = message('a wide green picture').getByRole('button', { name: 'Open image wide.png' });
    await opener.click();
    const box = page.getByRole('dialog', { name: 'Image wide.png' });
    await box.waitFor();
    const size = await loaded(box.locator('img'));
    assert.deepEqual(size.natural, [1200, 600]);
    assert.deepEqual(size.shown, [1200, 600], 'full size');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Close', 'the focus is in the lightbox');
    await page.keyboard.press('Escape');
    await box.waitFor({ state: 'detached' });
    assert.equal(await opener.evaluate((el) => el === document.activeElement), true, 'the focus is back on the image');
    await opener.click();
    await box.locator('img').click();
    await box.waitFor({ state: 'detached' });
  });

  await step('another file is a download card whose link downloads the exact bytes', async () => {
    await fileInput().setInputFiles({ name: 'data.bin', mimeType: 'application/octet-stream', buffer: blob });
    const m = await sendWith('a file of bytes');
    const link = m.getByRole('link', { name: 'data.bin' });
    await link.waitFor();
    await m.getByText('68 KB').waitFor();
    assert.equal(await m.locator('img:not(.avatar)').count(), 0, 'no image for a file that is not one');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    assert.equal(download.suggestedFilename(), 'data.bin');
    const got = await readFile(await download.path());
    assert.ok(got.equals(blob), `the download has the bytes sent (${got.length} of ${blob.length})`);
  });

  await step('an upload shows its progress and can be cancelled, keeping its files', async () => {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 64 * 1024 });
    const big = randomBytes(Math.min(600_000, maxFileBytes - 1000));
    await fileInput().setInputFiles({ name: 'slow.bin', mimeType: 'application/octet-stream', buffer: big });
    await composer().fill('this upload is cancelled');
    await composer().press('Enter');
    const status = page.getByRole('status').filter({ hasText: 'Uploading slow.bin' });
    await status.waitFor();
    await eventually(async () => Number(await page.locator('.upload progress').evaluate((el) => el.value)) > 0, 'progress');
    await page.getByRole('button', { name: 'Cancel upload' }).click();
    await status.waitFor({ state: 'hidden' });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await page.getByRole('button', { name: 'Remove slow.bin' }).waitFor(); // the file is back in the composer
    assert.equal(await composer().inputValue(), 'this upload is cancelled', 'the text is back too');
    await page.getByRole('button', { name: 'Remove slow.bin' }).click();
    await composer().fill('');
    const messages = await api('GET', `/channels/${channel.id}/messages?limit=10`);
    assert.ok(!messages.some((x) => x.content === 'this upload is cancelled'), 'no message from the cancelled upload');
  });

  await step('a file over the limit is refused readably', async () => {
    expectedRefusals = 1;
    refusing = true;
    await fileInput().setInputFiles({ name: 'huge.bin', mimeType: 'application/octet-stream', buffer: randomBytes(maxFileBytes + 1) });
    await composer().fill('too big to go');
    await composer().press('Enter');
    await page.getByRole('alert').filter({ hasText: 'File too large' }).waitFor();
    await page.getByRole('button', { name: 'Remove huge.bin' }).click();
    await composer().fill('');
    expectedRefusals = 0;
    refusing = false;
  });

  await step('an embed sent through the API renders, its text kept as text', async () => {
    await api('POST', `/channels/${channel.id}/messages`, {
      content: 'with an embed',
      embeds: [
        {
          title: 'Release notes',
          url: 'https://example.com/notes',
          description: `What changed ${XSS}`,
          color: 0x5865f2,
          timestamp: '2026-01-02T03:04:05.000Z',
          author: { name: 'The team', url: 'https://example.com/team' },
          fields: [
            { name: 'Version', value: '1.2.3', inline: true },
            { name: 'Channel', value: 'stable', inline: true },
            { name: 'Details', value: 'Everything is faster.' },
          ],
          footer: { text: 'Posted by the bot' },
        },
      ],
    });
    const embed = message('with an embed').getByRole('group', { name: 'Embed: Release notes' });
    await embed.waitFor();
    assert.equal(await embed.getByRole('link', { name: 'Release notes' }).getAttribute('href'), 'https://example.com/notes');
    assert.equal(await embed.getByRole('link', { name: 'The team' }).getAttribute('rel'), 'noopener noreferrer');
    await embed.getByText(`What changed ${XSS}`).waitFor();
    assert.equal(await embed.locator('img[src="x"]').count(), 0, 'no element from the text');
    await embed.getByText('Posted by the bot').waitFor();
    await embed.locator('time[datetime="2026-01-02T03:04:05.000Z"]').waitFor();
    const [version, details] = [embed.locator('.embed-field', { hasText: 'Version' }), embed.locator('.embed-field', { hasText: 'Details' })];
    const vb = await version.boundingBox();
    const cb = await embed.locator('.embed-field', { hasText: 'stable' }).boundingBox();
    const db = await details.boundingBox();
    assert.ok(Math.abs(vb.y - cb.y) < 2 && cb.x > vb.x, 'inline fields side by side');
    assert.ok(db.y > vb.y + vb.height - 1, 'a field that is not inline goes on its own row');
    assert.equal(await embed.evaluate((el) => getComputedStyle(el).borderLeftColor), 'rgb(88, 101, 242)');
  });

  await step('an avatar set in settings shows in the panel and on messages', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByLabel('Avatar', { exact: true }).setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png(128, 128, [0, 0, 255]) });
    await page.locator('img[alt="Avatar chosen"]').waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await page.getByRole('button', { name: 'Close user settings' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    const hash = (await api('GET', '/users/@me')).avatar;
    assert.match(hash, /^[0-9a-f]{32}$/);
    const panel = await loaded(page.locator(`.me-panel img.avatar[src^="/avatars/${me.id}/"]`));
    assert.equal(panel.src, `/avatars/${me.id}/${hash}.png?size=32`);
    assert.deepEqual(panel.natural, [32, 32], 'the CDN resized it to the size asked');
    // Sent as a reply, which starts a group of its own (the messages before it are grouped, without avatars).
    await message('hello before the avatar').first().hover();
    await message('hello before the avatar').first().getByRole('button', { name: 'Reply', exact: true }).click();
    await composer().fill('hello with an avatar');
    await composer().press('Enter');
    const onMessage = await loaded(message('hello with an avatar').locator(`img.avatar[src^="/avatars/"]`));
    assert.equal(onMessage.src, panel.src);
    const older = await loaded(message('hello before the avatar').first().locator(`img.avatar[src^="/avatars/"]`));
    assert.equal(older.src, panel.src, 'an older message follows the new avatar');
    const member = await loaded(page.getByRole('button', { name: new RegExp(`^media_${suffix}`) }).locator(`img.avatar[src^="/avatars/"]`));
    assert.equal(member.src, panel.src);
  });

  await step('the owner sets the guild icon, and the rail shows it', async () => {
    await page.getByRole('button', { name: 'Edit server' }).click();
    await page.getByLabel('Server icon', { exact: true }).setInputFiles({ name: 'icon.png', mimeType: 'image/png', buffer: png(96, 96, [250, 200, 0]) });
    await page.locator('img[alt="Server icon chosen"]').waitFor();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    await page.getByRole('button', { name: 'Close server settings' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    const icon = await loaded(page.getByRole('button', { name: `Media ${suffix}`, exact: true }).locator(`img[src^="/icons/${guild.id}/"]`));
    const hash = (await api('GET', `/guilds/${guild.id}`)).icon;
    assert.equal(icon.src, `/icons/${guild.id}/${hash}.png?size=64`);
    assert.deepEqual(icon.natural, [64, 64]);
  });

  await step('custom emoji: in the picker, in messages and in reactions', async () => {
    const emoji = await api('POST', `/guilds/${guild.id}/emojis`, {
      name: `blob_${suffix}`,
      image: `data:image/png;base64,${png(64, 64, [255, 0, 255]).toString('base64')}`,
    });
    await page.getByRole('button', { name: 'Emoji', exact: true }).click();
    const pick = page.getByRole('dialog', { name: 'Emoji' }).getByRole('button', { name: `:blob_${suffix}:` });
    await pick.click();
    assert.equal(await composer().inputValue(), `<:blob_${suffix}:${emoji.id}>`);
    await composer().press('End');
    await composer().pressSequentially(' is here');
    await composer().press('Enter');
    const m = message('is here').first();
    const img = await loaded(m.locator('.content img.emoji'));
    assert.equal(img.src, `/emojis/${emoji.id}.png?size=32`);
    assert.equal(await m.locator('.content img.emoji').getAttribute('alt'), `:blob_${suffix}:`);
    const id = await m.getAttribute('data-id');
    await api('PUT', `/channels/${channel.id}/messages/${id}/reactions/${encodeURIComponent(`blob_${suffix}:${emoji.id}`)}/@me`);
    const reaction = m.getByRole('button', { name: `:blob_${suffix}: 1` });
    await reaction.waitFor();
    await loaded(reaction.locator('img.emoji'));
    await reaction.click(); // takes one's own back
    await reaction.waitFor({ state: 'detached' });
  });

  await step('a spoiler is blurred until clicked', async () => {
    await fileInput().setInputFiles({ name: 'SPOILER_secret.png', mimeType: 'image/png', buffer: small });
    const m = await sendWith('a hidden picture');
    await m.getByRole('button', { name: 'Spoiler — show' }).click();
    await m.getByRole('button', { name: 'Open image SPOILER_secret.png' }).waitFor();
    assert.equal(await m.locator('.spoiler.revealed').count(), 1);
  });

  await step('a screenshot', async () => {
    await page.screenshot({ path: join(artifacts, 'media-main.png') });
  });

  assert.deepEqual(problems, [], 'the page reported problems');
  console.log('all steps passed');
} catch (err) {
  console.log(`FAILED at step "${current.step}": ${err.stack || err}`);
  if (problems.length) console.log(`problems seen:\n${problems.join('\n')}`);
  await page.screenshot({ path: join(artifacts, 'media-failure.png') }).catch(() => {});
  process.exitCode = 1;
} finally {
  await browser.close();
}
