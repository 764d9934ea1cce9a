// The web client by keyboard alone, in Debian's chromium (playwright-core): the skip link, a visible focus ring on
// every control Tab reaches, the quick switcher (Ctrl+K and ⌘K, fuzzy search, Up/Down, Enter, Escape and where
// the focus goes), Alt+Up/Down and Alt+Shift+Up/Down, Up in the empty composer to edit one's last message
// (Enter saves, Escape cancels), Escape closing menus and cancelling a reply, and the shortcut help (Ctrl+/).
// Started by test_web_a11y.py with SD_BASE, SD_ARTIFACTS and CHROMIUM; screenshots are keys-*.png.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { api, artifacts, guildWith, launch, newPage, person, signIn, suffix } from './people.mjs';
import { current, eventually as pollUntil, step } from './steps.mjs';

const TIMEOUT = 15000;
const browser = await launch();
const problems = [];
const page = await newPage(browser, problems, TIMEOUT);
const eventually = (fn, what) => pollUntil(fn, what, TIMEOUT);

const composer = () => page.locator('#composer-input');
const message = (text) => page.locator('article.msg', { hasText: text });
const heading = (name) => page.getByRole('heading', { name, exact: true }).waitFor();
/** What has the focus: its id, tag, label and text. */
const focused = () =>
  page.evaluate(() => {
    const el = document.activeElement;
    return { id: el.id, tag: el.tagName.toLowerCase(), label: el.getAttribute('aria-label') || '', text: (el.textContent || '').trim().slice(0, 40) };
  });
const switcher = () => page.getByRole('dialog', { name: 'Quick switcher' });
const options = () => switcher().getByRole('option');

