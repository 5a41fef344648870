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
  const file = JSON.parse(exported);
  assert.deepEqual({ ...file, ticked: undefined }, { kind: 'rollplan-progress', version: 2, plans: { [fingerprint]: [0, 1] }, ticked: undefined });
  assert.deepEqual(Object.keys(file.ticked[fingerprint].steps), ['0', '1'], 'what the ticked steps did travels with them');

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

test('ticks saved under an earlier release\'s plan survive the update, and a step the new plan lacks is named', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page, problems } = await open(context);
  await checkbox(page, 1).check();
  await checkbox(page, 4).check();
  const fingerprint = await page.locator('.fingerprint code').textContent();
  await eventually(
    () => page.evaluate((key) => JSON.parse(localStorage.getItem(key)), `rollplan.ticked.${fingerprint}`),
    (record) => assert.deepEqual(Object.keys(record.data.steps), ['0', '3']),
  );

  // A release whose planner differs gives the same description another fingerprint: move both
  // records to the key an earlier release would have used, with one more tick, of a step this
  // release's plan does not have.
  const earlier = '0123456789abcdef';
  await page.evaluate(({ fingerprint, earlier }) => {
    const progress = JSON.parse(localStorage.getItem(`rollplan.progress.${fingerprint}`));
    const ticked = JSON.parse(localStorage.getItem(`rollplan.ticked.${fingerprint}`));
    progress.data.push(6);
    ticked.data.steps['6'] = ['drain NODE9 EVS9:NODE9>NODE1', 'Drain NODE9: move EVS9 to NODE1'];
    localStorage.setItem(`rollplan.progress.${earlier}`, JSON.stringify(progress));
    localStorage.setItem(`rollplan.ticked.${earlier}`, JSON.stringify(ticked));
    localStorage.removeItem(`rollplan.progress.${fingerprint}`);
    localStorage.removeItem(`rollplan.ticked.${fingerprint}`);
  }, { fingerprint, earlier });
  await page.reload();
  await page.locator('.checklist').waitFor();

  await eventually(() => tickedSteps(page), (ticked) => assert.deepEqual(ticked, [1, 4]));
  const notice = page.locator('.carried-notice');
  await eventually(text(notice), (message) => {
    assert.match(message, /Of the 3 steps ticked in that plan, 2 are in this plan and are ticked here too\./);
    assert.match(message, /This ticked step is not in the plan/);
  });
  assert.deepEqual(await notice.locator('li').allTextContents(), ['Drain NODE9: move EVS9 to NODE1']);
  // The carried ticks are saved under this plan; the earlier plan's are kept as they were.
  await eventually(() => storedProgress(page), (stored) => assert.deepEqual(stored.data, [0, 3]));
  const kept = await page.evaluate((key) => JSON.parse(localStorage.getItem(key)).data, `rollplan.progress.${earlier}`);
  assert.deepEqual(kept, [0, 3, 6]);
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await eventually(() => notice.count(), (n) => assert.equal(n, 0));
  assert.deepEqual(await problems(), []);
  await context.close();
});
