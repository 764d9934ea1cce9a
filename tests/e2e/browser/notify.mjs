// Notifications in Debian's chromium (playwright-core): the permission asked only from the bell, a desktop
// notification for a mention and for a DM (window.Notification is spied on to record them), the title's badge
// following the mentions and DMs another user sends, a click on a notification opening its channel, and a
// mute set in the dialog, saved on the server, stopping them. Started by test_web_notify.py with SD_BASE,
// SD_ARTIFACTS and CHROMIUM. Exits non-zero on the first failed step, naming it.
import { chromium } from 'playwright-core';
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { current, eventually as pollUntil, step } from './steps.mjs';

const base = process.env.SD_BASE;
const artifacts = process.env.SD_ARTIFACTS;
const suffix = Math.random().toString(36).slice(2, 8);
const TIMEOUT = 15000;
const eventually = (fn, what) => pollUntil(fn, what, TIMEOUT);
const problems = [];

async function rest(token, method, path, body) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = token;
  const r = await fetch(`${base}/api/v10${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = r.status === 204 ? null : await r.json();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(data)}`);
  return data;
}

async function account(name) {
  const { token, user_id: id } = await rest(null, 'POST', '/auth/register', { username: name, password: 'correct horse battery staple' });
  return { name, token, id };
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, args: ['--no-sandbox'] });
try {
  const alice = await account(`alice_${suffix}`);
  const bob = await account(`bob_${suffix}`);
  const guild = await rest(alice.token, 'POST', '/guilds', { name: `Bells ${suffix}` });
  const channels = await rest(alice.token, 'GET', `/guilds/${guild.id}/channels`);
  const general = channels.find((c) => c.name === 'general');
  await rest(alice.token, 'POST', `/guilds/${guild.id}/channels`, { name: 'quiet', type: 0 });
  const { code } = await rest(alice.token, 'POST', `/channels/${general.id}/invites`, {});
  await rest(bob.token, 'POST', `/invites/${code}`, {});
  const say = (channelId, content) => rest(bob.token, 'POST', `/channels/${channelId}/messages`, { content });

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(['notifications'], { origin: base });
  await context.addInitScript((token) => {
    localStorage.setItem('token', token);
    // The browser's Notification behind a recorder: permission starts as not asked yet; asking is counted.
    const Real = window.Notification;
    window.__notes = [];
    window.__asked = 0;
    window.__permission = 'default';
    window.Notification = class {
      constructor(title, options = {}) {
        this.title = title;
        this.body = options.body;
        this.onclick = null;
        window.__notes.push(this);
      }
      close() {
        this.closed = true;
      }
      static get permission() {
        return window.__permission;
      }
      static async requestPermission() {
        window.__asked++;
        window.__permission = await Real.requestPermission();
        return window.__permission;
      }
    };
  }, alice.token);
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => msg.type() === 'error' && problems.push(`console error: ${msg.text()}`));
  page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} from ${r.request().method()} ${r.url()}`));
  const notes = () => page.evaluate(() => window.__notes.map((n) => ({ title: n.title, body: n.body })));
  const titleIs = async (t) => {
    await eventually(async () => (await page.title()) === t, `the title "${t}"`).catch(async (err) => {
      throw new Error(`${err.message}; it is "${await page.title()}"`);
    });
  };

  await step('the client loads and asks for no permission by itself', async () => {
    await page.goto(base);
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    await page.getByRole('button', { name: new RegExp(`^Bells ${suffix}`) }).click();
    await page.getByRole('button', { name: /^#quiet/ }).click();
    await page.getByRole('heading', { name: '# quiet' }).waitFor();
    assert.equal(await page.evaluate(() => window.__asked), 0);
    assert.equal(await page.title(), 'SimpleDiscord');
  });

  await step('the bell asks for the permission on a click', async () => {
    await page.getByRole('button', { name: 'Enable notifications' }).click();
    await page.getByRole('button', { name: 'Pause desktop notifications' }).waitFor();
    assert.equal(await page.evaluate(() => window.__asked), 1);
  });

  await step('a mention in another channel notifies and badges the title', async () => {
    await say(general.id, `hey <@${alice.id}> look at this`);
    await eventually(async () => (await notes()).length === 1, 'one notification');
    const [n] = await notes();
    assert.match(n.title, new RegExp(`${bob.name} \\(#general, Bells ${suffix}\\)`));
    assert.equal(n.body, `hey <@${alice.id}> look at this`);
    await titleIs('(1) SimpleDiscord');
    await page.screenshot({ path: join(artifacts, 'notify-badge.png') });
  });

  await step('a message without a mention in a guild set to all messages notifies too, and leaves the badge', async () => {
    await say(general.id, 'just chatting');
    await eventually(async () => (await notes()).length === 2, 'a second notification');
    await titleIs('(1) SimpleDiscord');
  });

  let dm;
  await step('a DM notifies and counts in the badge', async () => {
    dm = await rest(bob.token, 'POST', '/users/@me/channels', { recipient_id: alice.id });
    await say(dm.id, 'psst, alice');
    await eventually(async () => (await notes()).some((n) => n.body === 'psst, alice'), 'the DM notification');
    await titleIs('(2) SimpleDiscord');
  });

  await step('clicking the notification opens its channel and reads it', async () => {
    await page.evaluate(() => window.__notes.find((n) => n.body === 'psst, alice').onclick());
    await page.locator('article.msg', { hasText: 'psst, alice' }).waitFor();
    await titleIs('(1) SimpleDiscord');
  });

  await step('the server can be muted from its menu, saved on the server', async () => {
    await page.getByRole('button', { name: new RegExp(`^Bells ${suffix}`) }).click();
    await page.getByRole('button', { name: /^#quiet/ }).click();
    await page.getByRole('button', { name: 'Server notifications' }).click();
    const dlg = page.getByRole('dialog', { name: `Notification settings: Bells ${suffix}` });
    await dlg.getByLabel('Mute this server').selectOption({ label: 'For 8 hours' });
    await dlg.getByRole('radio', { name: 'Only @mentions' }).check();
    await page.screenshot({ path: join(artifacts, 'notify-dialog.png') });
    await dlg.getByRole('button', { name: 'Save' }).click();
    await dlg.waitFor({ state: 'detached' });
    const s = await rest(alice.token, 'PATCH', `/users/@me/guilds/${guild.id}/settings`, {});
    assert.equal(s.muted, true);
    assert.equal(s.message_notifications, 1);
    assert.equal(s.mute_config.selected_time_window, 28800);
    assert.ok(Date.parse(s.mute_config.end_time) > Date.now() + 7 * 3600 * 1000, s.mute_config.end_time);
    // a muted server shows no unread marks, only its mentions
    await eventually(async () => !(await page.locator(`.rail-item[data-key="${guild.id}"]`).getAttribute('class')).includes('unread'), 'no unread mark on the rail');
    await page.getByRole('button', { name: /^#general, muted, 1 mention$/ }).waitFor();
  });

  await step('a muted server notifies no more, while its mentions still count in the badge', async () => {
    const before = (await notes()).length;
    await say(general.id, `again <@${alice.id}>`);
    await titleIs('(2) SimpleDiscord');
    await say(general.id, 'and again, no mention');
    await page.waitForTimeout(800);
    assert.equal((await notes()).length, before);
  });

  await step('a DM muted from the chat head stops its notifications and badge', async () => {
    await page.getByRole('button', { name: 'Direct messages' }).click();
    await page.getByRole('heading', { name: bob.name }).waitFor();
    await page.getByRole('button', { name: 'Channel notifications' }).click();
    const dlg = page.getByRole('dialog', { name: `Notification settings: ${bob.name}` });
    await dlg.getByLabel('Mute this conversation').selectOption({ label: 'Until I turn it back on' });
    await dlg.getByRole('button', { name: 'Save' }).click();
    await dlg.waitFor({ state: 'detached' });
    const s = await rest(alice.token, 'PATCH', '/users/@me/guilds/@me/settings', {});
    assert.equal(s.guild_id, null);
    assert.deepEqual(
      s.channel_overrides.map((o) => [o.channel_id, o.muted, o.mute_config && o.mute_config.selected_time_window]),
      [[dm.id, true, -1]],
    );
    await page.getByRole('button', { name: new RegExp(`^Bells ${suffix}`) }).click();
    await page.getByRole('button', { name: /^#quiet/ }).click();
    const before = (await notes()).length;
    await say(dm.id, 'are you there?');
    await page.waitForTimeout(800);
    assert.equal((await notes()).length, before);
    assert.equal(await page.title(), '(2) SimpleDiscord');
    await page.screenshot({ path: join(artifacts, 'notify-muted.png') });
  });

  assert.deepEqual(problems, [], 'the page reported problems');
  console.log('all steps passed');
} catch (err) {
  console.log(`FAILED at step "${current.step}": ${err.stack || err}`);
  if (problems.length) console.log(`problems seen:\n${problems.join('\n')}`);
  for (const ctx of browser.contexts()) for (const p of ctx.pages()) await p.screenshot({ path: join(artifacts, 'notify-failure.png') }).catch(() => {});
  process.exitCode = 1;
} finally {
  await browser.close();
}
