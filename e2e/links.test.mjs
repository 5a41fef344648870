// End-to-end: plan links, offline use, the Content-Security-Policy, exports
// and comparisons, in the bundle `cargo xtask dist` builds (dist/), served
// under a sub-path on 127.0.0.1 and driven in Chromium. Links are made by the
// command line (`rollplan link`), as a planner would make them.
//
// Run by `cargo xtask test`; by hand:
//   cargo xtask dist && cargo build -p rollplan-cli && npm ci && node --test e2e/

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';

import { launch } from './browser.mjs';
import { count, eventually, generated, newPage, open, paste, rollplan, rollplanStatus, ROOT, saved, text } from './helpers.mjs';
import { BASE_PATH, DIST, serveDist } from './serve.mjs';

const SEED = 'tests/examples/exchange-2003-two-node.yaml';
const FOUR = 'tests/examples/exchange-four-node.yaml';
/** A description of the user's own, typed in the page and saved nowhere else. */
const MINE = 'format: 1\ncluster: MINE\n# my own work, half written\n';

let server;
let browser;
let scratch;

before(async () => {
  server = await serveDist();
  browser = await launch();
  scratch = await mkdtemp(join(tmpdir(), 'rollplan-e2e-'));
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** Writes a description into the scratch directory; returns its path. */
async function scratchFile(name, content) {
  const path = join(scratch, name);
  await writeFile(path, content);
  return path;
}

/** The four-node example with NODE1 declared after NODE3: the same upgrades in another order. */
async function reorderedFour() {
  const four = await readFile(join(ROOT, FOUR), 'utf8');
  const node1 = '  - {name: NODE1, versions: {windows: "5.2.3790.3959", exchange: SP1}, capacity: 1}\n';
  assert.ok(four.includes(node1));
  return four.replace(node1, '').replace('  - {name: NODE4,', `${node1}  - {name: NODE4,`);
}

/** A page of its own in `context` where the user has typed (and so saved) MINE. */
async function withMyWork(context) {
  const opened = await open(context, server);
  await opened.page.locator('#description').fill(MINE);
  await eventually(saved(opened.page), (value) => assert.equal(value, MINE));
  return opened;
}

const editorText = (page) => () => page.locator('#description').inputValue();

test('a link made by `rollplan link` opens the same plan, beside the description the user already had', async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const mine = await withMyWork(context);
  await mine.page.close();

  const link = rollplan('link', FOUR, '--base', server.url).trim();
  assert.ok(link.startsWith(`${server.url}#r1.`), link);
  const expected = JSON.parse(rollplan('plan', '--format', 'json', FOUR));

  // Opened in a new tab, as from a mail: the same fingerprint, prominently, and the same steps.
  const { page, problems } = await newPage(context, server);
  await page.goto(link);
  await eventually(text(page.locator('.shared-banner .fingerprint-value')), (value) => assert.equal(value, expected.fingerprint));
  assert.equal(await page.locator('.shared-banner .cluster-name').textContent(), 'EXCH-CL4');
  await eventually(
    () => page.locator('.checklist .step-title').allTextContents(),
    (titles) => assert.deepEqual(titles, expected.steps.map((step) => step.title)),
  );
  assert.equal(await page.locator('.plan-meta .fingerprint code').textContent(), expected.fingerprint);
  assert.equal(await editorText(page)(), await readFile(join(ROOT, FOUR), 'utf8'));
  assert.equal(await page.locator('#description').evaluate((area) => area.readOnly), true, 'the shared description is read-only');
  assert.equal(await saved(page)(), MINE, 'the saved description is still the user\'s own');

  // A reload shows the same shared plan: its link is still the page's address.
  await page.reload();
  await eventually(text(page.locator('.shared-banner .fingerprint-value')), (value) => assert.equal(value, expected.fingerprint));
  assert.equal(page.url(), link);

  // Back to the user's own description: the link leaves the address, so a reload stays there.
  await page.getByRole('button', { name: 'Back to my description' }).click();
  await eventually(editorText(page), (value) => assert.equal(value, MINE));
  assert.equal(await page.locator('.shared-banner').count(), 0);
  assert.equal(page.url(), server.url);
  await page.reload();
  await eventually(editorText(page), (value) => assert.equal(value, MINE));

  // A link pasted over the page's own address (only `hashchange` fires) opens too.
  await page.evaluate((fragment) => {
    window.location.hash = fragment;
  }, new URL(link).hash);
  await eventually(text(page.locator('.shared-banner .fingerprint-value')), (value) => assert.equal(value, expected.fingerprint));

  // Keeping the shared one asks first, since it would replace work of the user's.
  await page.getByRole('button', { name: 'Keep the shared one' }).click();
  await eventually(text(page.locator('.shared-choice [role=alert]')), (message) =>
    assert.match(message, /replaces your own description \(3 lines\)/),
  );
  assert.equal(await saved(page)(), MINE);
  await page.getByRole('button', { name: 'Replace mine' }).click();
  await eventually(saved(page), (value) => assert.ok(value?.startsWith('# A four-node Exchange 2003 cluster')));
  assert.equal(await page.locator('.shared-banner').count(), 0);
  assert.equal(await page.locator('#description').evaluate((area) => area.readOnly), false, 'editable again');
  assert.equal(page.url(), server.url);

  assert.deepEqual(await problems(), []);
  await context.close();
});

test('damaged, newer and 2 MiB inflating links say why, and the saved description survives', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const mine = await withMyWork(context);
  await mine.page.close();

  const fragment = new URL(rollplan('link', FOUR, '--base', server.url).trim()).hash.slice(1);
  // 2 MiB of one letter, raw-deflated as links are: a short link that would inflate past the 1 MiB limit.
  const bomb = `r1.${deflateRawSync(Buffer.alloc(2 * 1024 * 1024, 'a'), { level: 9 }).toString('base64url')}`;
  assert.ok(bomb.length < 5000, `a deflate bomb is a short link (${bomb.length})`);
  const cases = [
    [fragment.slice(0, Math.floor(fragment.length / 2)), /^This plan link cannot be opened: this link is damaged \(.*\): it may have been cut short/],
    [`${fragment.slice(0, 40)}*${fragment.slice(41)}`, /this link is damaged/],
    ['r2.AAAA', /made by a newer rollplan \(link version 2; this one reads version 1\)/],
    [bomb, /larger than 1048576 bytes/],
  ];
  for (const [bad, says] of cases) {
    const { page, problems } = await newPage(context, server);
    await page.goto(`${server.url}#${bad}`);
    await eventually(text(page.locator('.link-error p')), (message) => {
      assert.match(message, says);
      assert.match(message, /Nothing was changed: your own description is as you left it\.$/);
    });
    assert.equal(await editorText(page)(), MINE);
    assert.equal(await saved(page)(), MINE);
    assert.equal(await page.locator('.shared-banner').count(), 0);
    assert.equal(page.url(), server.url, 'the bad link left the address');
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await eventually(count(page.locator('.link-error')), (n) => assert.equal(n, 0));
    assert.deepEqual(await problems(), [], bad.slice(0, 20));
    await page.close();
  }
  await context.close();
});

