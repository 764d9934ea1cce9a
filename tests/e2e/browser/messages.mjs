// The message list in Debian's chromium (playwright-core): one reader in the browser, a writer through the REST
// API. Groups, "(edited)", day separators and the seven-minute break (the server stamps messages with the time
// it receives them, so the test moves some timestamps back in the answer the page loads), the "New messages"
// divider with its jump bar and Mark as read (the bar's button and Escape; the server's read state checked),
// and a channel of 10,000 messages: fewer than 200 messages in the page, older pages as one scrolls up with the
// view kept in place, back to the first message, and the bottom kept as a new one arrives. The 10,000 are made
// by the test and answered to the page's GETs of that channel (storing them through the server takes minutes on
// a small machine); the last one arriving is a real message, through the server and the gateway. Started by
// test_web_messages.py with SD_BASE, SD_ARTIFACTS and CHROMIUM; exits non-zero on the first failed step.
import { chromium } from 'playwright-core';
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { current, eventually as pollUntil, step } from './steps.mjs';

const base = process.env.SD_BASE;
const artifacts = process.env.SD_ARTIFACTS;
const BIG = Number(process.env.SD_BIG_CHANNEL || 10000);
const suffix = Math.random().toString(36).slice(2, 8);
const TIMEOUT = 15000;
const eventually = (fn, what, timeout = TIMEOUT) => pollUntil(fn, what, timeout);

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, args: ['--no-sandbox'] });
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
// A channel's history made by the test (window.__history, set later) is answered by the page's own fetch:
// newest first, before an id, at most limit, as the server answers.
await context.addInitScript(() => {
  const real = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const h = window.__history;
    const url = new URL(String(input), location.href);
    if (!h || url.pathname !== `/api/v10/channels/${h.channelId}/messages` || (init && init.method && init.method !== 'GET')) return real(input, init);
    const limit = Number(url.searchParams.get('limit') || 50);
    const before = url.searchParams.get('before');
    let end = h.list.length;
    if (before) {
      end = h.list.findIndex((m) => BigInt(m.id) >= BigInt(before));
      if (end < 0) end = h.list.length;
      h.pages++;
      if (!h.held) {
        h.held = true;
        await new Promise((r) => setTimeout(r, 600));
      }
    }
    const json = h.list.slice(Math.max(0, end - limit), end).reverse();
    return new Response(JSON.stringify(json), { status: 200, headers: { 'Content-Type': 'application/json' } });
  };
});
const page = await context.newPage();
const pagesAsked = () => page.evaluate(() => window.__history.pages);
page.setDefaultTimeout(TIMEOUT);
const problems = [];
page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
page.on('console', (msg) => msg.type() === 'error' && problems.push(`console error: ${msg.text()}`));
page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} from ${r.request().method()} ${r.url()}`));

async function call(token, method, path, body) {
  const r = await fetch(`${base}/api/v10${path}`, {
    method,
    headers: { ...(token ? { Authorization: token } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const message = (text) => page.locator('.messages article.msg', { hasText: text });
/** The message whose text is exactly text. */
const exactly = (text) => page.locator('.messages article.msg').filter({ has: page.locator('.content').getByText(text, { exact: true }) });
const list = () => page.locator('.messages');
const articles = () => page.locator('.messages article.msg');
const divider = () => page.locator('.messages').getByRole('separator', { name: 'New messages' });
const bar = () => page.getByRole('region', { name: 'Unread messages' });
const openChannel = async (name) => {
  await page.getByRole('button', { name: new RegExp(`^#${name}`) }).click();
  await page.getByRole('heading', { name: `# ${name}` }).waitFor();
};
const atBottom = () => list().evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 40);

/** count messages of the writer in channel, oldest first, one every 9 seconds up to a minute ago (snowflake ids
 * that carry their times), some of several lines (rows of different heights), replies breaking the groups. */
function syntheticHistory(channel, count) {
  const out = [];
  const t0 = Date.now() - 60e3 - count * 9e3;
  for (let i = 1; i <= count; i++) {
    const t = t0 + i * 9e3;
    const id = String(((BigInt(t) - 1420070400000n) << 22n) + BigInt(i % 4096));
    const tail = i % 7 === 0 ? '\nand a second line\nand a third' : i % 11 === 0 ? ' ' + 'long words '.repeat(40) : '';
    out.push({
      id,
      type: 0,
      channel_id: channel.id,
      guild_id: channel.guild_id,
      author: writer.user,
      content: `big ${String(i).padStart(5, '0')}${tail}`,
      timestamp: new Date(t).toISOString(),
      edited_timestamp: null,
      attachments: [],
      embeds: [],
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      pinned: false,
      tts: false,
    });
  }
  return out;
}