try {
  let alice;
  let bob;
  let channels;
  const guildName = `Keys ${suffix}`;

  await step('people, a guild with four channels, messages and a DM (REST)', async () => {
    alice = await person(`alice_${suffix}`);
    bob = await person(`bob_${suffix}`);
    ({ channels } = await guildWith(alice, guildName, ['alpha', 'beta', 'gamma'], [bob]));
    await api(bob.token, 'POST', `/channels/${channels[0].id}/messages`, { content: 'hello from bob' });
    await api(alice.token, 'POST', `/channels/${channels[0].id}/messages`, { content: 'first from alice' });
    await api(alice.token, 'POST', `/channels/${channels[0].id}/messages`, { content: 'last from alice' });
    await api(bob.token, 'POST', `/channels/${channels[3].id}/messages`, { content: 'news in gamma' });
    const dm = await api(bob.token, 'POST', '/users/@me/channels', { recipient_id: alice.id });
    await api(bob.token, 'POST', `/channels/${dm.id}/messages`, { content: 'psst' });
    await signIn(page, alice);
    await page.getByRole('navigation', { name: 'Servers' }).getByRole('button', { name: new RegExp(`^${guildName}`) }).click();
    await heading('# general');
    await message('last from alice').waitFor();
  });

  await step('the first Tab reaches the skip link, which takes the focus to the messages', async () => {
    await page.reload();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    await page.locator('article.msg').first().waitFor();
    await page.keyboard.press('Tab');
    assert.equal((await focused()).text, 'Skip to messages');
    const box = await page.locator('.skip-link').boundingBox();
    assert.ok(box && box.y >= 0 && box.height > 10, `the skip link is on screen when focused: ${JSON.stringify(box)}`);
    await page.screenshot({ path: join(artifacts, 'keys-skip-link.png') });
    await page.keyboard.press('Enter');
    assert.equal((await focused()).id, 'messages');
    await page.getByRole('navigation', { name: 'Servers' }).getByRole('button', { name: new RegExp(`^${guildName}`) }).click();
    await heading('# general');
    await message('last from alice').waitFor();
    await page.locator('#messages').focus();
  });

  await step('every control Tab reaches shows a focus ring', async () => {
    const seen = [];
    const bare = [];
    for (let i = 0; i < 150; i++) {
      await page.keyboard.press('Tab');
      const f = await page.evaluate(() => {
        const el = document.activeElement;
        const s = getComputedStyle(el);
        const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none';
        const rect = el.getBoundingClientRect();
        const name = `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}[${el.getAttribute('aria-label') || (el.textContent || '').trim().slice(0, 24)}]`;
        return { name, ring, shown: rect.width > 0 && rect.height > 0, body: el === document.body, back: el.id === 'messages' };
      });
      if (f.back) break; // round the whole page, back to the messages
      if (f.body) continue; // past the last control: the next Tab starts again at the top
      seen.push(f.name);
      if (f.name.includes('#alpha')) await page.screenshot({ path: join(artifacts, 'keys-focus-channel.png') });
      if (f.name.includes(guildName)) await page.screenshot({ path: join(artifacts, 'keys-focus-rail.png') });
      if (!f.ring || !f.shown) bare.push(f.name);
    }
    assert.deepEqual(bare, [], 'controls without a visible focus ring');
    for (const want of ['Direct messages', guildName, '#alpha', 'composer-input', 'Log out', 'Reply', 'Edit', 'Send', 'Emoji']) {
      assert.ok(seen.some((n) => n.includes(want)), `Tab never reached ${want}: ${seen.join(', ')}`);
    }
    console.log(`    ${seen.length} controls: ${seen.join(', ')}`);
  });

  await step('Ctrl+K opens the quick switcher; a fuzzy search and Enter open a channel, the focus in the composer', async () => {
    await composer().focus();
    await page.keyboard.press('Control+k');
    await switcher().waitFor();
    assert.equal((await focused()).id, 'qs-input');
    await page.keyboard.type('gma');
    await eventually(async () => (await options().first().textContent()).includes('gamma'), '#gamma first');
    await page.screenshot({ path: join(artifacts, 'keys-switcher.png') });
    for (let i = 0; i < 3; i++) await page.keyboard.press('Backspace');
    const count = await options().count();
    assert.ok(count >= 6, `everything is listed with an empty query (${count})`);
    const selected = async () => (await switcher().locator('[role=option][aria-selected=true]').textContent()).trim();
    const first = await selected();
    await page.keyboard.press('ArrowDown');
    const second = await selected();
    assert.notEqual(second, first, 'Down moves the selection');
    assert.equal(await page.locator('#qs-input').getAttribute('aria-activedescendant'), await switcher().locator('[aria-selected=true]').getAttribute('id'));
    await page.keyboard.press('ArrowUp');
    assert.equal(await selected(), first, 'Up moves it back');
    await page.keyboard.type('#gamma');
    await page.keyboard.press('Enter');
    await heading('# gamma');
    await switcher().waitFor({ state: 'detached' });
    await message('news in gamma').waitFor();
    await eventually(async () => (await focused()).id === 'composer-input', 'the focus in the composer');
  });

  await step('⌘K opens it too; @ keeps the DMs; Escape closes it and the focus goes back', async () => {
    await page.getByRole('button', { name: 'Log out' }).focus();
    await page.keyboard.press('Meta+k');
    await switcher().waitFor();
    await page.keyboard.type(`@bob`);
    await eventually(async () => (await options().count()) === 1, 'one DM');
    assert.match(await options().first().textContent(), /Direct message/);
    await page.keyboard.press('Escape');
    await switcher().waitFor({ state: 'detached' });
    assert.equal((await focused()).label, 'Log out');
    await heading('# gamma');
  });

  await step('Alt+Up and Alt+Down step through the sidebar; Alt+Shift+Down goes to the next unread channel', async () => {
    await composer().focus();
    await page.keyboard.press('Alt+ArrowUp');
    await heading('# beta');
    await page.keyboard.press('Alt+ArrowUp');
    await heading('# alpha');
    await page.keyboard.press('Alt+ArrowDown');
    await heading('# beta');
    await api(bob.token, 'POST', `/channels/${channels[0].id}/messages`, { content: 'general news' });
    await page.getByRole('button', { name: '#general, unread' }).waitFor();
    await page.keyboard.press('Alt+Shift+ArrowDown'); // past gamma (read) and round to general
    await heading('# general');
    await message('general news').waitFor();
    assert.equal((await focused()).id, 'composer-input', 'the focus stays in the composer');
  });

  await step('Up in the empty composer edits my last message; Enter saves and the focus comes back', async () => {
    await composer().focus();
    await page.keyboard.press('ArrowUp');
    const box = page.locator('textarea.edit');
    await box.waitFor();
    assert.equal(await box.inputValue(), 'last from alice', 'my last message is the one edited');
    assert.equal(await box.evaluate((el) => el === document.activeElement), true, 'the edit box has the focus');
    await page.keyboard.type(' (by keyboard)');
    await page.screenshot({ path: join(artifacts, 'keys-edit.png') });
    await page.keyboard.press('Enter');
    await message('last from alice (by keyboard)').locator('.edited').waitFor();
    await box.waitFor({ state: 'detached' });
    await eventually(async () => (await focused()).id === 'composer-input', 'the focus back in the composer');
  });

  await step('Escape in the edit box cancels; Up does nothing when the composer has text', async () => {
    await page.keyboard.press('ArrowUp');
    const box = page.locator('textarea.edit');
    await box.waitFor();
    await page.keyboard.type(' and more');
    await page.keyboard.press('Escape');
    await box.waitFor({ state: 'detached' });
    assert.equal(await message('last from alice (by keyboard)').locator('.content').textContent(), 'last from alice (by keyboard)');
    await eventually(async () => (await focused()).id === 'composer-input', 'the focus back in the composer');
    await composer().fill('draft');
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.locator('textarea.edit').count(), 0);
    await composer().fill('');
  });

  await step('Escape cancels a reply, closes the reaction picker and the emoji panel', async () => {
    const bobs = message('hello from bob').first();
    await bobs.hover();
    await bobs.getByRole('button', { name: 'Reply', exact: true }).click();
    const bar = page.locator('.reply-bar');
    await bar.waitFor();
    await page.locator('#messages').focus(); // Escape away from the composer
    await page.keyboard.press('Escape');
    await bar.waitFor({ state: 'hidden' });
    await bobs.hover();
    await bobs.getByRole('button', { name: 'React', exact: true }).focus();
    await page.keyboard.press('Enter');
    const picker = page.getByRole('group', { name: 'Pick a reaction' });
    await picker.waitFor();
    await page.getByRole('button', { name: 'React with 👍' }).focus(); // in the picker
    await page.keyboard.press('Escape');
    await picker.waitFor({ state: 'detached' });
    await eventually(async () => (await focused()).text === 'React', 'the focus back on the React button');
    await page.getByRole('button', { name: 'Emoji', exact: true }).focus();
    await page.keyboard.press('Enter');
    const panel = page.getByRole('dialog', { name: 'Emoji' });
    await panel.waitFor();
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
    assert.equal((await focused()).label, 'Emoji');
  });

  await step('Ctrl+/ shows the shortcuts; Escape closes them and the focus goes back', async () => {
    await composer().focus();
    await page.keyboard.press('Control+/');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    assert.match(await help.textContent(), /Ctrl\+K.*Alt\+↑/s);
    assert.equal((await focused()).text, 'Close');
    await page.screenshot({ path: join(artifacts, 'keys-help.png') });
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    assert.equal((await focused()).id, 'composer-input');
  });

  await step('a dialog opened by keyboard gives the focus back when Escape closes it', async () => {
    await page.getByRole('button', { name: 'Create a server' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Create a server' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Create a server' }).waitFor({ state: 'detached' });
    assert.equal((await focused()).text.includes('Create a server') || (await focused()).label === 'Create a server', true, JSON.stringify(await focused()));
  });

  await step('the client logged no error', async () => {
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