test('after one visit the app works with the server gone', async () => {
  // A server of its own, to stop.
  const own = await serveDist();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const { page, problems } = await open(context, own);
    // The service worker is installed (every file cached) and controls the page.
    await page.evaluate(() => navigator.serviceWorker.ready);
    await eventually(() => page.evaluate(() => navigator.serviceWorker.controller !== null), (controlled) => assert.ok(controlled));
    // The precompressed copies (.br, .gz) are the same files: the host picks one, the worker caches the file.
    const built = (await readdir(DIST)).filter((name) => name !== 'sw.js' && !/\.(br|gz)$/.test(name)).sort();
    // Served as the README sets a host up: the wasm in Brotli, which Chromium accepts.
    const wasm = built.find((name) => name.endsWith('.wasm'));
    assert.equal(own.encodings.get(`${BASE_PATH}${wasm}`), 'br', JSON.stringify([...own.encodings]));
    const cached = await page.evaluate(async () => {
      const names = await caches.keys();
      const cache = await caches.open(names.find((name) => name.startsWith('rollplan ')));
      return { names, files: (await cache.keys()).map((request) => request.url.split('/').pop()).sort() };
    });
    assert.equal(cached.names.length, 1, cached.names.join());
    assert.deepEqual(cached.files, built, 'exactly the built files are cached');

    await own.close();
    const workers = [];
    page.on('worker', (worker) => workers.push(worker.url()));
    await page.reload();
    await page.locator('.checklist').waitFor();
    await eventually(count(page.locator('.checklist > li')), (n) => assert.equal(n, 8));
    assert.equal(await page.locator('.checklist .step-title').first().textContent(), 'Pause NODE2');
    // Still a working app: typing is analysed.
    await page.locator('#description').fill((await readFile(join(ROOT, FOUR), 'utf8')));
    await eventually(count(page.locator('.checklist > li')), (n) => assert.equal(n, 18));
    // A large description is analysed by the analysis worker, whose script came from the offline copy too.
    await paste(page, generated(300));
    await eventually(text(page.locator('#plan-heading .cluster-name')), (name) => assert.equal(name, 'BIG'));
    assert.ok(workers.some((url) => url.includes('/analysis-worker-')), `workers: ${workers.join()}`);
    assert.deepEqual(await problems(), []);
  } finally {
    await context.close();
    await own.close().catch(() => {});
  }
});

