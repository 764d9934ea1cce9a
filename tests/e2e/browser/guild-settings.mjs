// The guild settings screen in Debian's chromium (playwright-core): the owner renames the server and sets its
// icon, sees a refusal with the server's own message, creates, edits (a permission toggled), reorders (by drag
// and by keyboard) and deletes roles, reorders channels and moves one into a category (by drag, by keyboard and
// by the category field), edits a channel and adds, changes and removes permission overwrites; a role made
// elsewhere shows up live; a moderator sees a role above theirs locked with the reason and the server's refusal
// of a permission they do not hold, then leaves; the owner deletes the server. Every change is checked through
// the REST API. Started by test_web_guild_settings.py with SD_BASE, SD_ARTIFACTS and CHROMIUM; exits non-zero
// on the first failed step, naming it.
import { chromium } from 'playwright-core';
import { png } from './people.mjs';
import AxeBuilder from '@axe-core/playwright';
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { current, eventually as pollUntil, step } from './steps.mjs';

const base = process.env.SD_BASE;
const artifacts = process.env.SD_ARTIFACTS;
const suffix = Math.random().toString(36).slice(2, 8);
const TIMEOUT = 15000;
const bit = (n) => 1n << BigInt(n);
const SEND_MESSAGES = bit(11);
const ATTACH_FILES = bit(15);
const MANAGE_MESSAGES = bit(13);
const ADMINISTRATOR = bit(3);
const MANAGE_ROLES = bit(28);
const MANAGE_GUILD = bit(5);
const MANAGE_CHANNELS = bit(4);


const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, args: ['--no-sandbox'] });
const problems = [];
let expectedRefusals = 0; // responses of 400 and more the steps expect

const eventually = (fn, what) => pollUntil(fn, what, TIMEOUT);

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('dialog', (d) => {
    problems.push(`a browser dialog opened (${d.message()})`);
    d.dismiss();
  });
  page.on('response', (r) => {
    if (r.status() >= 400) {
      if (expectedRefusals > 0) expectedRefusals--;
      else problems.push(`${r.status()} from ${r.request().method()} ${r.url()}`);
    }
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) problems.push(`console error: ${msg.text()}`);
  });
  return page;
}

/** The REST API with page's token (what a bot or another client would send); throws on a refusal unless
 * raw, in which case it answers {status, body}. */
