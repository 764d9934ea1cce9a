// Message text in the web client, in Debian's chromium (playwright-core): the markdown fixtures
// (tests/e2e/fixtures/markdown/render.json) posted as real messages and the DOM drawn for each compared with the
// expected one; the XSS corpus (xss.json) sent as messages with a window.__pwned trap and a CSP violation
// listener installed: nothing runs and no element but the client's own appears; spoilers revealed by keyboard, a
// relative timestamp moving on, the "You are leaving" question of masked links, and the composer's :shortcode:,
// @member and #channel completions by keyboard. Started by test_web_markdown.py with SD_BASE, SD_ARTIFACTS and
// CHROMIUM. Exits non-zero on the first failed step, naming it.
import AxeBuilder from '@axe-core/playwright';
import { chromium } from 'playwright-core';
import { png as picture } from './people.mjs';
import { strict as assert } from 'node:assert';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { current, eventually as pollUntil, step } from './steps.mjs';

const base = process.env.SD_BASE;
const artifacts = process.env.SD_ARTIFACTS;
const fixtures = new URL('../fixtures/markdown/', import.meta.url);
const suffix = Math.random().toString(36).slice(2, 8);
const TIMEOUT = 15000;
const PASSWORD = 'correct horse battery staple';
const eventually = (fn, what) => pollUntil(fn, what, TIMEOUT);

/** A real PNG of size x size pixels of one colour. */
const png = (size, rgb) => picture(size, size, rgb);

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, args: ['--no-sandbox'] });
const problems = [];
const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'en-US', timezoneId: 'UTC' });
// The traps: anything a payload runs would set window.__pwned; CSP refusals are counted.
await context.addInitScript(() => {
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
});
const page = await context.newPage();
page.setDefaultTimeout(TIMEOUT);
page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
page.on('dialog', (d) => {
  problems.push(`a native dialog opened (${d.message()})`);
  d.dismiss();
});
// Emoji the payloads make up, and an animated .gif of a still upload, are not there: those 404s are expected.
const expected404 = (url) => /\/emojis\/\d+\.(gif|png)/.test(url);
page.on('response', (r) => {
  if (r.status() >= 400 && !expected404(r.url())) problems.push(`${r.status()} from ${r.request().method()} ${r.url()}`);
});
page.on('console', (msg) => {
  if (msg.type() === 'error' && !/Failed to load resource: the server responded with a status of 404/.test(msg.text())) problems.push(`console error: ${msg.text()}`);
});