test('a new deployment replaces the old one: the page at once, the offline copy once it is complete', async () => {
  // A deployment of our own (a copy of dist/), to replace.
  const deployed = join(scratch, 'deployed');
  await cp(DIST, deployed, { recursive: true });
  const own = await serveDist(deployed);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const { page, problems } = await open(context, own);
    await page.evaluate(() => navigator.serviceWorker.ready);
    const cacheNames = () => page.evaluate(() => caches.keys());
    const [first] = await eventually(cacheNames, (names) => assert.equal(names.length, 1));

    // The next deployment: another index.html, and so another sw.js (its version is a hash of the files).
    const index = join(deployed, 'index.html');
    await writeFile(index, (await readFile(index, 'utf8')).replace('<title>rollplan</title>', '<title>rollplan, next</title>'));
    const worker = join(deployed, 'sw.js');
    const version = /const VERSION = '([0-9a-f]{16})';/.exec(await readFile(worker, 'utf8'))[1];
    await writeFile(worker, (await readFile(worker, 'utf8')).replace(version, 'feedfacefeedface'));
    // A real deployment brings their precompressed copies too; these edits make the old ones stale.
    for (const stale of ['index.html', 'sw.js'].flatMap((name) => [`${name}.br`, `${name}.gz`])) {
      await rm(join(deployed, stale), { force: true });
    }

    // Online, the page is the new one at once (the page itself is fetched network-first)...
    await page.reload();
    await page.locator('.checklist').waitFor();
    assert.equal(await page.title(), 'rollplan, next');
    // ... and the new worker, once installed, replaces the old offline copy.
    const [second] = await eventually(cacheNames, (names) => {
      assert.equal(names.length, 1, names.join());
      assert.ok(names[0].endsWith(' feedfacefeedface'), names[0]);
    });
    assert.notEqual(second, first);
    // Offline, that new copy is what loads.
    await own.close();
    await page.reload();
    await page.locator('.checklist').waitFor();
    assert.equal(await page.title(), 'rollplan, next');
    assert.deepEqual(await problems(), []);
  } finally {
    await context.close();
    await own.close().catch(() => {});
  }
});

test('a script-injection node name renders as text, and the Content-Security-Policy is in force', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const injection = '<img src=x onerror=alert(1)>';
  const seed = await readFile(join(ROOT, SEED), 'utf8');
  const path = await scratchFile('injection.yaml', seed.replaceAll('NODE1', `"${injection}"`));
  const link = rollplan('link', path, '--base', server.url).trim();
  const { page, problems } = await newPage(context, server);
  await page.goto(link);
  await page.locator('.shared-banner').waitFor();
  await eventually(
    () => page.locator('.timeline-grid tbody th').allTextContents(),
    (nodes) => assert.deepEqual(nodes, [injection, 'NODE2']),
  );
  assert.equal(await page.locator('.checklist .step-title').nth(3).textContent(), `Move EVS1 from ${injection} to NODE2`);
  assert.equal(await page.locator('img').count(), 0, 'no element made from the name');

  // The policy ships with the page...
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval';/);
  assert.doesNotMatch(policy, /unsafe-inline|https?:/);
  // ... and is in force: an inline script is refused (and reported, which is then the only violation).
  const refused = await page.evaluate(
    () =>
      new Promise((resolve) => {
        document.addEventListener('securitypolicyviolation', (event) => resolve(event.violatedDirective), { once: true });
        const script = document.createElement('script');
        script.textContent = 'window.__injected = true';
        document.body.append(script);
      }),
  );
  assert.match(refused, /^script-src/);
  assert.equal(await page.evaluate(() => window.__injected), undefined);
  // That refusal, reported on the console and as a violation, is the only problem.
  const found = await problems();
  assert.equal(found.length, 2, found.join('\n'));
  assert.match(found[0], /^console error: Executing inline script violates the following Content Security Policy directive/);
  assert.match(found[1], /^CSP violation: script-src(-elem)? blocked inline$/);
  await context.close();
});

