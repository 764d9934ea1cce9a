// axe-core (npm's @axe-core/playwright) on every view of the web client in Debian's chromium: each view of VIEWS
// is opened, screenshotted (a11y-<name>.png) and checked; a serious or critical violation fails the run, named by
// view and rule id. A new view is one more line in VIEWS. Started by test_web_a11y.py with SD_BASE, SD_ARTIFACTS
// and CHROMIUM.
import AxeBuilder from '@axe-core/playwright';
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { api, artifacts, base, guildWith, launch, newPage, person, sendPicture, signIn, suffix } from './people.mjs';
import { current, eventually, step } from './steps.mjs';

const TIMEOUT = 15000;
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const FAILING = new Set(['serious', 'critical']);
const SHOW_ALL = !!process.env.SD_AXE_ALL; // also list the minor and moderate ones (not failing)

const browser = await launch();
const problems = [];
const page = await newPage(browser, problems, TIMEOUT);
const world = {};

/** A modal dialog named name is open. */
const dialogOpen = (name) => page.getByRole('dialog', { name }).waitFor();

/** The main screen as alice, no dialog or menu open, on the guild (or, with dms, the DMs). */
async function main(p, { dms = false } = {}) {
  for (let i = 0; i < 4 && (await p.locator('dialog[open], .emoji-panel:not([hidden]), [role=menu]').count()); i++) await p.keyboard.press('Escape');
  if (!(await p.getByRole('button', { name: 'Log out' }).count())) await signIn(p, world.alice);
  await p.getByRole('navigation', { name: 'Servers' }).getByRole('button', { name: dms ? /^Direct messages/ : new RegExp(`^${world.guildName}`) }).click();
  await p.locator('article.msg').first().waitFor();
}

/** The views checked, in order: {name, open(page)}; open leaves the view on screen. */
const VIEWS = [
  {
    name: 'sign-in',
    open: async (p) => {
      await p.goto(`${base}/`);
      await p.evaluate(() => localStorage.removeItem('token'));
      await p.reload();
      await p.getByRole('heading', { name: 'Welcome back' }).waitFor();
    },
  },
  { name: 'register', open: async (p) => (await p.getByRole('button', { name: 'Register' }).click(), p.getByRole('heading', { name: 'Create an account' }).waitFor()) },
  { name: 'main', open: async (p) => (await main(p), p.locator('img.media').first().waitFor()) },
  { name: 'dms', open: (p) => main(p, { dms: true }) },
  { name: 'create-guild', open: async (p) => (await main(p), await p.getByRole('button', { name: 'Create a server' }).click(), dialogOpen('Create a server')) },
  { name: 'join', open: async (p) => (await main(p), await p.getByRole('button', { name: 'Join a server' }).click(), dialogOpen(/Join/)) },
  { name: 'invite', open: async (p) => (await main(p), await p.getByRole('button', { name: 'Invite people' }).click(), dialogOpen(/Invite/)) },
  { name: 'create-channel', open: async (p) => (await main(p), await p.getByRole('button', { name: 'Create channel' }).click(), dialogOpen(/channel/i)) },
  { name: 'settings', open: async (p) => (await main(p), await p.getByRole('button', { name: 'Settings' }).click(), dialogOpen(/settings/i)) },
  { name: 'edit-server', open: async (p) => (await main(p), await p.getByRole('button', { name: 'Edit server' }).click(), p.locator('dialog[open]').waitFor()) },
  { name: 'guild-menu', open: async (p) => (await main(p), await p.getByRole('navigation', { name: 'Servers' }).getByRole('button', { name: new RegExp(`^${world.guildName}`) }).click({ button: 'right' }), p.getByRole('menu').waitFor()) },
  { name: 'emoji-picker', open: async (p) => (await main(p), await p.getByRole('button', { name: 'Emoji', exact: true }).click(), p.getByRole('dialog', { name: 'Emoji' }).waitFor()) },
  {
    name: 'reaction-picker',
    open: async (p) => {
      await main(p);
      const m = p.locator('article.msg', { hasText: 'hello from alice' }).first();
      await m.hover();
      await m.getByRole('button', { name: 'React', exact: true }).click();
      await p.getByRole('group', { name: 'Pick a reaction' }).waitFor();
    },
  },
  { name: 'quick-switcher', open: async (p) => (await main(p), await p.keyboard.press('Control+k'), dialogOpen('Quick switcher')) },
  { name: 'keyboard-help', open: async (p) => (await main(p), await p.keyboard.press('Control+/'), dialogOpen('Keyboard shortcuts')) },
  { name: 'lightbox', open: async (p) => (await main(p), await p.getByRole('button', { name: /^Open image/ }).first().click(), p.locator('dialog.lightbox[open] img').waitFor()) },
];

/** The serious and critical violations on the page as "rule (impact): target, ..." lines. */
async function violations() {
  const result = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  if (SHOW_ALL) for (const v of result.violations) console.log(`      [${v.impact}] ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  return result.violations
    .filter((v) => FAILING.has(v.impact))
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(' | ')}`);
}

try {
  const found = [];
  await step('people, a guild with messages, a picture and a DM (REST)', async () => {
    world.alice = await person(`alice_${suffix}`);
    world.bob = await person(`bob_${suffix}`);
    world.guildName = `Axe ${suffix}`;
    const { channels } = await guildWith(world.alice, world.guildName, ['second'], [world.bob]);
    await api(world.alice.token, 'POST', `/channels/${channels[0].id}/messages`, { content: 'hello from alice' });
    await api(world.bob.token, 'POST', `/channels/${channels[0].id}/messages`, { content: `hi <@${world.alice.id}>, **bold** and \`code\`` });
    await sendPicture(world.alice.token, channels[0].id, 'a picture');
    const dm = await api(world.bob.token, 'POST', '/users/@me/channels', { recipient_id: world.alice.id });
    await api(world.bob.token, 'POST', `/channels/${dm.id}/messages`, { content: 'a direct message' });
  });

  for (const view of VIEWS) {
    await step(`axe: ${view.name}`, async () => {
      await view.open(page);
      await page.waitForTimeout(150); // transitions and late images settle
      await page.screenshot({ path: join(artifacts, `a11y-${view.name}.png`) });
      const list = await violations();
      for (const line of list) found.push(`${view.name}: ${line}`);
      console.log(`    ${view.name}: ${list.length} serious or critical`);
    });
  }

  await step('no serious or critical violation in any view', async () => {
    assert.deepEqual(found, [], `axe found:\n  ${found.join('\n  ')}`);
  });

  await step('the client logged no error', async () => {
    await eventually(() => true, 'nothing', 100);
    assert.deepEqual(problems, []);
  });
  console.log('all steps passed');
} catch (err) {
  console.log(`FAILED at step "${current.step}": ${err.stack || err}`);
  console.log(problems.join('\n'));
  process.exitCode = 1;
} finally {
  await browser.close();
}