const writer = { name: `writer_${suffix}` };
let history = []; // the big channel's messages

try {
  const reader = { name: `reader_${suffix}` };
  let guild;
  const channels = {};
  const post = (channel, content, extra = {}) => call(writer.token, 'POST', `/channels/${channel.id}/messages`, { content, ...extra });
  const readState = async (channel) => (await call(reader.token, 'GET', `/guilds/${guild.id}/channels`)).find((c) => c.id === channel.id).last_read_message_id;
  const newChannel = async (name) => {
    channels[name] = await call(reader.token, 'POST', `/guilds/${guild.id}/channels`, { name });
    await page.getByRole('button', { name: new RegExp(`^#${name}`) }).waitFor();
    return channels[name];
  };

  await step('the reader registers in the browser and creates a guild; the writer joins through the API', async () => {
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByLabel('Username').fill(reader.name);
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    await page.getByRole('button', { name: 'Create a server' }).click();
    await page.getByLabel('Server name').fill(`Messages ${suffix}`);
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByRole('heading', { name: '# general' }).waitFor();
    reader.token = await page.evaluate(() => localStorage.getItem('token'));
    guild = (await call(reader.token, 'GET', '/users/@me/guilds')).find((g) => g.name === `Messages ${suffix}`);
    channels.general = (await call(reader.token, 'GET', `/guilds/${guild.id}/channels`)).find((c) => c.name === 'general');
    writer.token = (await call(null, 'POST', '/auth/register', { username: writer.name, password: 'correct horse battery staple' })).token;
    writer.user = await call(writer.token, 'GET', '/users/@me');
    const invite = await call(reader.token, 'POST', `/channels/${channels.general.id}/invites`, {});
    await call(writer.token, 'POST', `/invites/${invite.code}`, {});
  });

  await step('two messages of one author in a row show one name; a reply starts a group of its own', async () => {
    const first = await post(channels.general, 'group one');
    await post(channels.general, 'group two');
    await post(channels.general, 'a reply in the group', { message_reference: { message_id: first.id } });
    await message('a reply in the group').waitFor();
    const heads = await articles().evaluateAll((els) => els.map((a) => [a.querySelector('.content')?.textContent, !!a.querySelector('.msg-head .author')]));
    assert.deepEqual(heads, [
      ['group one', true],
      ['group two', false],
      ['a reply in the group', true],
    ]);
    assert.equal(await page.locator('.messages .author', { hasText: writer.name }).count(), 2, 'one name for the group, one for the reply');
    assert.equal(await message('group two').locator('img.avatar').count(), 0, 'no avatar inside a group');
    const time = message('group two').locator('time.hover-time');
    assert.equal(await time.isVisible(), false, 'the time of a grouped message shows on hover only');
    await message('group two').hover();
    await time.waitFor({ state: 'visible' });
  });

  await step('an edit shows "(edited)" with the time of the edit as its title', async () => {
    const two = (await call(writer.token, 'GET', `/channels/${channels.general.id}/messages?limit=10`)).find((m) => m.content === 'group two');
    await call(writer.token, 'PATCH', `/channels/${channels.general.id}/messages/${two.id}`, { content: 'group two, edited' });
    const mark = message('group two, edited').locator('.edited');
    await mark.waitFor();
    assert.equal(await mark.textContent(), '(edited)');
    assert.match(await mark.getAttribute('title'), /^Edited /);
  });

  await step('day separators and the seven-minute break (timestamps moved back in the loaded page)', async () => {
    const days = await newChannel('days');
    const texts = ['day one first', 'day one second', 'before the pause', 'after the pause', 'right after'];
    for (const t of texts) await post(days, t);
    const now = Date.now();
    const back = { 'day one first': 86400e3 + 60e3, 'day one second': 86400e3, 'before the pause': 10 * 60e3 };
    await page.route(
      (url) => url.pathname === `/api/v10/channels/${days.id}/messages`,
      async (route) => {
        const response = await route.fetch();
        const json = (await response.json()).map((m) => (back[m.content] ? { ...m, timestamp: new Date(now - back[m.content]).toISOString() } : m));
        await route.fulfill({ response, json });
      },
    );
    await openChannel('days');
    await message('right after').waitFor();
    const rows = await page.locator('.messages .msg-row').evaluateAll((els) =>
      els.map((r) => [r.querySelector('.content').textContent, r.querySelector('.day-sep')?.getAttribute('aria-label') || null, !!r.querySelector('.msg-head')]),
    );
    const label = (ms) => page.evaluate((t) => new Date(t).toLocaleDateString([], { day: 'numeric', month: 'long', year: 'numeric' }), ms);
    const [yesterday, today] = [await label(now - 86400e3), await label(now - 10 * 60e3)];
    assert.notEqual(yesterday, today);
    assert.deepEqual(rows, [
      ['day one first', yesterday, true],
      ['day one second', null, false],
      ['before the pause', today, true],
      ['after the pause', null, true],
      ['right after', null, false],
    ]);
    await page.screenshot({ path: join(artifacts, 'messages-days.png') });
  });

  await step('messages that arrived while away: the divider above the first, the jump bar, Jump to first unread', async () => {
    const unread = await newChannel('unread');
    for (let i = 1; i <= 3; i++) await post(unread, `seen ${i}`);
    await openChannel('unread');
    await message('seen 3').waitFor();
    await eventually(async () => (await readState(unread)) !== null, 'the reader to have read the channel');
    await openChannel('general');
    for (let i = 1; i <= 60; i++) await post(unread, `unread ${i}`);
    await page.getByRole('button', { name: '#unread, unread' }).waitFor();
    await openChannel('unread');
    await message('unread 60').waitFor();
    assert.ok(await atBottom(), 'the channel opens at the bottom');
    await bar().waitFor();
    assert.match(await bar().textContent(), /^60 new messages/);
    const [above, view] = [await divider().boundingBox(), await list().boundingBox()];
    assert.ok(above.y + above.height < view.y, 'the divider is above the viewport');
    await page.screenshot({ path: join(artifacts, 'messages-jump-bar.png') });
    await bar().getByRole('button', { name: 'Jump to first unread' }).click();
    await bar().waitFor({ state: 'detached' });
    const [d, l] = [await divider().boundingBox(), await list().boundingBox()];
    assert.ok(d.y >= l.y && d.y + d.height <= l.y + l.height, 'the divider is in view after the jump');
    await exactly('unread 1').waitFor({ state: 'visible' });
    const row = page.locator('.messages .msg-row').filter({ has: page.locator('.content').getByText('unread 1', { exact: true }) });
    assert.equal(await row.locator('.new-divider').count(), 1, 'the divider is above the first unread message');
    await page.screenshot({ path: join(artifacts, 'messages-divider.png') });
  });

  await step('the bar\'s Mark as read takes the divider away', async () => {
    await list().evaluate((el) => (el.scrollTop = el.scrollHeight));
    await bar().waitFor();
    assert.match(await bar().textContent(), /^60 new messages/);
    await bar().getByRole('button', { name: 'Mark as read' }).click();
    await bar().waitFor({ state: 'detached' });
    assert.equal(await divider().count(), 0);
    const last = (await call(writer.token, 'GET', `/channels/${channels.unread.id}/messages?limit=1`))[0];
    await eventually(async () => (await readState(channels.unread)) === last.id, 'the server to have the channel read');
  });

  await step('Escape in the list marks as read what arrived while scrolled up (the server\'s read state changes)', async () => {
    await list().evaluate((el) => (el.scrollTop = 0));
    await eventually(async () => !(await atBottom()), 'the list to be scrolled up');
    const before = await readState(channels.unread);
    let last;
    for (let i = 1; i <= 3; i++) last = await post(channels.unread, `while scrolled up ${i}`);
    await page.getByRole('button', { name: '#unread, unread' }).waitFor();
    await new Promise((r) => setTimeout(r, 700)); // longer than the client waits before it sends an ack
    assert.equal(await readState(channels.unread), before, 'nothing read while scrolled up');
    assert.equal(await divider().count(), 1, 'the divider marks what arrived');
    await list().focus();
    await page.keyboard.press('Escape');
    await eventually(async () => (await readState(channels.unread)) === last.id, 'the server to have the channel read');
    assert.equal(await divider().count(), 0, 'the divider is gone');
    await page.getByRole('button', { name: '#unread', exact: true }).waitFor();
  });

  await step(`a channel of ${BIG} messages: fewer than 200 in the page, all pages back to the first`, async () => {
    const big = await newChannel('big');
    history = syntheticHistory(big, BIG);
    // The channel's history is answered inside the page (see the page's fetch above), page by page as the server
    // answers; the first older page is held back a moment so the test sees the view before and after it lands.
    await page.evaluate(([channelId, json]) => (window.__history = { channelId, list: JSON.parse(json), pages: 0, held: false }), [big.id, JSON.stringify(history)]);
    await openChannel('big');
    await exactly(history.at(-1).content).waitFor();
    assert.ok(await atBottom(), 'opens at the bottom');
    let most = 0;
    const t1 = Date.now();
    // Scrolling up: the view keeps its place as a page loads.
    await list().evaluate((el) => (el.scrollTop = 0));
    const top = await page.evaluate(() => {
      const box = document.querySelector('.messages').getBoundingClientRect();
      const a = [...document.querySelectorAll('.messages article.msg')].find((el) => el.getBoundingClientRect().bottom > box.top + 1);
      return { id: a.dataset.id, y: a.getBoundingClientRect().top };
    });
    await eventually(async () => (await pagesAsked()) >= 1 && (await list().evaluate((el) => el.scrollTop > 0)), 'the older page shown');
    const after = await page.locator(`article[data-id="${top.id}"]`).evaluate((a) => a.getBoundingClientRect().top);
    assert.ok(Math.abs(after - top.y) < 2, `the message at the top stayed where it was (${top.y} -> ${after})`);
    // Scrolled to the top again and again (inside the page, as fast as a person flicking the wheel) until the
    // channel's start shows, counting the messages in the page on the way.
    const climb = await list().evaluate(async (el, ms) => {
      const until = Date.now() + ms;
      let most = 0;
      while (Date.now() < until) {
        most = Math.max(most, el.querySelectorAll('article.msg').length);
        if (el.querySelector('.hint.start') && el.scrollTop === 0) return { done: true, most };
        el.scrollTop = 0;
        await new Promise((r) => setTimeout(r, 16));
      }
      return { done: false, most };
    }, 120000);
    assert.ok(climb.done, 'the start of the channel was reached');
    most = climb.most;
    await page.getByText('This is the beginning of the conversation.').waitFor({ state: 'visible' });
    most = Math.max(most, await articles().count());
    const pages = await pagesAsked();
    console.log(`    scrolled to the first of ${BIG} messages in ${Date.now() - t1} ms (${pages} older pages, at most ${most} messages in the page)`);
    assert.ok(most < 200, `at most ${most} messages in the page`);
    const first = await articles().evaluateAll((els) => els.slice(0, 3).map((a) => a.querySelector('.content').textContent));
    assert.deepEqual(first, history.slice(0, 3).map((m) => m.content));
    assert.ok(pages >= Math.ceil((BIG - 50) / 100), `every page was loaded (${pages})`);
    await page.screenshot({ path: join(artifacts, 'messages-big-top.png') });
  });

  await step('scrolling down through the whole channel keeps the page small; at the bottom new messages stay in view', async () => {
    const most = await list().evaluate(async (el) => {
      let n = 0;
      for (let i = 1; i <= 40; i++) {
        el.scrollTop = (el.scrollHeight - el.clientHeight) * (i / 40);
        await new Promise((r) => setTimeout(r, 30));
        n = Math.max(n, el.querySelectorAll('article.msg').length);
      }
      return n;
    });
    await eventually(async () => {
      await list().evaluate((el) => (el.scrollTop = el.scrollHeight));
      return (await exactly(`big ${String(BIG).padStart(5, '0')}`).count()) === 1 && (await atBottom());
    }, 'the bottom');
    assert.ok(most < 200, `at most ${most} messages in the page`);
    await post(channels.big, 'a new one at the bottom'); // a real one, through the server and the gateway
    await message('a new one at the bottom').waitFor({ state: 'visible' });
    await eventually(atBottom, 'the list to stay at the bottom');
    await page.screenshot({ path: join(artifacts, 'messages-big-bottom.png') });
  });

  assert.deepEqual(problems, [], 'the page reported problems');
  console.log('all steps passed');
} catch (err) {
  console.log(`FAILED at step "${current.step}": ${err.stack || err}`);
  if (problems.length) console.log(`problems seen:\n${problems.join('\n')}`);
  await page.screenshot({ path: join(artifacts, 'messages-failure.png') }).catch(() => {});
  process.exitCode = 1;
} finally {
  await browser.close();
}