test('the comparison with a revised plan shows its reordered steps, as `rollplan compare` does', async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const revised = await scratchFile('reordered.yaml', await reorderedFour());
  const original = rollplan('link', FOUR, '--base', server.url).trim();
  const revision = rollplan('link', revised, '--base', server.url).trim();
  // The command line's moves: "~ moved from step 5 to step 13: Pause NODE1" (it exits 1: the plans differ).
  const compared = rollplanStatus('compare', FOUR, revised);
  assert.equal(compared.status, 1);
  const moves = compared.stdout
    .split('\n')
    .flatMap((line) => {
      const move = /^~ moved from step (\d+) to step (\d+): (.*)$/.exec(line);
      return move ? [`step ${move[1]} → ${move[2]} ${move[3]}`] : [];
    });
  assert.ok(moves.length > 0);

  const { page, problems } = await newPage(context, server);
  await page.goto(original);
  await page.locator('.checklist').waitFor();
  await page.locator('#compare-input').fill(revision);
  await page.locator('#compare-input').press('Enter');
  await eventually(() => page.locator('.change-group.moved li').allTextContents(), (shown) => assert.deepEqual(shown, moves));
  const fingerprint = JSON.parse(rollplan('plan', '--format', 'json', revised)).fingerprint;
  assert.match(await page.locator('.comparison-direction').textContent(), new RegExp(`to the pasted link \\(${fingerprint}\\)`));
  assert.equal(await page.locator('.summary-deltas tr').first().textContent(), 'Steps18→18');

  // The same from a file, with the plan shown as the revision (swapped): every move goes back.
  await page.locator('.compare input[type=file]').setInputFiles(revised);
  await eventually(() => page.locator('.change-group.moved li').allTextContents(), (shown) => assert.deepEqual(shown, moves));
  assert.match(await page.locator('.comparison-direction').textContent(), /to reordered\.yaml \(/);
  await page.getByRole('button', { name: 'Swap' }).click();
  await eventually(text(page.locator('.comparison-direction')), (direction) => assert.match(direction, /^From reordered\.yaml \(.*\) to the plan shown/));
  await eventually(
    () => page.locator('.change-group.moved li').allTextContents(),
    (shown) => assert.ok(shown.length > 0 && shown.every((line) => /^step \d+ → \d+ /.test(line)) && shown.join() !== moves.join(), shown.join('\n')),
  );

  // Compared with itself: the same plan.
  await page.locator('#compare-input').fill(original);
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  await eventually(text(page.locator('.comparison-same')), (same) => assert.match(same, /^The same plan/));

  assert.deepEqual(await problems(), []);
  await context.close();
});

test('exports the CLI\'s Markdown and JSON, prints, and copies a link (or shows it to copy by hand)', async () => {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  await context.addInitScript(() => {
    window.print = () => {
      window.__printed = (window.__printed ?? 0) + 1;
    };
  });
  const { page, problems } = await open(context, server);

  const download = async (button) => {
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button, exact: true }).click()]);
    return { name: file.suggestedFilename(), content: await readFile(await file.path(), 'utf8') };
  };
  assert.deepEqual(await download('Markdown'), { name: 'EXCH-CL1-plan.md', content: rollplan('plan', '--format', 'markdown', SEED) });
  assert.deepEqual(await download('JSON'), { name: 'EXCH-CL1-plan.json', content: rollplan('plan', '--format', 'json', SEED) });

  await page.getByRole('button', { name: 'Print' }).click();
  await eventually(() => page.evaluate(() => window.__printed), (printed) => assert.equal(printed, 1));

  // Copy link: on the clipboard, with its length; the same link as `rollplan link`.
  const link = rollplan('link', SEED, '--base', server.url).trim();
  assert.ok(link.length < 2000, `the seed's link is ${link.length} characters`);
  await page.getByRole('button', { name: 'Copy link' }).click();
  await eventually(text(page.locator('.share-link.copied .share-message')), (message) =>
    assert.equal(message, `Link copied to the clipboard (${link.length} characters).`),
  );
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
  await page.getByRole('button', { name: 'Done' }).click();
  await eventually(count(page.locator('.share-link')), (n) => assert.equal(n, 0));

  // Without a clipboard (an intranet host over plain http): a read-only field, selected, to copy by hand.
  const bare = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await bare.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined });
  });
  const manual = await open(bare, server);
  await manual.page.getByRole('button', { name: 'Copy link' }).click();
  const field = manual.page.locator('.share-link input.link-text');
  await eventually(() => field.inputValue(), (value) => assert.equal(value, link));
  assert.equal(await field.evaluate((input) => input.readOnly), true);
  assert.deepEqual(
    await field.evaluate((input) => [input.selectionStart, input.selectionEnd, document.activeElement === input]),
    [0, link.length, true],
  );
  assert.equal(await manual.page.locator('.share-message').textContent(), `Copy this link (${link.length} characters):`);

  assert.deepEqual(await problems(), []);
  assert.deepEqual(await manual.problems(), []);
  await bare.close();
  await context.close();
});