async function rest(token, method, path, body) {
  const r = await fetch(`${base}/api/v10${path}`, {
    method,
    headers: { ...(token ? { Authorization: token } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** The DOM under el as the fixtures write it (run in the page). */
function normalise(el) {
  const ATTRS = ['href', 'target', 'rel', 'src', 'alt', 'start', 'role', 'tabindex', 'datetime'];
  const kids = (parent) => {
    const out = [];
    for (const c of parent.childNodes) {
      const n = c.nodeType === 3 ? c.data.replace(/[\u202f\u00a0]/g, ' ') : c.nodeType === 1 ? node(c) : null;
      if (n === null || n === '') continue;
      if (typeof n === 'string' && typeof out[out.length - 1] === 'string') out[out.length - 1] += n;
      else out.push(n);
    }
    return out;
  };
  const node = (e) => {
    const sel = [e.tagName.toLowerCase(), ...[...e.classList].sort()].join('.');
    const attrs = {};
    for (const a of ATTRS) if (e.hasAttribute(a)) attrs[a] = e.getAttribute(a);
    return Object.keys(attrs).length ? [sel, attrs, ...kids(e)] : [sel, ...kids(e)];
  };
  return { class: [...el.classList].sort().join(' '), dom: kids(el) };
}

/** What in the content is not the client's own: elements, attributes, links and images it never makes. */
function foreign(el) {
  const TAGS = new Set(['STRONG', 'EM', 'U', 'S', 'SPAN', 'A', 'CODE', 'PRE', 'BR', 'IMG', 'BLOCKQUOTE', 'H1', 'H2', 'H3', 'SMALL', 'UL', 'OL', 'LI', 'TIME', 'BUTTON']);
  const ATTRS = new Set(['class', 'href', 'target', 'rel', 'title', 'src', 'alt', 'draggable', 'role', 'tabindex', 'aria-label', 'aria-hidden', 'data-user', 'datetime', 'start', 'type']);
  const bad = [];
  for (const e of el.querySelectorAll('*')) {
    if (!TAGS.has(e.tagName)) bad.push(`<${e.tagName.toLowerCase()}>`);
    for (const a of e.attributes) {
      const roleColour = a.name === 'style' && e.matches('.mention.role') && /^--role-color: #[0-9a-f]{6};?$/.test(a.value);
      if (!ATTRS.has(a.name) && !roleColour) bad.push(`${e.tagName.toLowerCase()}[${a.name}=${a.value}]`);
    }
    if (e.tagName === 'A' && !/^https?:\/\//.test(e.getAttribute('href') || '')) bad.push(`a href=${e.getAttribute('href')}`);
    if (e.tagName === 'A' && e.getAttribute('rel') !== 'noopener noreferrer') bad.push('a without rel=noopener noreferrer');
    if (e.tagName === 'IMG' && !/^\/emojis\/\d{17,21}\.(png|gif)\?size=\d+$/.test(e.getAttribute('src') || '')) bad.push(`img src=${e.getAttribute('src')}`);
  }
  return bad;
}

/** Posts each content to the channel, a few at a time; answers the message ids in order. */
async function postAll(token, channelId, contents) {
  const ids = [];
  for (let i = 0; i < contents.length; i += 8) {
    const batch = contents.slice(i, i + 8).map((content) => rest(token, 'POST', `/channels/${channelId}/messages`, { content }));
    ids.push(...(await Promise.all(batch)).map((m) => m.id));
  }
  return ids;
}

const article = (id) => page.locator(`article.msg[data-id="${id}"]`);
const content = (id) => article(id).locator('.content');
const composer = () => page.locator('#composer-input');

try {
  let token;
  let me;
  let other;
  let guild;
  let general;
  let side;
  let role;
  let emoji;
  const vars = {};
  const fill = (s) => s.replace(/\{(\w+)\}/g, (whole, k) => (k in vars ? vars[k] : whole));
  const fillDeep = (x) => (typeof x === 'string' ? fill(x) : Array.isArray(x) ? x.map(fillDeep) : x && typeof x === 'object' ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, fillDeep(v)])) : x);

  await step('register, create a guild; a role, a custom emoji, a channel and a second member', async () => {
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByLabel('Username').fill(`md_${suffix}`);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    await page.getByRole('button', { name: 'Create a server' }).click();
    await page.getByLabel('Server name').fill(`Markdown ${suffix}`);
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByRole('heading', { name: '# general' }).waitFor();
    token = await page.evaluate(() => localStorage.getItem('token'));
    me = await rest(token, 'GET', '/users/@me');
    guild = (await rest(token, 'GET', '/users/@me/guilds')).find((g) => g.name === `Markdown ${suffix}`);
    general = (await rest(token, 'GET', `/guilds/${guild.id}/channels`)).find((c) => c.name === 'general');
    role = await rest(token, 'POST', `/guilds/${guild.id}/roles`, { name: `Mods ${suffix}`, color: 0x3498db });
    await rest(token, 'PUT', `/guilds/${guild.id}/members/${me.id}/roles/${role.id}`);
    emoji = await rest(token, 'POST', `/guilds/${guild.id}/emojis`, { name: `smidge_${suffix}`, image: `data:image/png;base64,${png(32, [240, 180, 40]).toString('base64')}` });
    side = await rest(token, 'POST', `/guilds/${guild.id}/channels`, { name: `side-${suffix}`, type: 0 });
    const otherToken = (await rest(null, 'POST', '/auth/register', { username: `other_${suffix}`, password: PASSWORD })).token;
    const invite = await rest(token, 'POST', `/channels/${general.id}/invites`, {});
    await rest(otherToken, 'POST', `/invites/${invite.code}`);
    other = await rest(otherToken, 'GET', '/users/@me');
    Object.assign(vars, {
      me: me.id,
      meName: me.global_name || me.username,
      other: other.id,
      otherName: other.global_name || other.username,
      role: role.id,
      roleName: role.name,
      chan: side.id,
      chanName: side.name,
      emoji: emoji.id,
      emojiName: emoji.name,
    });
    // The page knows the new member, channel and role before the fixtures mention them.
    await page.getByRole('button', { name: `side-${suffix}` }).first().waitFor();
    await eventually(() => page.evaluate((n) => document.body.textContent.includes(n), vars.otherName), 'the second member in the member list');
  });

  const { cases } = JSON.parse(await readFile(new URL('render.json', fixtures), 'utf8'));
  const posted = new Map(); // case name -> message id

  await step(`the ${cases.length} markdown fixtures render as expected`, async () => {
    const ids = await postAll(token, general.id, cases.map((c) => fill(c.input)));
    cases.forEach((c, i) => posted.set(c.name, ids[i]));
    for (const id of ids) await content(id).waitFor();
    const drawn = await page.evaluate(
      ({ ids, fn }) => {
        const normaliseIn = new Function(`return (${fn})`)();
        return ids.map((id) => {
          const el = document.querySelector(`article.msg[data-id="${id}"] .content`);
          return el ? normaliseIn(el) : null;
        });
      },
      { ids: cases.map((c) => posted.get(c.name)), fn: normalise.toString() },
    );
    const wrong = [];
    for (const [i, c] of cases.entries()) {
      const got = drawn[i] || { dom: null, class: null };
      const want = fillDeep(c.dom);
      try {
        assert.deepEqual(got.dom, want);
        assert.equal(got.class, c.class || 'content md');
      } catch {
        wrong.push(`${c.name}: ${JSON.stringify(c.input)}\n    want ${JSON.stringify(want)}${c.class ? ' class ' + c.class : ''}\n    got  ${JSON.stringify(got.dom)} class ${got.class}`);
      }
    }
    assert.equal(wrong.length, 0, `fixtures that differ:\n  ${wrong.join('\n  ')}`);
    await page.screenshot({ path: join(artifacts, 'markdown-render.png'), fullPage: false });
  });

  await step('a message with everything at once reads well (screenshot) and passes axe', async () => {
    const text = [
      '# Release notes',
      '**Bold**, *italic*, __underline__, ~~strike~~, ||a spoiler||, `inline code`, <@{me}>, <@&{role}>, <#{chan}> and @everyone',
      '> a quote',
      '- one',
      '  - nested',
      '1. first',
      '```js',
      'const answer = 42; // the answer',
      'console.log(`answer: ${answer}`);',
      '```',
      '-# subtext, <t:1700000000:R>, <:{emojiName}:{emoji}> and [a masked link](https://example.com/docs) 🎉',
    ].join('\n');
    const id = (await rest(token, 'POST', `/channels/${general.id}/messages`, { content: fill(text) })).id;
    await content(id).locator('pre code .hljs-keyword').first().waitFor();
    await article(id).scrollIntoViewIfNeeded();
    await article(id).screenshot({ path: join(artifacts, 'markdown-showcase.png') });
    const { violations } = await new AxeBuilder({ page }).include(`article.msg[data-id="${id}"] .content`).analyze();
    assert.deepEqual(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), []);
  });

  await step("a mention follows the member's new nickname", async () => {
    const mention = content(posted.get('mention with !')).locator('.mention');
    assert.equal(await mention.textContent(), `@${vars.otherName}`);
    await rest(token, 'PATCH', `/guilds/${guild.id}/members/${other.id}`, { nick: `Renamed ${suffix}` });
    await eventually(async () => (await mention.textContent()) === `@Renamed ${suffix}`, 'the mention to show the nickname');
    vars.otherName = `Renamed ${suffix}`;
  });

  await step('a spoiler is revealed from the keyboard (Enter), and stays revealed', async () => {
    const spoiler = content(posted.get('spoiler')).locator('.md-spoiler');
    assert.equal(await spoiler.getAttribute('aria-label'), 'Spoiler, press to reveal');
    assert.equal(await spoiler.locator('.md-spoiler-text').evaluate((e) => getComputedStyle(e).visibility), 'hidden');
    await spoiler.focus();
    assert.equal(await page.evaluate(() => document.activeElement.className), 'md-spoiler', 'the spoiler takes the focus');
    await page.keyboard.press('Enter');
    await content(posted.get('spoiler')).locator('.md-spoiler.revealed').waitFor();
    assert.equal(await content(posted.get('spoiler')).locator('.md-spoiler.revealed').textContent(), 'secret');
    assert.equal(await content(posted.get('spoiler')).locator('[role=button]').count(), 0, 'no button once revealed');
  });

  await step('timestamps have the full date as title; a relative one moves on by itself', async () => {
    const f = content(posted.get('timestamp f')).locator('time');
    assert.equal((await f.getAttribute('title')).replace(/[\u202f\u00a0]/g, ' '), 'Tuesday, November 14, 2023 at 10:13:20 PM');
    const soon = Math.floor(Date.now() / 1000) + 4;
    const id = (await rest(token, 'POST', `/channels/${general.id}/messages`, { content: `due <t:${soon}:R>` })).id;
    const t = content(id).locator('time.md-timestamp');
    await t.waitFor();
    assert.match(await t.textContent(), /^in \d seconds?$/);
    await eventually(async () => /^(now|\d seconds? ago)$/.test(await t.textContent()), 'the relative time to pass');
  });

  await step('a masked link asks before leaving; Cancel stays, Visit site opens it; plain links do not ask', async () => {
    await content(posted.get('masked link')).locator('a').click();
    const dlg = page.getByRole('dialog', { name: 'You are leaving for example.com' });
    await dlg.waitFor();
    assert.match(await dlg.textContent(), /https:\/\/example\.com\/docs/);
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Cancel', 'the focus starts on Cancel');
    await page.screenshot({ path: join(artifacts, 'markdown-leaving.png') });
    await dlg.getByRole('button', { name: 'Cancel' }).click();
    await dlg.waitFor({ state: 'detached' });
    assert.equal(context.pages().length, 1, 'Cancel opens nothing');

    const target = `${base}/favicon.svg`;
    const id = (await rest(token, 'POST', `/channels/${general.id}/messages`, { content: `[our icon](${target}?masked) and ${target}?plain` })).id;
    await content(id).locator('a').first().click();
    const here = page.getByRole('dialog', { name: `You are leaving for ${new URL(base).host}` });
    const [popup] = await Promise.all([context.waitForEvent('page'), here.getByRole('button', { name: 'Visit site' }).click()]);
    await popup.waitForLoadState();
    assert.equal(popup.url(), `${target}?masked`);
    assert.equal(await popup.evaluate(() => window.opener), null, 'no opener');
    await popup.close();
    const [direct] = await Promise.all([context.waitForEvent('page'), content(id).locator('a').nth(1).click()]);
    await direct.waitForLoadState();
    assert.equal(direct.url(), `${target}?plain`);
    await direct.close();
    assert.equal(await page.getByRole('dialog').count(), 0, 'a plain link does not ask');
  });

  const { payloads } = JSON.parse(await readFile(new URL('xss.json', fixtures), 'utf8'));
  await step(`the ${payloads.length} XSS payloads stay inert text`, async () => {
    await page.getByRole('button', { name: `side-${suffix}` }).first().click();
    await page.getByRole('heading', { name: `# side-${suffix}` }).waitFor();
    const before = await page.evaluate(() => document.querySelectorAll('script, iframe, object, embed, svg, math, style, link, form, base, meta').length);
    const ids = await postAll(token, side.id, payloads);
    for (const id of ids) await content(id).waitFor();
    const seen = await page.evaluate(
      ({ ids, fn }) => {
        const foreignIn = new Function(`return (${fn})`)();
        return ids.map((id) => {
          const el = document.querySelector(`article.msg[data-id="${id}"] .content`);
          if (!el) return null;
          const hrefs = [...el.querySelectorAll('a')].map((a) => decodeURIComponent(a.href)).join(' ');
          return { foreign: foreignIn(el), text: el.textContent, hrefs };
        });
      },
      { ids, fn: foreign.toString() },
    );
    const bad = [];
    for (const [i, p] of payloads.entries()) {
      const s = seen[i];
      if (!s) bad.push(`${JSON.stringify(p)}: not shown`);
      else if (s.foreign.length) bad.push(`${JSON.stringify(p)}: ${s.foreign.join(', ')}`);
      else if (!s.text.trim()) bad.push(`${JSON.stringify(p)}: nothing shown`);
      else if (p.includes('pwned') && !`${s.text} ${s.hrefs}`.includes('pwned')) bad.push(`${JSON.stringify(p)}: its text was dropped (${JSON.stringify(s.text)})`);
    }
    // Each link the payloads made is hovered, as a reader would.
    for (const el of await page.locator('.messages .content a').all()) await el.hover();
    await page.waitForTimeout(200);
    const after = await page.evaluate(() => ({ pwned: window.__pwned, parentPwned: window.parent.__pwned, csp: window.__csp, count: document.querySelectorAll('script, iframe, object, embed, svg, math, style, link, form, base, meta').length }));
    assert.equal(after.pwned, undefined, 'a payload ran');
    assert.deepEqual(after.csp, [], 'CSP violations');
    assert.equal(after.count, before, 'new script/iframe/object/svg/style/link/form elements in the page');
    assert.equal(bad.length, 0, `payloads that left more than text:\n  ${bad.join('\n  ')}`);
    assert.equal(await page.locator('.messages a[href^="javascript" i], .messages a[href^="data" i]').count(), 0);
    await page.screenshot({ path: join(artifacts, 'markdown-xss.png') });
  });

  await step('completions: :smi lists emoji (custom first), Down/Enter picks, Tab picks, Escape closes', async () => {
    const list = page.getByRole('listbox', { name: 'Suggestions' });
    await composer().click();
    await composer().pressSequentially(':smi', { delay: 15 });
    await list.waitFor();
    const options = list.getByRole('option');
    assert.equal(await options.first().textContent(), `:${emoji.name}:`, 'the custom emoji comes first');
    assert.equal(await options.first().getAttribute('aria-selected'), 'true');
    assert.equal(await composer().getAttribute('aria-expanded'), 'true');
    await page.screenshot({ path: join(artifacts, 'markdown-completion.png') });
    await composer().press('ArrowDown');
    assert.equal(await options.nth(1).getAttribute('aria-selected'), 'true');
    assert.equal(await composer().getAttribute('aria-activedescendant'), await options.nth(1).getAttribute('id'));
    assert.equal(await options.nth(1).textContent(), '😄:smile:');
    await composer().press('Enter'); // picks; does not send
    await list.waitFor({ state: 'detached' });
    assert.equal(await composer().inputValue(), '😄 ');
    await composer().pressSequentially(':smi', { delay: 15 });
    await list.waitFor();
    await composer().press('Tab');
    assert.equal(await composer().inputValue(), `😄 <:${emoji.name}:${emoji.id}> `);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'composer-input', 'Tab stayed in the box');
    await composer().pressSequentially(':joy', { delay: 15 });
    await list.waitFor();
    await composer().press('Escape');
    await list.waitFor({ state: 'detached' });
    assert.equal(await composer().inputValue(), `😄 <:${emoji.name}:${emoji.id}> :joy`);
    assert.equal(await composer().getAttribute('aria-expanded'), 'false');
    await composer().press('Enter'); // the list is closed: Enter sends
    await eventually(async () => (await composer().inputValue()) === '', 'the message to be sent');
    const m = page.locator('article.msg', { hasText: ':joy' }).last();
    await m.locator('.content img.emoji').waitFor();
    assert.equal(await m.locator('.content .md-emoji').textContent(), '😄');
  });

  await step('completions: @name inserts a mention, #name a channel link', async () => {
    const list = page.getByRole('listbox', { name: 'Suggestions' });
    await composer().pressSequentially(`hey @other_${suffix.slice(0, 3)}`, { delay: 15 });
    await list.getByRole('option', { name: `@${vars.otherName}` }).waitFor();
    await composer().press('Enter');
    assert.equal(await composer().inputValue(), `hey <@${other.id}> `);
    await composer().pressSequentially(`see #side`, { delay: 15 });
    await list.getByRole('option', { name: `#${side.name}` }).waitFor();
    await composer().press('Tab');
    assert.equal(await composer().inputValue(), `hey <@${other.id}> see <#${side.id}> `);
    await composer().press('Enter');
    const m = page.locator('article.msg', { hasText: `@${vars.otherName}` }).last();
    await m.locator('.content .mention', { hasText: `@${vars.otherName}` }).waitFor();
    await m.locator('.content button.mention.channel-link', { hasText: `#${side.name}` }).click(); // the channel link opens it
    await page.getByRole('heading', { name: `# side-${suffix}` }).waitFor();
  });

  assert.deepEqual(problems, [], 'problems seen in the page');
  console.log('all steps passed');
} catch (err) {
  console.error(`FAILED in step "${current.step}": ${err.stack || err}`);
  if (problems.length) console.error(`problems seen in the page:\n  ${problems.join('\n  ')}`);
  try {
    await page.screenshot({ path: join(artifacts, 'markdown-failure.png') });
  } catch {}
  process.exitCode = 1;
} finally {
  await browser.close();
}
