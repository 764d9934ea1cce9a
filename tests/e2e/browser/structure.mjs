// The client's structure in Debian's chromium (playwright-core): per-guild unread and mention badges on the rail
// that appear as another user posts and clear as the user reads, "mark as read" for a guild from its menu on the
// rail and from its head (stored on the server), a dialog's focus trap and refusal, the DM badge on the Home
// button, the desktop layout above 800 px, and the phone layout at 390x844
// (the channel list and the member list as drawers, a full-width composer, touch targets of 44 px). The other
// user acts through the REST API. Started by test_web_structure.py with SD_BASE, SD_ARTIFACTS and CHROMIUM.
// Exits non-zero on the first failed step, naming it.
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

/** The REST API as user token (null: no token); throws on a refusal. */
async function call(token, method, path, body) {
  const r = await fetch(`${base}/api/v10${path}`, {
    method,
    headers: { ...(token ? { Authorization: token } : {}), 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function register(name) {
  const { token, user_id: id } = await call(null, 'POST', '/auth/register', { username: name, password: 'correct horse battery staple' });
  return { name, token, id };
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, args: ['--no-sandbox'] });

/** A signed-in page of user p in a viewport of the given size. */
async function open(p, viewport, extra = {}) {
  const context = await browser.newContext({ viewport, ...extra });
  await context.addInitScript((token) => localStorage.setItem('token', token), p.token);
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', (err) => problems.push(`${p.name}: page error: ${err.message}`));
  page.on('response', (r) => r.status() >= 400 && problems.push(`${p.name}: ${r.status()} from ${r.request().method()} ${r.url()}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`${p.name}: console error: ${m.text()}`));
  await page.goto(`${base}/`);
  await page.locator('button[aria-label="Log out"]').waitFor({ state: 'attached' }); // in a drawer on a phone
  return page;
}

try {
  const alice = await register(`alice_${suffix}`);
  const bob = await register(`bob_${suffix}`);
  const guildName = `Badges ${suffix}`;
  const guild = await call(alice.token, 'POST', '/guilds', { name: guildName });
  const general = (await call(alice.token, 'GET', `/guilds/${guild.id}/channels`)).find((c) => c.type === 0);
  const second = await call(alice.token, 'POST', `/guilds/${guild.id}/channels`, { name: 'second', type: 0 });
  const third = await call(alice.token, 'POST', `/guilds/${guild.id}/channels`, { name: 'third', type: 0 });
  const invite = await call(alice.token, 'POST', `/channels/${general.id}/invites`, { max_age: 0 });
  await call(bob.token, 'POST', `/invites/${invite.code}`, {});
  const post = (channel, content) => call(bob.token, 'POST', `/channels/${channel.id}/messages`, { content });
  /** Alice's read state of a channel as the server keeps it. */
  const readState = async (channel) => (await call(alice.token, 'GET', `/guilds/${guild.id}/channels`)).find((c) => c.id === channel.id);

  const page = await open(alice, { width: 1280, height: 800 });
  const rail = page.getByRole('navigation', { name: 'Servers' });
  const guildButton = (name) => rail.getByRole('button', { name, exact: true });
  const badgeOf = () => rail.locator(`button[data-key="${guild.id}"] .rail-badge`);

  await step('a guild is not marked while everything in it is read', async () => {
    await page.getByRole('heading', { name: '# general' }).waitFor();
    await guildButton(guildName).waitFor();
    assert.equal(await badgeOf().count(), 0);
  });

  await step('the guild is marked unread when someone posts while the user is elsewhere', async () => {
    await rail.getByRole('button', { name: 'Direct messages' }).click();
    await page.getByRole('heading', { name: 'No channel' }).waitFor();
    await post(general, 'hello everyone');
    await guildButton(`${guildName} (unread)`).waitFor();
    assert.match(await guildButton(`${guildName} (unread)`).getAttribute('class'), /\bunread\b/);
    assert.equal(await badgeOf().count(), 0, 'no mention, no number');
  });

  await step('mentions add up into the guild badge', async () => {
    await post(second, `<@${alice.id}> look here`);
    await guildButton(`${guildName} (unread), 1 mention`).waitFor();
    await post(third, `<@${alice.id}> and here`);
    await guildButton(`${guildName} (unread), 2 mentions`).waitFor();
    assert.equal(await badgeOf().textContent(), '2');
    await page.screenshot({ path: join(artifacts, 'structure-badges.png') });
  });

  await step('reading the channels clears the badge one channel at a time', async () => {
    await guildButton(`${guildName} (unread), 2 mentions`).click();
    await page.getByRole('heading', { name: '# general' }).waitFor();
    await guildButton(`${guildName} (unread), 2 mentions`).waitFor();
    await page.getByRole('button', { name: '#second, unread, 1 mention' }).click();
    await page.getByRole('heading', { name: '# second' }).waitFor();
    await guildButton(`${guildName} (unread), 1 mention`).waitFor();
    assert.equal(await badgeOf().textContent(), '1');
    await page.getByRole('button', { name: '#third, unread, 1 mention' }).click();
    await guildButton(guildName).waitFor();
    assert.equal(await badgeOf().count(), 0);
    const stored = await eventually(async () => {
      const c = await readState(third);
      return c.last_read_message_id === c.last_message_id && c;
    }, 'the read state of #third on the server');
    assert.equal(stored.mention_count || 0, 0);
  });

  await step('"Mark as read" acks every unread channel of the guild', async () => {
    await rail.getByRole('button', { name: 'Direct messages' }).click();
    await post(general, 'more news');
    await post(second, `<@${alice.id}> once more`);
    await post(third, 'and more');
    await guildButton(`${guildName} (unread), 1 mention`).click();
    await page.getByRole('heading', { name: '# third' }).waitFor(); // the channel last open there
    await guildButton(`${guildName} (unread), 1 mention`).waitFor();
    await page.getByRole('button', { name: 'Mark server as read' }).click();
    await guildButton(guildName).waitFor();
    await page.getByRole('button', { name: '#general', exact: true }).waitFor();
    await page.getByRole('button', { name: '#second', exact: true }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Mark server as read' }).count(), 0, 'nothing left to mark');
    for (const c of [general, second, third]) {
      const s = await eventually(async () => {
        const x = await readState(c);
        return x.last_read_message_id === x.last_message_id && x;
      }, `the read state of #${c.name} on the server`);
      assert.equal(s.mention_count || 0, 0, `#${c.name}'s mentions`);
    }
  });

  await step("the guild's menu on the rail marks it read without opening it", async () => {
    await rail.getByRole('button', { name: 'Direct messages' }).click();
    await page.getByRole('heading', { name: 'No channel' }).waitFor();
    await post(general, 'news for the menu');
    await post(second, `<@${alice.id}> and a mention`);
    const button = guildButton(`${guildName} (unread), 1 mention`);
    await button.click({ button: 'right' });
    const item = page.getByRole('menu', { name: guildName }).getByRole('menuitem', { name: 'Mark as read' });
    await eventually(() => item.evaluate((el) => el === document.activeElement), 'the focus in the menu');
    await page.screenshot({ path: join(artifacts, 'structure-menu.png') });
    await page.keyboard.press('Enter');
    await guildButton(guildName).waitFor();
    await page.getByRole('menu').waitFor({ state: 'detached' });
    assert.equal(await page.getByRole('heading', { name: 'No channel' }).count(), 1, 'the DMs stay open');
    for (const c of [general, second]) {
      await eventually(async () => {
        const x = await readState(c);
        return x.last_read_message_id === x.last_message_id && !x.mention_count;
      }, `the read state of #${c.name} on the server`);
    }
    // From the keyboard: the context menu key opens it on the focused guild, Escape closes it and the focus
    // goes back; with nothing unread its item does nothing.
    await guildButton(guildName).focus();
    await page.keyboard.press('Shift+F10');
    await eventually(() => item.evaluate((el) => el === document.activeElement), 'the focus in the menu');
    assert.equal(await item.getAttribute('aria-disabled'), 'true');
    await page.keyboard.press('Escape');
    await page.getByRole('menu').waitFor({ state: 'detached' });
    assert.ok(await guildButton(guildName).evaluate((el) => el === document.activeElement), 'the focus back on the guild');
  });

  await step('a new DM puts a badge on the Home button, reading it clears it', async () => {
    const dm = await call(bob.token, 'POST', '/users/@me/channels', { recipient_id: alice.id });
    await call(bob.token, 'POST', `/channels/${dm.id}/messages`, { content: 'psst, alice' });
    const home = rail.getByRole('button', { name: 'Direct messages (unread), 1 mention', exact: true });
    await home.waitFor();
    assert.equal(await home.locator('.rail-badge').textContent(), '1');
    await home.click();
    await page.getByRole('button', { name: new RegExp(`^${bob.name}`) }).click();
    await page.locator('article.msg', { hasText: 'psst, alice' }).waitFor();
    await rail.getByRole('button', { name: 'Direct messages', exact: true }).waitFor();
  });

  await step('above 800 px the rail, sidebar, chat and member list sit side by side, without drawer buttons', async () => {
    await guildButton(guildName).click();
    await page.getByRole('heading', { name: '# third' }).waitFor();
    const boxes = {};
    for (const sel of ['.rail', '.sidebar', '.chat', '.members']) boxes[sel] = await page.locator(sel).boundingBox();
    assert.equal(boxes['.rail'].x, 0);
    assert.equal(boxes['.sidebar'].x, 72);
    assert.equal(boxes['.chat'].x, 312);
    assert.equal(Math.round(boxes['.members'].x + boxes['.members'].width), 1280);
    assert.equal(await page.getByRole('button', { name: 'Channels', exact: true }).isVisible(), false);
    assert.equal(await page.getByRole('button', { name: 'Member list' }).isVisible(), false);
  });
  await step('a dialog keeps the focus inside, shows the refusal, and Escape closes it', async () => {
    const opener = rail.getByRole('button', { name: 'Join a server' });
    await opener.click();
    const dlg = page.getByRole('dialog', { name: 'Join a server' });
    const field = dlg.getByLabel('Invite link or code');
    await eventually(() => field.evaluate((el) => el === document.activeElement), 'the focus in the field');
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      assert.ok(await dlg.evaluate((el) => el.contains(document.activeElement)), `Tab ${i + 1} left the dialog`);
    }
    await page.keyboard.press('Shift+Tab');
    assert.ok(await dlg.evaluate((el) => el.contains(document.activeElement)), 'Shift+Tab left the dialog');
    await field.fill(`no-such-invite-${suffix}`);
    await dlg.getByRole('button', { name: 'Join' }).click();
    await dlg.getByRole('alert').filter({ hasText: 'Unknown Invite' }).waitFor();
    const refused = problems.findIndex((p) => p.includes(' 404 from POST ') && p.includes('/invites/no-such-invite-'));
    assert.ok(refused >= 0, 'the refusal came from the server');
    problems.splice(refused, 1); // expected; the browser also logs it
    for (let i = problems.length - 1; i >= 0; i--) if (/console error: Failed to load resource.*404/.test(problems[i])) problems.splice(i, 1);
    await page.keyboard.press('Escape');
    await dlg.waitFor({ state: 'detached' });
    await eventually(() => opener.evaluate((el) => el === document.activeElement), 'the focus back on the opener');
  });
  await page.context().close();

  const phone = await open(bob, { width: 390, height: 844 }, { isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const drawer = phone.locator('#nav-drawer');
  const members = phone.locator('#members');
  const inside = (sel) => phone.evaluate((s) => !!document.activeElement && !!document.activeElement.closest(s), sel);
  const onScreen = async (loc) => {
    const box = await loc.boundingBox();
    return !!box && box.x >= -1 && box.x + box.width <= 391 && (await loc.isVisible());
  };

  await step('on a phone the chat takes the whole width and the composer is full width', async () => {
    await phone.locator(`button[data-key="${guild.id}"]`).waitFor({ state: 'attached' });
    await phone.locator('article.msg').first().waitFor(); // the DM or the guild, whichever arrived first
    const chat = await phone.locator('.chat').boundingBox();
    assert.equal(Math.round(chat.width), 390);
    const box = await phone.locator('#composer-input').boundingBox();
    assert.ok(box.width >= 300, `composer ${box.width} px wide`);
    assert.equal(await drawer.evaluate((el) => getComputedStyle(el).visibility), 'hidden');
    assert.equal(await members.isVisible(), false);
    await phone.screenshot({ path: join(artifacts, 'phone-chat.png') });
  });

  await step('the channels drawer opens from the chat head, takes the focus, and Escape closes it', async () => {
    const button = phone.getByRole('button', { name: 'Channels', exact: true });
    await button.click();
    assert.equal(await button.getAttribute('aria-expanded'), 'true');
    await eventually(() => onScreen(phone.locator('.sidebar')), 'the sidebar on screen');
    await eventually(() => inside('#nav-drawer'), 'the focus in the drawer');
    assert.ok(await phone.locator('main.chat').evaluate((el) => el.inert), 'the chat is inert behind the drawer');
    await phone.waitForTimeout(250); // the slide ends
    await phone.screenshot({ path: join(artifacts, 'phone-channels.png') });
    await phone.keyboard.press('Escape');
    await eventually(async () => (await drawer.evaluate((el) => getComputedStyle(el).visibility)) === 'hidden', 'the drawer to close');
    assert.equal(await button.getAttribute('aria-expanded'), 'false');
    await eventually(() => button.evaluate((el) => el === document.activeElement), 'the focus back on the button');
  });

  await step('picking a guild and a channel in the drawer opens it and closes the drawer', async () => {
    await phone.getByRole('button', { name: 'Channels', exact: true }).click();
    await phone.locator(`#nav-drawer button[data-key="${guild.id}"]`).click(); // unread for bob: posted through the API
    await phone.getByRole('button', { name: /^#second/ }).click();
    await phone.getByRole('heading', { name: '# second' }).waitFor();
    await eventually(async () => (await drawer.evaluate((el) => getComputedStyle(el).visibility)) === 'hidden', 'the drawer to close');
    await phone.locator('#composer-input').fill('sent from a phone');
    await phone.locator('#composer-input').press('Enter');
    await phone.locator('article.msg', { hasText: 'sent from a phone' }).waitFor();
  });

  await step('the member list drawer opens, takes the focus, and the backdrop closes it', async () => {
    const button = phone.getByRole('button', { name: 'Member list' });
    await button.click();
    await eventually(() => onScreen(members), 'the member list on screen');
    await eventually(() => inside('#members'), 'the focus in the member list');
    await members.getByRole('button', { name: new RegExp(`^${alice.name}`) }).waitFor();
    await phone.waitForTimeout(250);
    await phone.screenshot({ path: join(artifacts, 'phone-members.png') });
    await phone.mouse.click(20, 400); // the backdrop, left of the drawer
    await eventually(async () => !(await members.isVisible()) || (await members.evaluate((el) => getComputedStyle(el).visibility)) === 'hidden', 'the member list to close');
    await eventually(() => button.evaluate((el) => el === document.activeElement), 'the focus back on the button');
  });

  await step('every control on the phone is a touch target of at least 44 px', async () => {
    await phone.getByRole('button', { name: 'Channels', exact: true }).click();
    await eventually(() => onScreen(phone.locator('.sidebar')), 'the sidebar on screen');
    await phone.waitForTimeout(250);
    const small = await phone.evaluate(() =>
      [...document.querySelectorAll('.app button, .app select')]
        .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility === 'visible')
        .map((el) => [el.getAttribute('aria-label') || el.textContent, el.getBoundingClientRect()])
        .filter(([, r]) => r.width > 0 && (r.width < 44 || r.height < 44))
        .map(([name, r]) => `${name}: ${Math.round(r.width)}x${Math.round(r.height)}`),
    );
    assert.deepEqual(small, [], 'controls under 44 px');
    await phone.keyboard.press('Escape');
  });

  assert.deepEqual(problems, [], 'the pages reported problems');
  console.log('all steps passed');
} catch (err) {
  console.log(`FAILED at step "${current.step}": ${err.stack || err}`);
  if (problems.length) console.log(`problems seen:\n${problems.join('\n')}`);
  for (const [i, ctx] of browser.contexts().entries())
    for (const p of ctx.pages()) await p.screenshot({ path: join(artifacts, `structure-failure-${i}.png`) }).catch(() => {});
  process.exitCode = 1;
} finally {
  await browser.close();
}
