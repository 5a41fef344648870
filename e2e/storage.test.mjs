// End-to-end: browser storage that loses nothing. Two tabs on the same plan,
// a storage that refuses every write, and a saved record that cannot be read.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { launch } from './browser.mjs';
import { checkbox, eventually, newPage, open as openPage, text, tickedSteps } from './helpers.mjs';
import { serveDist } from './serve.mjs';

let server;
let browser;

before(async () => {
  server = await serveDist();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const open = (context) => openPage(context, server);

/** The progress record stored for the plan shown. */
async function storedProgress(page) {
  const fingerprint = await page.locator('.fingerprint code').textContent();
  return page.evaluate((key) => JSON.parse(localStorage.getItem(key)), `rollplan.progress.${fingerprint}`);
}

test('two tabs on the same plan see each other\'s ticks, and neither overwrites the other', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const first = await open(context);
  const second = await open(context);

  await checkbox(first.page, 1).check();
  await eventually(() => tickedSteps(second.page), (ticked) => assert.deepEqual(ticked, [1]));
  await checkbox(second.page, 3).check();
  await eventually(() => tickedSteps(first.page), (ticked) => assert.deepEqual(ticked, [1, 3]));
  await checkbox(first.page, 1).uncheck();
  await eventually(() => tickedSteps(second.page), (ticked) => assert.deepEqual(ticked, [3]));
  const record = await storedProgress(first.page);
  assert.deepEqual(record.data, [2]);
  assert.equal(record.schema, 1);
  assert.equal(record.revision, 3, 'one revision per change, whichever tab made it');

  // A newer record the first tab has not heard of (a page gets no `storage` event for its own
  // writes): its next tick merges with it instead of overwriting it.
  const fingerprint = await first.page.locator('.fingerprint code').textContent();
  await first.page.evaluate((key) => {
    localStorage.setItem(key, JSON.stringify({ schema: 1, revision: 9, data: [2, 5] }));
  }, `rollplan.progress.${fingerprint}`);
  await checkbox(first.page, 2).check();
  await eventually(() => storedProgress(first.page), (stored) => assert.deepEqual(stored, { data: [1, 2, 5], revision: 10, schema: 1 }));
  await eventually(() => tickedSteps(first.page), (ticked) => assert.deepEqual(ticked, [2, 3, 6]));
  await eventually(() => tickedSteps(second.page), (ticked) => assert.deepEqual(ticked, [2, 3, 6]));

  assert.deepEqual(await first.problems(), []);
  assert.deepEqual(await second.problems(), []);
  await context.close();
});

test('a storage that refuses writes: the page says so, keeps ticks in memory, exports and imports them', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  await context.addInitScript(() => {
    Storage.prototype.setItem = function setItem() {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
  });
  const { page, problems } = await open(context);
  const notice = page.locator('.storage-notice.memory-only');
  await eventually(text(notice), (message) => assert.match(message, /progress will not survive a reload/));

  await checkbox(page, 1).check();
  await checkbox(page, 2).check();
  assert.deepEqual(await tickedSteps(page), [1, 2], 'the app keeps working in memory');
  const fingerprint = await page.locator('.fingerprint code').textContent();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export progress' }).click()]);
  assert.equal(download.suggestedFilename(), 'rollplan-progress.json');
  const exported = await readFile(await download.path(), 'utf8');
  assert.deepEqual(JSON.parse(exported), { kind: 'rollplan-progress', version: 1, plans: { [fingerprint]: [0, 1] } });

  await page.reload();
  await page.locator('.checklist').waitFor();
  assert.deepEqual(await tickedSteps(page), [], 'as the notice said: gone after a reload');
  const importer = page.locator('.import-progress input[type=file]');
  await importer.setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"kind":"rollplan-progress","version":1,"plans":{"xyz":[1]}}') });
  await eventually(text(page.locator('.import-message')), (message) =>
    assert.equal(message, 'Could not import broken.json: "xyz" is not a plan fingerprint (16 hex digits).'),
  );
  await importer.setInputFiles({ name: 'rollplan-progress.json', mimeType: 'application/json', buffer: Buffer.from(exported) });
  await eventually(() => tickedSteps(page), (ticked) => assert.deepEqual(ticked, [1, 2]));
  assert.equal(await page.locator('.import-message').textContent(), 'Imported the progress of 1 plan from rollplan-progress.json.');

  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await eventually(() => notice.count(), (n) => assert.equal(n, 0));
  assert.deepEqual(await problems(), []);
  await context.close();
});

test('a saved record that cannot be read is kept aside, and the user is told', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page, problems } = await newPage(context, server);
  await page.goto(server.url);
  await page.locator('.checklist').waitFor();
  const broken = '{"schema":1,"revision":4,"data":"format: 1\\ncl';
  await page.evaluate((value) => localStorage.setItem('rollplan.description', value), broken);
  await page.reload();
  await page.locator('.checklist').waitFor();

  const notice = page.locator('.storage-notice.kept-aside');
  await eventually(text(notice), (message) => assert.match(message, /rollplan\.description was copied to rollplan\.description-unreadable-1/));
  assert.equal(await page.evaluate(() => localStorage.getItem('rollplan.description-unreadable-1')), broken);
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await eventually(() => notice.count(), (n) => assert.equal(n, 0));
  assert.deepEqual(await problems(), []);
  await context.close();
});
