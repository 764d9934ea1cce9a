// The guild's members, bans and invites screens and the user settings, in Debian's chromium (playwright-core):
// roles given and taken, a nickname, a timeout, a kick and a ban (then in the bans, with a reason, and unbanned),
// invites listed, created and revoked (a refusal shown), the profile changed and seen by someone else, the
// password changed with the session going on under the new token, and logging out everywhere signing out a
// second browser. Each action is checked through the REST API. Started by test_web_user_settings.py with
// SD_BASE, SD_ARTIFACTS and CHROMIUM. Exits non-zero on the first failed step, naming it.
import { chromium } from 'playwright-core';
import { png } from './people.mjs';
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { current, eventually as pollUntil, step } from './steps.mjs';

const base = process.env.SD_BASE;
const artifacts = process.env.SD_ARTIFACTS;
const suffix = Math.random().toString(36).slice(2, 8);
const TIMEOUT = 15000;
const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'a brand new passphrase';

const eventually = (fn, what) => pollUntil(fn, what, TIMEOUT);


/** A REST call as token; answers {status, body}. */
async function rest(token, method, path, body, headers = {}) {
  const r = await fetch(`${base}/api/v10${path}`, {
    method,
    headers: { ...(token ? { Authorization: token } : {}), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}
async function ok(token, method, path, body, headers) {
  const r = await rest(token, method, path, body, headers);
  assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
async function account(stem) {
  const username = `${stem}_${suffix}`;
  const { token, user_id } = await ok(null, 'POST', '/auth/register', { username, password: PASSWORD });
  return { username, token, id: user_id };
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, args: ['--no-sandbox'] });
const problems = [];
const expected = []; // [method, url part, status] of refusals a step causes on purpose
let retired = false; // after logging out everywhere, a call still under way with a retired token may be refused

async function open(name, token) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', (err) => problems.push(`${name}: page error: ${err.message}`));
  page.on('dialog', (d) => {
    problems.push(`${name}: a dialog opened (${d.message()})`);
    d.dismiss();
  });
  page.on('response', (r) => {
    if (r.status() < 400 || (retired && r.status() === 401)) return;
    const i = expected.findIndex(([m, part, s]) => m === r.request().method() && r.url().includes(part) && s === r.status());
    if (i >= 0) expected.splice(i, 1);
    else problems.push(`${name}: ${r.status()} from ${r.request().method()} ${r.url()}`);
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/status of 4\d\d/.test(msg.text())) problems.push(`${name}: console error: ${msg.text()}`);
  });
  await page.goto(`${base}/`);
  await page.evaluate((t) => localStorage.setItem('token', t), token);
  await page.reload();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
  return page;
}

try {
  const ann = await account('ann');
  const [mia, kim, ben, rex, wes] = await Promise.all(['mia', 'kim', 'ben', 'rex', 'wes'].map(account));
  const guild = await ok(ann.token, 'POST', '/guilds', { name: `People ${suffix}` });
  const general = (await ok(ann.token, 'GET', `/guilds/${guild.id}/channels`)).find((c) => c.name === 'general');
  const invite = await ok(ann.token, 'POST', `/channels/${general.id}/invites`, { max_age: 86400, max_uses: 10 });
  for (const u of [mia, kim, ben, rex, wes]) await ok(u.token, 'POST', `/invites/${invite.code}`, {});
  const helper = await ok(ann.token, 'POST', `/guilds/${guild.id}/roles`, { name: 'Helper' });
  await ok(ann.token, 'POST', `/channels/${general.id}/messages`, { content: 'hello from ann' });
  await ok(ben.token, 'POST', `/channels/${general.id}/messages`, { content: 'ben was here' });
  const member = (u) => rest(ann.token, 'GET', `/guilds/${guild.id}/members/${u.id}`);

  const page = await open('ann', ann.token);
  const watcher = await open('wes', wes.token);
  const row = (u) => page.locator(`li.gp-row[data-user="${u.id}"]`);
  const guildScreen = page.getByRole('dialog', { name: `People ${suffix}: server settings` });

  await step('the members screen lists the members and finds them by name', async () => {
    await page.getByRole('heading', { name: '# general' }).waitFor(); // the one guild opens by itself
    await page.getByRole('button', { name: 'Edit server' }).click();
    const screen = guildScreen;
    await screen.getByRole('navigation').getByRole('button', { name: 'Members', exact: true }).click();
    await screen.getByRole('heading', { name: 'Members', level: 1 }).waitFor();
    await screen.getByRole('status').filter({ hasText: '6 members' }).waitFor();
    for (const u of [ann, mia, kim, ben, rex, wes]) await row(u).waitFor();
    await page.screenshot({ path: join(artifacts, 'members-list.png') });
    await page.getByLabel('Search members').fill(`mia_${suffix}`);
    await screen.getByRole('status').filter({ hasText: '1 member' }).waitFor();
    await row(kim).waitFor({ state: 'detached' });
    await row(mia).waitFor();
  });

  await step('a role is given and taken', async () => {
    await page.getByRole('button', { name: `Manage ${mia.username}` }).click();
    const box = row(mia).getByRole('checkbox', { name: 'Helper' });
    await box.check();
    await eventually(async () => (await member(mia)).body.roles.includes(helper.id), 'the role on the member');
    await row(mia).getByRole('list', { name: `Roles of ${mia.username}` }).getByText('Helper').waitFor();
    await page.screenshot({ path: join(artifacts, 'members-manage.png') });
    await box.uncheck();
    await eventually(async () => !(await member(mia)).body.roles.includes(helper.id), 'the role taken');
  });

  await step('a nickname is set', async () => {
    await row(mia).getByLabel('Nickname').fill('Mia the Great');
    await row(mia).getByRole('button', { name: 'Save nickname' }).click();
    await eventually(async () => (await member(mia)).body.nick === 'Mia the Great', 'the nickname');
    await row(mia).getByText('Mia the Great', { exact: true }).waitFor();
  });

  await step('a timeout is set and lifted', async () => {
    await row(mia).getByLabel('Timeout').selectOption('3600');
    await row(mia).getByRole('button', { name: 'Time out' }).click();
    await row(mia).getByText(/timed out until/).waitFor();
    const until = new Date((await member(mia)).body.communication_disabled_until).getTime();
    assert.ok(until > Date.now() + 3500e3 && until < Date.now() + 3700e3, `timed out for about an hour (${until - Date.now()} ms)`);
    await row(mia).getByRole('button', { name: 'Remove timeout' }).click();
    await eventually(async () => !(await member(mia)).body.communication_disabled_until, 'the timeout lifted');
  });

  await step('a member is kicked', async () => {
    await page.getByLabel('Search members').fill('');
    await row(kim).waitFor();
    await page.getByRole('button', { name: `Manage ${kim.username}` }).click();
    await row(kim).getByRole('button', { name: 'Kick', exact: true }).click();
    await row(kim).getByRole('button', { name: 'Yes, kick' }).click();
    await row(kim).waitFor({ state: 'detached' });
    assert.equal((await member(kim)).status, 404);
  });

  await step('a member is banned with their last hour of messages, and shows in the bans with the reasons', async () => {
    await page.getByRole('button', { name: `Manage ${ben.username}` }).click();
    await row(ben).getByLabel('Delete their messages').selectOption('3600');
    await row(ben).getByRole('button', { name: 'Ban', exact: true }).click();
    await row(ben).getByRole('button', { name: 'Yes, ban' }).click();
    await row(ben).waitFor({ state: 'detached' });
    assert.equal((await rest(ann.token, 'GET', `/guilds/${guild.id}/bans/${ben.id}`)).status, 200);
    await eventually(async () => !(await ok(ann.token, 'GET', `/channels/${general.id}/messages`)).some((m) => m.content === 'ben was here'), "ben's message deleted");
    await ok(ann.token, 'PUT', `/guilds/${guild.id}/bans/${rex.id}`, {}, { 'X-Audit-Log-Reason': encodeURIComponent('spamming links') });
    await guildScreen.getByRole('navigation').getByRole('button', { name: 'Bans', exact: true }).click();
    const bans = page.getByRole('list', { name: 'Banned users' });
    await bans.locator(`li[data-user="${ben.id}"]`).getByText('No reason given').waitFor();
    await bans.locator(`li[data-user="${rex.id}"]`).getByText('Reason: spamming links').waitFor();
    await page.screenshot({ path: join(artifacts, 'members-bans.png') });
  });

  await step('a ban is lifted', async () => {
    await page.getByRole('button', { name: `Unban ${ben.username}` }).click();
    await page.locator(`li[data-user="${ben.id}"]`).waitFor({ state: 'detached' });
    assert.equal((await rest(ann.token, 'GET', `/guilds/${guild.id}/bans/${ben.id}`)).status, 404);
    assert.equal((await rest(ann.token, 'GET', `/guilds/${guild.id}/bans/${rex.id}`)).status, 200);
  });

  await step('invites are listed with inviter, uses and expiry; one is created and one revoked', async () => {
    await guildScreen.getByRole('navigation').getByRole('button', { name: 'Invites', exact: true }).click();
    const line = (code) => page.locator(`tr[data-code="${code}"]`);
    await line(invite.code).waitFor();
    assert.equal((await line(invite.code).locator('td').nth(2).textContent()).trim(), ann.username);
    assert.equal((await line(invite.code).locator('td').nth(3).textContent()).trim(), '5 / 10');
    assert.notEqual((await line(invite.code).locator('td').nth(4).textContent()).trim(), 'Never');
    await page.getByLabel('Expire after').selectOption('0');
    await page.getByLabel('Max uses').selectOption('5');
    await page.getByRole('button', { name: 'Create invite' }).click();
    const created = await page.locator('.gp-created code').textContent();
    const code = created.split('/invite/')[1];
    assert.ok(code, created);
    const stored = await ok(null, 'GET', `/invites/${code}`);
    assert.equal(stored.guild.id, guild.id);
    await line(code).waitFor();
    assert.equal((await line(code).locator('td').nth(4).textContent()).trim(), 'Never');
    await page.screenshot({ path: join(artifacts, 'members-invites.png') });
    await page.getByRole('button', { name: `Revoke invite ${invite.code}` }).click();
    await line(invite.code).waitFor({ state: 'detached' });
    assert.equal((await rest(null, 'GET', `/invites/${invite.code}`)).status, 404);
  });

  await step("the server's refusal shows in place (an invite revoked elsewhere meanwhile)", async () => {
    const other = (await ok(ann.token, 'GET', `/guilds/${guild.id}/invites`))[0].code;
    await ok(ann.token, 'DELETE', `/invites/${other}`);
    expected.push(['DELETE', `/invites/${other}`, 404]);
    await page.getByRole('button', { name: `Revoke invite ${other}` }).click();
    await page.getByRole('alert').filter({ hasText: /Unknown Invite/i }).waitFor();
    await page.getByRole('button', { name: 'Close server settings' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  });

  await step('a profile change is seen by another user', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('dialog', { name: 'User settings' }).waitFor();
    await page.getByLabel('Display name').fill('Ann Renamed');
    await page.getByLabel('Avatar', { exact: true }).setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png(96, 96, [0, 120, 255]) });
    await page.locator('img[alt="Avatar chosen"]').waitFor();
    await page.getByLabel('Banner', { exact: true }).setInputFiles({ name: 'banner.png', mimeType: 'image/png', buffer: png(300, 120, [250, 160, 0]) });
    await page.locator('img[alt="Banner chosen"]').waitFor();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const me = await ok(ann.token, 'GET', '/users/@me');
    assert.equal(me.global_name, 'Ann Renamed');
    assert.match(me.avatar, /^[0-9a-f]{32}$/);
    assert.match(me.banner, /^[0-9a-f]{32}$/);
    await page.locator(`img.us-banner[src^="/banners/${ann.id}/${me.banner}.png"]`).waitFor();
    await page.screenshot({ path: join(artifacts, 'user-settings-account.png') });
    await watcher.getByRole('button', { name: /^Ann Renamed/ }).first().waitFor();
    await watcher.locator(`img.avatar[src^="/avatars/${ann.id}/${me.avatar}"]`).first().waitFor();
  });

  let fresh;
  await step('a password change keeps this session signed in, on the new token; the old one is refused', async () => {
    await page.getByRole('button', { name: 'Password', exact: true }).click();
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Confirm new password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('status').filter({ hasText: 'Password changed' }).waitFor();
    await page.screenshot({ path: join(artifacts, 'user-settings-password.png') });
    assert.equal((await rest(ann.token, 'GET', '/users/@me')).status, 401, 'the old token is refused');
    fresh = await page.evaluate(() => localStorage.getItem('token'));
    assert.notEqual(fresh, ann.token);
    assert.equal((await rest(fresh, 'GET', '/users/@me')).status, 200);
    await page.getByRole('button', { name: 'Close user settings' }).click();
    // Still live both ways: REST with the new token, and a gateway session that was opened with it.
    await page.getByRole('button', { name: /^#general/ }).click();
    await page.locator('#composer-input').fill('still here after the change');
    await page.locator('#composer-input').press('Enter');
    await watcher.locator('article.msg', { hasText: 'still here after the change' }).waitFor();
    await ok(wes.token, 'POST', `/channels/${general.id}/messages`, { content: 'wes answers live' });
    await page.locator('article.msg', { hasText: 'wes answers live' }).waitFor();
    assert.equal(await page.getByRole('heading', { name: 'Welcome back' }).count(), 0);
  });

  await step('log out everywhere signs out this browser and a second one', async () => {
    const second = await ok(null, 'POST', '/auth/login', { login: ann.username, password: NEW_PASSWORD });
    const other = await open('ann-2', second.token);
    await page.getByRole('button', { name: 'Settings' }).click();
    const screen = page.getByRole('dialog', { name: 'User settings' });
    await screen.getByRole('navigation').getByRole('button', { name: 'Log out', exact: true }).click();
    await screen.getByRole('heading', { name: 'Log out' }).waitFor();
    await page.screenshot({ path: join(artifacts, 'user-settings-logout.png') });
    await screen.getByRole('button', { name: 'Log out everywhere' }).click();
    retired = true;
    await screen.getByRole('button', { name: 'Yes, log out everywhere' }).click();
    await page.getByRole('heading', { name: 'Welcome back' }).waitFor();
    await other.getByRole('heading', { name: 'Welcome back' }).waitFor(); // its gateway was closed (4004)
    assert.equal(await other.evaluate(() => localStorage.getItem('token')), null);
    assert.equal((await rest(second.token, 'GET', '/users/@me')).status, 401);
    assert.equal((await rest(fresh, 'GET', '/users/@me')).status, 401);
    await other.screenshot({ path: join(artifacts, 'user-settings-signed-out.png') });
  });

  assert.deepEqual(problems, [], 'the pages reported problems');
  console.log('all steps passed');
} catch (err) {
  console.log(`FAILED at step "${current.step}": ${err.stack || err}`);
  if (problems.length) console.log(`problems seen:\n${problems.join('\n')}`);
  for (const [i, ctx] of browser.contexts().entries())
    for (const p of ctx.pages()) await p.screenshot({ path: join(artifacts, `user-settings-failure-${i}.png`) }).catch(() => {});
  process.exitCode = 1;
} finally {
  await browser.close();
}
