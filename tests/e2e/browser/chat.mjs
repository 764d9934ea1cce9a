// Two people chat through the web client in Debian's chromium (playwright-core). Started by test_web.py with
// SD_BASE (the server), SD_ARTIFACTS (where screenshots go) and CHROMIUM (the browser). Exits non-zero on the
// first failed step, naming it.
import { chromium } from 'playwright-core';
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { current, eventually as pollUntil, step } from './steps.mjs';

const base = process.env.SD_BASE;
const artifacts = process.env.SD_ARTIFACTS;
const suffix = Math.random().toString(36).slice(2, 8);
const TIMEOUT = 15000;
const XSS = '<img src=x onerror=alert(1)>';

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, args: ['--no-sandbox'] });
const problems = [];
const people = [];

/** Polls fn until it returns a truthy value. */
const eventually = (fn, what) => pollUntil(fn, what, TIMEOUT);

async function person(name) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', (err) => problems.push(`${name}: page error: ${err.message}`));
  page.on('dialog', (d) => {
    problems.push(`${name}: a dialog opened (${d.message()})`);
    d.dismiss();
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${name}: ${r.status()} from ${r.request().method()} ${r.url()}`);
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`${name}: console error: ${msg.text()}`);
  });
  // The gateway socket goes through a route the test can cut, as a dropped connection would be.
  const sockets = { cut: false, open: [], resumes: 0, identifies: 0 };
  await page.routeWebSocket(/\/gateway/, (ws) => {
    if (sockets.cut) return ws.close({ code: 4000, reason: 'cut' }); // refused while the line is down
    const server = ws.connectToServer();
    sockets.open.push({ ws, server });
    ws.onMessage((m) => {
      const op = JSON.parse(m).op;
      if (op === 6) sockets.resumes++;
      if (op === 2) sockets.identifies++;
      server.send(m);
    });
    server.onMessage((m) => ws.send(m));
    ws.onClose(() => server.close());
    server.onClose((code, reason) => ws.close({ code, reason }));
  });
  const p = { name, context, page, sockets };
  people.push(p);
  return p;
}

const message = (p, text) => p.page.locator('article.msg', { hasText: text });
const composer = (p) => p.page.locator('#composer-input');

async function register(p, { viaInvite = false } = {}) {
  const page = p.page;
  if (!viaInvite) await page.getByRole('button', { name: 'Register' }).click();
  await page.getByRole('heading', { name: 'Create an account' }).waitFor();
  await page.getByLabel('Username').fill(p.name);
  await page.getByLabel('Password').fill('correct horse battery staple');
  await page.getByRole('button', { name: 'Register', exact: true }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
  p.id = await page.evaluate(async () => {
    const r = await fetch('/api/v10/users/@me', { headers: { Authorization: localStorage.getItem('token') } });
    return (await r.json()).id;
  });
}

async function send(p, text, shown = text) {
  await composer(p).fill(text);
  await composer(p).press('Enter');
  await message(p, shown).first().waitFor();
}

async function act(p, text, action) {
  const m = message(p, text).first();
  await m.hover();
  await m.getByRole('button', { name: action, exact: true }).click();
}

try {
  const alice = await person(`alice_${suffix}`);
  const bob = await person(`bob_${suffix}`);
  let link;

  await step('the page is served with a CSP that forbids inline script', async () => {
    const r = await alice.page.goto(`${base}/`);
    const csp = r.headers()['content-security-policy'];
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    await alice.page.getByRole('heading', { name: 'Welcome back' }).waitFor();
    const ran = await alice.page.evaluate(async () => {
      const s = document.createElement('script');
      s.textContent = 'window.__inline = true';
      document.body.append(s);
      document.body.insertAdjacentHTML('beforeend', '<img src="data:," onload="window.__handler = true">');
      await new Promise((r) => setTimeout(r, 300));
      return Boolean(window.__inline || window.__handler);
    });
    assert.equal(ran, false, 'inline script ran');
    problems.length = 0; // the browser logs the two refusals above as errors
  });

  await step('a wrong login shows the server error', async () => {
    await alice.page.getByLabel('Username or email').fill('nobody_' + suffix);
    await alice.page.getByLabel('Password').fill('wrong password');
    await alice.page.getByRole('button', { name: 'Log in', exact: true }).click();
    await alice.page.getByRole('alert').filter({ hasText: 'Login or password is invalid' }).waitFor();
    problems.length = 0; // the browser logs the refused login (400) as an error
  });

  await step('alice registers and creates a guild', async () => {
    await register(alice);
    await alice.page.getByRole('button', { name: 'Create a server' }).click();
    await alice.page.getByLabel('Server name').fill(`Guild ${suffix}`);
    await alice.page.getByRole('button', { name: 'Create', exact: true }).click();
    await alice.page.getByRole('heading', { name: '# general' }).waitFor();
    await alice.page.getByRole('button', { name: `Guild ${suffix}`, exact: true }).waitFor();
  });

  await step('alice makes an invite link and copies it', async () => {
    await alice.page.getByRole('button', { name: 'Invite people' }).click();
    link = await alice.page.getByLabel(/Invite link/).inputValue();
    assert.match(link, new RegExp(`^${base}/invite/[A-Za-z0-9]+$`));
    await alice.page.getByRole('button', { name: 'Copy link' }).click();
    await alice.page.getByText('Copied!').waitFor();
    assert.equal(await alice.page.evaluate(() => navigator.clipboard.readText()), link);
    await alice.page.getByRole('button', { name: 'Close' }).click();
  });

  await step('bob opens the link, registers and joins', async () => {
    await bob.page.goto(link);
    await register(bob, { viaInvite: true });
    const dialog = bob.page.getByRole('dialog', { name: 'Join a server' });
    assert.equal(await dialog.getByLabel('Invite link or code').inputValue(), link.split('/').pop());
    await dialog.getByRole('button', { name: 'Join' }).click();
    await bob.page.getByRole('heading', { name: '# general' }).waitFor();
    assert.equal(new URL(bob.page.url()).pathname, '/');
  });

  await step('both see each other online in the member list', async () => {
    await alice.page.getByRole('button', { name: new RegExp(`^${bob.name}, online`) }).waitFor();
    await bob.page.getByRole('button', { name: new RegExp(`^${alice.name}, online`) }).waitFor();
  });

  await step('messages appear live on both sides', async () => {
    await send(alice, 'hello from alice');
    await message(bob, 'hello from alice').waitFor();
    await send(bob, 'hi alice, bob here');
    await message(alice, 'hi alice, bob here').waitFor();
  });

  await step('typing shows on the other side', async () => {
    await composer(bob).pressSequentially('I am wri', { delay: 20 });
    await alice.page.getByText(`${bob.name} is typing…`).waitFor();
    await composer(bob).fill('');
  });

  await step('a reply shows what it answers', async () => {
    await act(bob, 'hello from alice', 'Reply');
    await bob.page.getByText('Replying to').waitFor();
    await send(bob, 'this is a reply');
    const reply = message(alice, 'this is a reply');
    await reply.locator('.reply-ref', { hasText: 'hello from alice' }).waitFor();
  });

  await step('an edit reaches the other side', async () => {
    await act(alice, 'hello from alice', 'Edit');
    const box = alice.page.getByLabel('Edit message');
    await box.fill('hello from alice, edited');
    await box.press('Enter');
    const seen = message(bob, 'hello from alice, edited').first();
    await seen.getByText('(edited)').waitFor();
  });

  await step('a reply is dropped with Escape or Cancel reply, an edit with Escape', async () => {
    const bar = bob.page.locator('.reply-bar');
    await act(bob, 'hi alice, bob here', 'Reply');
    await bar.getByText('Replying to').waitFor();
    assert.equal(await bob.page.evaluate(() => document.activeElement.id), 'composer-input', 'Reply puts the focus in the composer');
    await composer(bob).press('Escape');
    await bar.waitFor({ state: 'hidden' });
    await act(bob, 'hi alice, bob here', 'Reply');
    await bar.getByRole('button', { name: 'Cancel reply' }).click();
    await bar.waitFor({ state: 'hidden' });
    await act(bob, 'hi alice, bob here', 'Edit');
    const box = bob.page.getByLabel('Edit message');
    await box.waitFor();
    assert.ok(await box.evaluate((el) => el === document.activeElement), 'Edit puts the focus in the edit box');
    await box.fill('this is not kept');
    await box.press('Escape');
    await box.waitFor({ state: 'detached' });
    assert.equal(await message(bob, 'hi alice, bob here').locator('.content').textContent(), 'hi alice, bob here');
  });

  await step('a reaction reaches the other side and can be taken back', async () => {
    await act(alice, 'hi alice, bob here', 'React');
    await alice.page.getByRole('button', { name: 'React with 👍' }).click();
    const onBob = message(bob, 'hi alice, bob here').getByRole('button', { name: '👍 1' });
    await onBob.waitFor();
    assert.equal(await onBob.getAttribute('aria-pressed'), 'false');
    const onAlice = message(alice, 'hi alice, bob here').getByRole('button', { name: '👍 1' });
    await eventually(async () => (await onAlice.getAttribute('aria-pressed')) === 'true', "alice's reaction pressed");
    await onBob.click();
    await message(alice, 'hi alice, bob here').getByRole('button', { name: '👍 2' }).waitFor();
    await message(alice, 'hi alice, bob here').getByRole('button', { name: '👍 2' }).click();
    await message(bob, 'hi alice, bob here').getByRole('button', { name: '👍 1' }).waitFor();
  });

  await step('a mention is highlighted for the one mentioned', async () => {
    await send(bob, `<@${alice.id}> look at this`, `@${alice.name} look at this`);
    const m = message(alice, 'look at this');
    await m.locator('.mention.me', { hasText: `@${alice.name}` }).waitFor();
    assert.match(await m.getAttribute('class'), /mentioned/);
    assert.doesNotMatch(await message(bob, 'look at this').getAttribute('class'), /mentioned/);
  });

  await step('HTML in a message stays text', async () => {
    await send(bob, XSS);
    const m = message(alice, XSS);
    await m.waitFor();
    assert.equal(await m.locator('.content').textContent(), XSS);
    assert.equal(await m.locator('.content img').count(), 0);
  });

  await step('a deleted message disappears on the other side', async () => {
    await send(alice, 'a message to delete');
    await message(bob, 'a message to delete').waitFor();
    await act(alice, 'a message to delete', 'Delete');
    await message(bob, 'a message to delete').waitFor({ state: 'detached' });
  });

  await step('a new channel appears live, and its messages mark it unread', async () => {
    await alice.page.getByRole('button', { name: 'Create channel' }).click();
    await alice.page.getByLabel('Channel name').fill('random');
    await alice.page.getByRole('button', { name: 'Create', exact: true }).click();
    await alice.page.getByRole('heading', { name: '# random' }).waitFor();
    await bob.page.getByRole('button', { name: '#random', exact: true }).waitFor();
    await send(alice, 'over here in random');
    const unread = bob.page.getByRole('button', { name: '#random, unread' });
    await unread.click();
    await message(bob, 'over here in random').waitFor();
    await bob.page.getByRole('button', { name: '#random', exact: true }).waitFor();
  });

  await step('the channel list works from the keyboard', async () => {
    const general = bob.page.getByRole('button', { name: /^#general/ });
    await general.focus();
    await bob.page.keyboard.press('ArrowDown');
    const focused = await bob.page.evaluate(() => document.activeElement.getAttribute('aria-label'));
    assert.match(focused, /^#random/);
    await bob.page.keyboard.press('ArrowUp');
    await bob.page.keyboard.press('Enter');
    await bob.page.getByRole('heading', { name: '# general' }).waitFor();
    await composer(bob).focus();
    await bob.page.keyboard.type('typed from the keyboard');
    await bob.page.keyboard.press('Enter');
    await message(bob, 'typed from the keyboard').waitFor();
    await alice.page.getByRole('button', { name: '#general, unread' }).click();
    await message(alice, 'typed from the keyboard').waitFor();
  });

  await step('a dropped connection comes back by itself and nothing is missed', async () => {
    bob.sockets.cut = true;
    for (const { ws } of bob.sockets.open) await ws.close({ code: 4000, reason: 'cut' });
    bob.sockets.open = [];
    await bob.page.getByRole('status').filter({ hasText: 'Reconnecting' }).waitFor();
    await send(alice, 'sent while bob was away');
    await new Promise((r) => setTimeout(r, 500));
    bob.sockets.cut = false;
    await message(bob, 'sent while bob was away').waitFor();
    assert.ok(bob.sockets.resumes >= 1, 'bob resumed');
    assert.equal(bob.sockets.identifies, 1, 'bob did not need a new session');
    await send(alice, 'and live again');
    await message(bob, 'and live again').waitFor();
  });

  await step('history loads page by page as you scroll up, back to the first message', async () => {
    const token = await alice.page.evaluate(() => localStorage.getItem('token'));
    const call = async (path, body) => {
      const r = await fetch(`${base}/api/v10${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { Authorization: token, 'Content-Type': 'application/json' },
        body: body && JSON.stringify(body),
      });
      assert.ok(r.ok, `${path}: ${r.status}`);
      return r.json();
    };
    const guild = (await call('/users/@me/guilds')).find((g) => g.name === `Guild ${suffix}`);
    const channel = await call(`/guilds/${guild.id}/channels`, { name: 'history' });
    const total = 130;
    for (let i = 1; i <= total; i++) await call(`/channels/${channel.id}/messages`, { content: `history message ${i}` });
    await bob.page.getByRole('button', { name: /^#history/ }).click();
    await message(bob, `history message ${total}`).waitFor();
    const contents = () => bob.page.locator('.messages article .content').allTextContents();
    assert.ok((await contents()).length < total, 'the first page is not the whole history');
    await eventually(async () => {
      await bob.page.locator('.messages').evaluate((el) => (el.scrollTop = 0));
      return bob.page.getByText('This is the beginning of the conversation.').isVisible();
    }, 'the start of the channel');
    assert.deepEqual(await contents(), Array.from({ length: total }, (_, i) => `history message ${i + 1}`));
    await bob.page.getByRole('button', { name: /^#general/ }).click();
  });

  await step('a DM from the member list', async () => {
    await alice.page.getByRole('button', { name: new RegExp(`^${bob.name}, online`) }).click();
    await alice.page.getByRole('heading', { name: bob.name }).waitFor();
    await send(alice, 'psst, a secret');
    await bob.page.getByRole('button', { name: 'Direct messages (unread)' }).click();
    await bob.page.getByRole('button', { name: new RegExp(`^${alice.name}`) }).click();
    await message(bob, 'psst, a secret').waitFor();
    await send(bob, 'secret received');
    await message(alice, 'secret received').waitFor();
  });

  await step('settings change the display name everywhere', async () => {
    await bob.page.getByRole('button', { name: 'Settings' }).click();
    await bob.page.getByLabel('Display name').fill('Bobby Tables');
    await bob.page.getByRole('button', { name: 'Save' }).click();
    await bob.page.locator('.me-panel').getByText('Bobby Tables').waitFor();
    await bob.page.getByRole('button', { name: 'Close user settings' }).click();
    await alice.page.getByRole('button', { name: 'Direct messages' }).click();
    await alice.page.getByRole('button', { name: 'Bobby Tables' }).waitFor(); // the DM's name
    await alice.page.getByRole('button', { name: `Guild ${suffix}`, exact: true }).click();
    await alice.page.getByRole('button', { name: /^Bobby Tables, online/ }).waitFor(); // the member list
  });

  await step('a status chosen in the panel reaches the member list of the others', async () => {
    await alice.page.getByLabel('Status').selectOption('idle');
    await alice.page.getByRole('button', { name: `${alice.name}, idle (you)` }).waitFor();
    await bob.page.getByRole('button', { name: `Guild ${suffix}`, exact: true }).click();
    await bob.page.getByRole('button', { name: new RegExp(`^${alice.name}, idle`) }).waitFor();
    await alice.page.getByLabel('Status').selectOption('online');
    await bob.page.getByRole('button', { name: new RegExp(`^${alice.name}, online`) }).waitFor();
  });

  await step('every input has a label and text has readable contrast', async () => {
    for (const p of [alice, bob]) {
      const report = await p.page.evaluate(() => {
        const unlabeled = [...document.querySelectorAll('input, textarea, select')]
          .filter((el) => !el.labels?.length && !el.getAttribute('aria-label'))
          .map((el) => el.outerHTML);
        const parse = (c) => c.match(/[\d.]+/g).slice(0, 4).map(Number);
        const lum = ([r, g, b]) => {
          const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
          return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
        };
        const background = (el) => {
          for (; el; el = el.parentElement) {
            const c = parse(getComputedStyle(el).backgroundColor);
            if (c.length < 4 || c[3] > 0.9) return c;
          }
          return [255, 255, 255];
        };
        const low = [];
        for (const el of document.querySelectorAll('.app *')) {
          if (!el.childNodes.length || ![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
          if (!el.getClientRects().length) continue;
          const fg = lum(parse(getComputedStyle(el).color));
          const bg = lum(background(el));
          const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
          if (ratio < 4.5) low.push(`${el.className || el.tagName}: ${ratio.toFixed(2)} "${el.textContent.slice(0, 30)}"`);
        }
        return { unlabeled, low };
      });
      assert.deepEqual(report.unlabeled, [], `${p.name}: inputs without a label`);
      assert.deepEqual(report.low, [], `${p.name}: text below 4.5:1`);
    }
  });

  await step('screenshots of the main screen', async () => {
    await alice.page.getByRole('button', { name: `Guild ${suffix}`, exact: true }).click();
    await alice.page.getByRole('button', { name: /^#general/ }).click();
    await message(alice, 'typed from the keyboard').waitFor();
    await alice.page.screenshot({ path: join(artifacts, 'alice-main.png') });
    await bob.page.screenshot({ path: join(artifacts, 'bob-main.png') });
  });

  await step('logging out returns to the sign-in screen and forgets the token', async () => {
    await bob.page.getByRole('button', { name: 'Log out' }).click();
    await bob.page.getByRole('heading', { name: 'Welcome back' }).waitFor();
    assert.equal(await bob.page.evaluate(() => localStorage.getItem('token')), null);
  });

  await step('signing in again in the same page gives a live screen', async () => {
    await bob.page.getByLabel('Username or email').fill(bob.name);
    await bob.page.getByLabel('Password').fill('correct horse battery staple');
    await bob.page.getByRole('button', { name: 'Log in', exact: true }).click();
    await bob.page.locator('.me-panel').getByText('Bobby Tables').waitFor();
    await bob.page.getByRole('button', { name: `Guild ${suffix}`, exact: true }).click();
    await bob.page.getByRole('button', { name: /^#general/ }).click();
    await bob.page.getByRole('heading', { name: '# general' }).waitFor();
    await send(alice, 'welcome back, bob');
    await message(bob, 'welcome back, bob').waitFor();
    await composer(bob).pressSequentially('back', { delay: 20 });
    await alice.page.getByText('Bobby Tables is typing…').waitFor();
    await composer(bob).fill('');
  });

  assert.deepEqual(problems, [], 'the pages reported problems');
  console.log('all steps passed');
} catch (err) {
  console.log(`FAILED at step "${current.step}": ${err.stack || err}`);
  if (problems.length) console.log(`problems seen:\n${problems.join('\n')}`);
  console.log(`sockets: ${JSON.stringify(people.map((p) => ({ name: p.name, ...p.sockets, open: p.sockets.open.length })))}`);
  for (const [i, ctx] of browser.contexts().entries())
    for (const page of ctx.pages()) await page.screenshot({ path: join(artifacts, `failure-${i}.png`) }).catch(() => {});
  process.exitCode = 1;
} finally {
  await browser.close();
}