async function api(page, method, path, body, raw = false) {
  const token = await page.evaluate(() => localStorage.getItem('token'));
  const r = await fetch(`${base}/api/v10${path}`, {
    method,
    headers: { Authorization: token, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  const data = text ? JSON.parse(text) : null;
  if (raw) return { status: r.status, body: data };
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return data;
}

async function register(page, name) {
  await page.goto(`${base}/`);
  await page.getByRole('button', { name: 'Register' }).click();
  await page.getByLabel('Username').fill(name);
  await page.getByLabel('Password').fill('correct horse battery staple');
  await page.getByRole('button', { name: 'Register', exact: true }).click();
}

/** Presses the pointer on handle, moves it to the top (or bottom) edge of row and lets go there. */
async function drag(page, handle, row, edge = 'top') {
  const a = await handle.boundingBox();
  const b = await row.boundingBox();
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2, edge === 'top' ? b.y + 3 : b.y + b.height - 3, { steps: 8 });
  await page.mouse.up();
}

const shot = (page, name) => page.screenshot({ path: join(artifacts, `guild-settings-${name}.png`) });

let alice;
try {
  alice = await newPage();
  const screen = () => alice.getByRole('dialog', { name: /server settings/ });
  const nav = (name) => screen().getByRole('navigation', { name: 'Server settings' }).getByRole('button', { name, exact: true });
  const roleRow = (id) => screen().locator(`.gs-roles li[data-id="${id}"]`);
  const chanRow = (id) => screen().locator(`.gs-channels li[data-id="${id}"]`);
  const alert = () => screen().getByRole('alert').filter({ hasText: /./ });
  let guild;
  let general;
  const rolesNow = async () => Object.fromEntries((await api(alice, 'GET', `/guilds/${guild.id}/roles`)).map((r) => [r.name, r]));
  const channelsNow = async () => Object.fromEntries((await api(alice, 'GET', `/guilds/${guild.id}/channels`)).map((c) => [c.name, c]));

  await step('the owner registers, creates a server and opens its settings from its head', async () => {
    await register(alice, `gs_owner_${suffix}`);
    await alice.getByRole('button', { name: 'Create a server' }).click();
    await alice.getByLabel('Server name').fill(`Settings ${suffix}`);
    await alice.getByRole('button', { name: 'Create', exact: true }).click();
    await alice.getByRole('heading', { name: '# general' }).waitFor();
    guild = (await api(alice, 'GET', '/users/@me/guilds')).find((g) => g.name === `Settings ${suffix}`);
    general = (await channelsNow()).general;
    await alice.getByRole('button', { name: 'Edit server' }).click();
    await screen().getByRole('heading', { name: 'Overview' }).waitFor();
    assert.equal(await nav('Overview').getAttribute('aria-current'), 'page');
  });

  await step('overview: a rename and an icon are saved through PATCH /guilds/{id}', async () => {
    await screen().getByLabel('Server name').fill(`Renamed ${suffix}`);
    await screen().getByLabel('Server icon', { exact: true }).setInputFiles({ name: 'icon.png', mimeType: 'image/png', buffer: png(96, 96, [40, 180, 220]) });
    await screen().locator('img[alt="Server icon chosen"]').waitFor();
    await screen().getByRole('button', { name: 'Save changes' }).click();
    await screen().getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const g = await api(alice, 'GET', `/guilds/${guild.id}`);
    assert.equal(g.name, `Renamed ${suffix}`);
    assert.ok(g.icon, 'the icon is set');
    await screen().locator(`img[alt="Server icon now"][src^="/icons/${guild.id}/${g.icon}"]`).waitFor();
    await shot(alice, 'overview');
  });

  await step('a refusal shows the server’s own message', async () => {
    await screen().getByLabel('Server name').fill('x');
    const refusal = await api(alice, 'PATCH', `/guilds/${guild.id}`, { name: 'x' }, true);
    assert.equal(refusal.status, 400);
    const message = Object.values(refusal.body.errors)[0]._errors[0].message;
    expectedRefusals++;
    await screen().getByRole('button', { name: 'Save changes' }).click();
    await alert().filter({ hasText: message }).waitFor();
    assert.equal((await api(alice, 'GET', `/guilds/${guild.id}`)).name, `Renamed ${suffix}`);
    await screen().getByLabel('Server name').fill(`Renamed ${suffix}`);
  });

  let helpers;
  let mods;
  await step('roles: one is created, renamed, coloured, hoisted and given a permission', async () => {
    await nav('Roles').click();
    await screen().getByRole('button', { name: 'Create role' }).click();
    await screen().getByRole('heading', { name: 'new role', level: 2 }).waitFor();
    await screen().getByLabel('Role name').fill('Helpers');
    await screen().getByLabel('Role colour').fill('#e91e63');
    await screen().getByLabel('Show members with this role apart from online members').check();
    const toggle = screen().getByRole('switch', { name: 'Manage Messages' });
    assert.equal(await toggle.isChecked(), false);
    await toggle.check();
    await screen().getByRole('button', { name: 'Save changes' }).click();
    await screen().getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    helpers = (await rolesNow()).Helpers;
    assert.ok(helpers, 'the role is named Helpers');
    assert.equal(helpers.color, 0xe91e63);
    assert.equal(helpers.hoist, true);
    assert.equal(BigInt(helpers.permissions) & MANAGE_MESSAGES, MANAGE_MESSAGES, 'Manage Messages is in the bitfield');
    await toggle.uncheck();
    await screen().getByRole('button', { name: 'Save changes' }).click();
    await eventually(async () => (BigInt((await rolesNow()).Helpers.permissions) & MANAGE_MESSAGES) === 0n, 'Manage Messages off again');
    await toggle.check();
    await screen().getByRole('button', { name: 'Save changes' }).click();
    await eventually(async () => (BigInt((await rolesNow()).Helpers.permissions) & MANAGE_MESSAGES) !== 0n, 'Manage Messages on again');
  });

  await step('roles: a second one, then dragged above the first', async () => {
    await screen().getByRole('button', { name: 'Create role' }).click();
    await screen().getByRole('heading', { name: 'new role', level: 2 }).waitFor();
    await screen().getByLabel('Role name').fill('Mods');
    await screen().getByRole('button', { name: 'Save changes' }).click();
    await screen().getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    mods = (await rolesNow()).Mods;
    helpers = (await rolesNow()).Helpers;
    assert.ok(helpers.position > mods.position, 'a new role starts at the bottom');
    await drag(alice, roleRow(mods.id).locator('.gs-handle'), roleRow(helpers.id), 'top');
    await eventually(async () => {
      const r = await rolesNow();
      return r.Mods.position > r.Helpers.position;
    }, 'Mods above Helpers after the drag');
    const order = await screen().locator('.gs-roles li[data-row] .gs-name').allTextContents();
    assert.deepEqual(order, ['Mods', 'Helpers']);
    await shot(alice, 'roles');
  });

  await step('roles: Alt+Down on a role moves it down again, and focus stays on it', async () => {
    await roleRow(mods.id).locator('.gs-handle').focus();
    await alice.keyboard.press('Alt+ArrowDown');
    await eventually(async () => {
      const r = await rolesNow();
      return r.Helpers.position > r.Mods.position;
    }, 'Helpers above Mods after Alt+Down');
    await eventually(() => roleRow(mods.id).locator('.gs-handle').evaluate((el) => el === document.activeElement), 'focus on the moved role');
    await screen().getByRole('button', { name: 'Move Mods up', exact: true }).click();
    await eventually(async () => {
      const r = await rolesNow();
      return r.Mods.position > r.Helpers.position;
    }, 'Mods above Helpers after its Move up button');
    await alice.keyboard.press('Alt+ArrowDown');
    await eventually(async () => {
      const r = await rolesNow();
      return r.Helpers.position > r.Mods.position;
    }, 'Helpers above Mods again');
  });

  await step('roles: @everyone is last, not movable, and its permissions are editable', async () => {
    const order = await screen().locator('.gs-roles li[data-row] .gs-name').allTextContents();
    assert.ok(!order.includes('@everyone'), '@everyone is not among the movable roles');
    await screen().locator('.gs-everyone').getByRole('button', { name: '@everyone' }).click();
    const mention = screen().getByRole('switch', { name: 'Mention @everyone, @here and All Roles' });
    assert.equal(await mention.isChecked(), true);
    await mention.uncheck();
    await screen().getByRole('button', { name: 'Save changes' }).click();
    await eventually(async () => (BigInt((await rolesNow())['@everyone'].permissions) & bit(17)) === 0n, '@everyone without Mention Everyone');
  });

  await step('roles: one made elsewhere shows up live, and one is deleted', async () => {
    const made = await api(alice, 'POST', `/guilds/${guild.id}/roles`, { name: `Doomed ${suffix}` });
    await roleRow(made.id).waitFor();
    await roleRow(made.id).getByRole('button', { name: `Doomed ${suffix}`, exact: true }).click();
    await screen().getByRole('button', { name: 'Delete role' }).click();
    await screen().getByRole('button', { name: 'Yes, delete this role' }).click();
    await roleRow(made.id).waitFor({ state: 'detached' });
    assert.ok(!(await rolesNow())[`Doomed ${suffix}`], 'the role is gone');
  });

  let zone;
  let alpha;
  let beta;
  await step('channels: reordered by drag, and one dragged into a category', async () => {
    zone = await api(alice, 'POST', `/guilds/${guild.id}/channels`, { name: 'Zone', type: 4 });
    alpha = await api(alice, 'POST', `/guilds/${guild.id}/channels`, { name: 'alpha', type: 0 });
    beta = await api(alice, 'POST', `/guilds/${guild.id}/channels`, { name: 'beta', type: 0 });
    await nav('Channels').click();
    await chanRow(beta.id).waitFor();
    await drag(alice, chanRow(beta.id).locator('.gs-handle'), chanRow(general.id), 'top');
    await eventually(async () => {
      const c = await channelsNow();
      return c.beta.position < c.general.position && c.beta.parent_id === null;
    }, 'beta above general');
    await drag(alice, chanRow(alpha.id).locator('.gs-handle'), chanRow(zone.id), 'bottom');
    await eventually(async () => (await channelsNow()).alpha.parent_id === zone.id, 'alpha inside Zone');
    const rows = await screen().locator('.gs-channels li[data-row] .gs-name').allTextContents();
    assert.deepEqual(rows, ['# beta', '# general', 'ZONE', '# alpha']);
  });

  await step('channels: Alt+Down carries a channel into the category below, the category field out again', async () => {
    await chanRow(general.id).locator('.gs-handle').focus();
    await alice.keyboard.press('Alt+ArrowDown');
    await eventually(async () => {
      const c = await channelsNow();
      return c.general.parent_id === zone.id && c.general.position < c.alpha.position;
    }, 'general first in Zone');
    await chanRow(alpha.id).getByRole('button', { name: '# alpha', exact: true }).click();
    await screen().getByLabel('Category', { exact: true }).selectOption({ label: 'No category' });
    await eventually(async () => (await channelsNow()).alpha.parent_id === null, 'alpha out of Zone');
    const rows = await screen().locator('.gs-channels li[data-row] .gs-name').allTextContents();
    assert.deepEqual(rows, ['# beta', '# alpha', 'ZONE', '# general']);
  });

  await step('channels: name, topic and slowmode are saved', async () => {
    await chanRow(general.id).getByRole('button', { name: '# general', exact: true }).click();
    await screen().getByLabel('Channel topic').fill('Talk about anything');
    await screen().getByLabel('Slowmode').selectOption({ label: '10 seconds' });
    await screen().getByRole('form', { name: 'Edit channel general' }).getByRole('button', { name: 'Save changes' }).click();
    await screen().getByRole('status').filter({ hasText: 'Saved.' }).first().waitFor();
    const c = (await channelsNow()).general;
    assert.equal(c.topic, 'Talk about anything');
    assert.equal(c.rate_limit_per_user, 10);
  });

  await step('channels: an overwrite is added, changed and removed', async () => {
    await screen().getByLabel('Add a role or member').selectOption({ label: 'Mods' });
    await screen().getByRole('button', { name: 'Add', exact: true }).click();
    const editor = screen().getByRole('form', { name: 'Overwrites for Mods' });
    await editor.getByLabel('Deny Send Messages', { exact: true }).check();
    await editor.getByLabel('Allow Attach Files', { exact: true }).check();
    await editor.getByRole('button', { name: 'Save overwrite' }).click();
    const overwrite = async () => (await channelsNow()).general.permission_overwrites.find((o) => o.id === mods.id);
    await eventually(async () => {
      const o = await overwrite();
      return o && o.type === 0 && BigInt(o.deny) === SEND_MESSAGES && BigInt(o.allow) === ATTACH_FILES;
    }, 'the overwrite for Mods: Send Messages denied, Attach Files allowed');
    await shot(alice, 'channels');
    await editor.getByLabel('Neutral Send Messages', { exact: true }).check();
    await editor.getByRole('button', { name: 'Save overwrite' }).click();
    await eventually(async () => {
      const o = await overwrite();
      return o && BigInt(o.deny) === 0n && BigInt(o.allow) === ATTACH_FILES;
    }, 'Send Messages back to neutral');
    await editor.getByRole('button', { name: 'Remove overwrite' }).click();
    await eventually(async () => !(await overwrite()), 'the overwrite removed');
    await editor.waitFor({ state: 'detached' });
    // one for a member, too
    await screen().getByLabel('Add a role or member').selectOption({ label: `@gs_owner_${suffix}` });
    await screen().getByRole('button', { name: 'Add', exact: true }).click();
    const mine = screen().getByRole('form', { name: `Overwrites for @gs_owner_${suffix}` });
    await mine.getByLabel('Allow Manage Messages', { exact: true }).check();
    await mine.getByRole('button', { name: 'Save overwrite' }).click();
    const me = await api(alice, 'GET', '/users/@me');
    await eventually(async () => {
      const o = (await channelsNow()).general.permission_overwrites.find((x) => x.id === me.id);
      return o && o.type === 1 && BigInt(o.allow) === MANAGE_MESSAGES;
    }, 'the member overwrite');
  });

  await step('axe finds no serious or critical violation in any section', async () => {
    for (const name of ['Overview', 'Roles', 'Channels']) {
      await nav(name).click();
      await screen().getByRole('heading', { name, level: 1 }).waitFor();
      const { violations } = await new AxeBuilder({ page: alice }).include('dialog.guild-settings').analyze();
      const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(bad.map((v) => `${name}: ${v.id} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`), []);
    }
  });

  const bob = await newPage();
  let low;
  await step('a moderator sees a role above theirs locked, and the server refuses a permission they lack', async () => {
    await register(bob, `gs_mod_${suffix}`);
    await bob.getByRole('button', { name: 'Create a server' }).waitFor();
    const invite = await api(alice, 'POST', `/channels/${general.id}/invites`, { max_age: 3600 });
    await api(bob, 'POST', `/invites/${invite.code}`, {});
    const bobUser = await api(bob, 'GET', '/users/@me');
    await api(alice, 'PATCH', `/guilds/${guild.id}/roles/${mods.id}`, { permissions: String(MANAGE_ROLES | MANAGE_GUILD | MANAGE_CHANNELS) });
    await api(alice, 'PUT', `/guilds/${guild.id}/members/${bobUser.id}/roles/${mods.id}`);
    low = await api(alice, 'POST', `/guilds/${guild.id}/roles`, { name: 'Low' });
    await bob.reload(); // the head shows Edit server from the roles the guild arrives with
    await bob.getByRole('button', { name: `Renamed ${suffix}` }).click();
    await bob.getByRole('button', { name: 'Edit server' }).click();
    const bobScreen = bob.getByRole('dialog', { name: /server settings/ });
    await bobScreen.getByRole('navigation').getByRole('button', { name: 'Roles', exact: true }).click();
    await bobScreen.locator(`li[data-id="${helpers.id}"]`).getByRole('button', { name: /Helpers/ }).click();
    await bobScreen.getByRole('note').filter({ hasText: 'at or above your highest role' }).waitFor();
    assert.equal(await bobScreen.getByLabel('Role name').isDisabled(), true, 'a role above is not editable');
    assert.equal(await bobScreen.locator(`li[data-id="${helpers.id}"] .gs-handle`).count(), 0, 'nor movable');
    await bobScreen.locator(`li[data-id="${low.id}"]`).getByRole('button', { name: 'Low', exact: true }).click();
    await bobScreen.getByRole('switch', { name: 'Administrator' }).check();
    const refusal = await api(bob, 'PATCH', `/guilds/${guild.id}/roles/${low.id}`, { permissions: String(ADMINISTRATOR) }, true);
    assert.equal(refusal.status, 403);
    expectedRefusals++;
    await bobScreen.getByRole('button', { name: 'Save changes' }).click();
    await bobScreen.getByRole('alert').filter({ hasText: refusal.body.message }).waitFor();
    assert.equal(BigInt((await rolesNow()).Low.permissions) & ADMINISTRATOR, 0n);
    await bob.screenshot({ path: join(artifacts, 'guild-settings-refused.png') });
  });

  await step('the moderator leaves the server from its settings', async () => {
    const bobScreen = bob.getByRole('dialog', { name: /server settings/ });
    await bobScreen.getByRole('navigation').getByRole('button', { name: 'Overview', exact: true }).click();
    await bobScreen.getByRole('button', { name: 'Leave server' }).click();
    await bobScreen.getByRole('button', { name: 'Yes, leave' }).click();
    await bobScreen.waitFor({ state: 'detached' });
    assert.ok(!(await api(bob, 'GET', '/users/@me/guilds')).some((g) => g.id === guild.id), 'no longer a member');
  });

  await step('Escape closes the screen and gives focus back; the owner deletes the server', async () => {
    await nav('Overview').click();
    await alice.keyboard.press('Escape');
    await screen().waitFor({ state: 'detached' });
    await eventually(() => alice.evaluate(() => document.activeElement?.getAttribute('aria-label') === 'Edit server'), 'focus on Edit server');
    await alice.keyboard.press('Enter');
    await screen().waitFor();
    // on a phone: the nav across the top, one column, nothing wider than the screen
    await alice.setViewportSize({ width: 390, height: 844 });
    await nav('Roles').click();
    await screen().locator('.gs-roles li[data-row]').first().waitFor();
    const fits = await alice.evaluate(() => [...document.querySelectorAll('dialog.guild-settings, .gs-main')].every((el) => el.scrollWidth <= el.clientWidth + 1));
    assert.ok(fits, 'no sideways scrolling on a phone');
    await shot(alice, 'phone');
    await alice.setViewportSize({ width: 1400, height: 900 });
    await nav('Overview').click();
    const del = screen().getByRole('button', { name: 'Delete server' });
    assert.equal(await del.isDisabled(), true, 'not before the name is typed');
    await screen().getByLabel('Type the server’s name to confirm').fill(`Renamed ${suffix}`);
    await del.click();
    await screen().waitFor({ state: 'detached' });
    const gone = await api(alice, 'GET', `/guilds/${guild.id}`, undefined, true);
    assert.equal(gone.status, 404);
    expectedRefusals = 0;
  });

  assert.deepEqual(problems, [], 'no page errors and no unexpected refusals');
  console.log('all steps passed');
} catch (err) {
  console.error(`FAILED at step: ${current.step}\n${err.stack || err}`);
  console.error(problems.join('\n'));
  if (alice) await alice.screenshot({ path: join(artifacts, 'guild-settings-failure.png') }).catch(() => {});
  process.exitCode = 1;
} finally {
  await browser.close();
}
