// What the keyboard and accessibility scripts share: people registered through the REST API, a guild with
// channels and messages made the same way, and pages that record every error the client shows or logs.
import { chromium } from 'playwright-core';
import { deflateSync } from 'node:zlib';

export const base = process.env.SD_BASE;
export const artifacts = process.env.SD_ARTIFACTS;
export const suffix = Math.random().toString(36).slice(2, 8);

/** The REST API as token (null: no token). */
export async function api(token, method, path, body) {
  const headers = token ? { Authorization: token } : {};
  let payload;
  if (body instanceof FormData) payload = body;
  else if (body) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const r = await fetch(`${base}/api/v10${path}`, { method, headers, body: payload });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** A new account: {name, token, id}. */
export async function person(name) {
  const { token } = await api(null, 'POST', '/auth/register', { username: name, password: 'correct horse battery staple' });
  const me = await api(token, 'GET', '/users/@me');
  return { name, token, id: me.id };
}

/** A real PNG of width x height pixels of one colour. */
export function png(width, height, [r, g, b] = [40, 120, 200]) {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const byte of buf) c = table[(c ^ byte) & 0xff] ^ (c >>> 8);
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
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Sends a message with one PNG attached as token. */
export async function sendPicture(token, channelId, content, name = 'picture.png') {
  const form = new FormData();
  form.append('payload_json', JSON.stringify({ content }));
  form.append('files[0]', new Blob([png(240, 160)], { type: 'image/png' }), name);
  return api(token, 'POST', `/channels/${channelId}/messages`, form);
}

/** A guild owned by owner with the channels named (the first is the guild's own #general), joined by others. */
export async function guildWith(owner, name, channelNames, others = []) {
  const guild = await api(owner.token, 'POST', '/guilds', { name });
  const channels = [(await api(owner.token, 'GET', `/guilds/${guild.id}/channels`)).find((c) => c.type === 0)];
  for (const n of channelNames) channels.push(await api(owner.token, 'POST', `/guilds/${guild.id}/channels`, { name: n }));
  if (others.length) {
    const invite = await api(owner.token, 'POST', `/channels/${channels[0].id}/invites`, {});
    for (const p of others) await api(p.token, 'POST', `/invites/${invite.code}`, {});
  }
  return { guild, channels };
}

export async function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM, args: ['--no-sandbox'] });
}

/** A page (1280 x 800) whose page errors, console errors, alerts and refused requests land in problems. */
export async function newPage(browser, problems, timeout) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('dialog', (d) => {
    problems.push(`a dialog opened (${d.message()})`);
    d.dismiss();
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} from ${r.request().method()} ${r.url()}`);
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  return page;
}

/** Opens the client signed in as p (its token saved, as after a login) and waits for the main screen. */
export async function signIn(page, p) {
  await page.goto(`${base}/`);
  await page.evaluate((t) => localStorage.setItem('token', t), p.token);
  await page.reload();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}
