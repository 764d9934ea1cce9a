// A burst of messages against a server whose message limit is low (started by test_web.py with SD_BASE and
// CHROMIUM): the client waits out the 429s by itself and every message lands, in the order it was written.
import { chromium } from 'playwright-core';
import { strict as assert } from 'node:assert';

const base = process.env.SD_BASE;
const suffix = Math.random().toString(36).slice(2, 8);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, args: ['--no-sandbox'] });
const problems = [];
let limited = 0;
try {
  const page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(20000);
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('response', (r) => {
    if (r.status() === 429) limited++;
    else if (r.status() >= 400) problems.push(`${r.status()} from ${r.request().method()} ${r.url()}`);
  });
  page.on('console', (msg) => {
    // Chromium logs every refused request, the waited-out 429s included.
    if (msg.type() === 'error' && !msg.text().includes('429')) problems.push(`console error: ${msg.text()}`);
  });
  await page.goto(`${base}/`);
  await page.getByRole('button', { name: 'Register' }).click();
  await page.getByLabel('Username').fill(`pacer_${suffix}`);
  await page.getByLabel('Password').fill('correct horse battery staple');
  await page.getByRole('button', { name: 'Register', exact: true }).click();
  await page.getByRole('button', { name: 'Create a server' }).click();
  await page.getByLabel('Server name').fill(`Paced ${suffix}`);
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByRole('heading', { name: '# general' }).waitFor();
  const texts = Array.from({ length: 7 }, (_, i) => `burst ${i} ${suffix}`);
  for (const t of texts) {
    await page.locator('#composer-input').fill(t);
    await page.locator('#composer-input').press('Enter');
  }
  await page.locator('article.msg', { hasText: texts.at(-1) }).waitFor();
  const shown = await page.locator('article.msg').evaluateAll((els) => els.map((e) => e.textContent));
  const order = texts.map((t) => shown.findIndex((s) => s.includes(t)));
  assert.ok(order.every((i) => i >= 0), `missing: ${JSON.stringify(order)}`);
  assert.deepEqual(order, [...order].sort((a, b) => a - b), 'the messages keep the order they were written in');
  assert.ok(limited >= 1, 'the server never made the client wait');
  assert.equal(await page.getByRole('alert').count(), 0, 'no error was shown');
  assert.deepEqual(problems, []);
  console.log(`all messages landed in order; ${limited} answers were 429`);
} finally {
  await browser.close();
}
