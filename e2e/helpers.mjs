// What every end-to-end test needs: pages that record whatever goes wrong,
// waiting for the page to catch up, and the command line.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The workspace root. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The `rollplan` command line: $ROLLPLAN_CLI (`cargo xtask test` builds it), else the debug build. */
export const CLI = process.env.ROLLPLAN_CLI ?? fileURLToPath(new URL('../target/debug/rollplan', import.meta.url));

/** Runs `rollplan args...` in the workspace root and returns its standard output; fails unless it exits 0. */
export function rollplan(...args) {
  return execFileSync(CLI, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

/** `rollplan args...`'s standard output and exit status (`rollplan compare` exits 1 when plans differ). */
export function rollplanStatus(...args) {
  const { stdout, status, error } = spawnSync(CLI, args, { cwd: ROOT, encoding: 'utf8' });
  if (error) throw error;
  return { stdout, status };
}

/**
 * A new page in `context` that records failures: page errors, console errors,
 * dialogs (an `alert` is what a script injection would show), requests to any
 * origin but the app's, and Content-Security-Policy violations and error events
 * that are not exceptions (recorded in the page from its first moment, before
 * the app runs). `problems()` returns
 * them all; a test ends with `assert.deepEqual(await problems(), [])`.
 */
export async function newPage(context, server) {
  const page = await context.newPage();
  const origin = new URL(server.url).origin;
  const seen = [];
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__violations.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`);
    });
    // Errors that are not exceptions (those are page errors), such as a ResizeObserver loop.
    window.__errors = [];
    window.addEventListener('error', (event) => {
      if (event.error == null) window.__errors.push(event.message);
    });
  });
  page.on('pageerror', (error) => seen.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') seen.push(`console error: ${message.text()}`);
  });
  page.on('dialog', async (dialog) => {
    seen.push(`dialog: ${dialog.type()} ${dialog.message()}`);
    await dialog.dismiss();
  });
  page.on('request', (request) => {
    const url = request.url();
    // A download is a same-origin blob: URL.
    if (!url.startsWith(`${origin}/`) && !url.startsWith(`blob:${origin}/`)) seen.push(`request outside the app: ${url}`);
  });
  const problems = async () => {
    const [violations, errors] = page.isClosed()
      ? [[], []]
      : await page.evaluate(() => [window.__violations ?? [], window.__errors ?? []]).catch(() => [[], []]);
    return [
      ...seen,
      ...violations.map((violation) => `CSP violation: ${violation}`),
      ...errors.map((error) => `error event: ${error}`),
    ];
  };
  return { page, problems };
}

/** A fresh page (empty storage) showing the app, after its first render of a plan. */
export async function open(context, server, url = server.url) {
  const opened = await newPage(context, server);
  await opened.page.goto(url);
  await opened.page.locator('.checklist').waitFor();
  return opened;
}

/**
 * Retries `read` until `check` (an assertion) passes on its result, or rethrows
 * after `timeout` ms (5 s): the page renders a moment after each action, and analyses the text
 * a moment after typing stops.
 */
export async function eventually(read, check, { timeout = 5000 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await read();
    try {
      check(value);
      return value;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const text = (locator) => () => locator.textContent();
export const count = (locator) => () => locator.count();

/** The description saved in the page's storage: the data of its record (`{schema, revision, data}`). */
export const saved = (page) => () =>
  page.evaluate(() => {
    const raw = localStorage.getItem('rollplan.description');
    return raw === null ? null : JSON.parse(raw).data;
  });

/** Asserts nothing went wrong on the page. */
export async function assertNoProblems(problems) {
  assert.deepEqual(await problems(), []);
}

/** The checkbox of a checklist step (1-based). */
export const checkbox = (page, step) => page.getByRole('checkbox', { name: new RegExp(`^Step ${step} done:`) });

/** The numbers of the ticked checklist steps. */
export async function tickedSteps(page) {
  return page.locator('.checklist input[type=checkbox]').evaluateAll((boxes) =>
    boxes.flatMap((box, index) => (box.checked ? [index + 1] : [])),
  );
}

/** A description of `nodes` nodes named BIG, each node with one service whose owners are left out (every node). */
export function generated(nodes) {
  const lines = ['format: 1', 'cluster: BIG', 'components:', '  os:', '    target: "2.0"', '    minutes: 30', 'nodes:'];
  for (let i = 1; i <= nodes; i += 1) lines.push(`  - {name: N${i}, versions: {os: "1.0"}}`);
  lines.push('services:');
  for (let i = 1; i <= nodes; i += 1) lines.push(`  - {name: S${i}, on: N${i}}`);
  lines.push('policy:', '  max_down: 1', '  quorum: majority');
  return `${lines.join('\n')}\n`;
}

/**
 * Pastes `text` into the editor as a paste event carries it (the clipboard's
 * text in `clipboardData`), for the page to take or leave; returns whether the
 * page took it (`preventDefault`). An event made by a script inserts nothing
 * by itself, so this is for pastes the page takes: node lists too long to show.
 */
export async function pasteEvent(page, text) {
  // Handed to the page first, in a task of its own: a text of megabytes takes the page a
  // moment to receive from the test, which is no work of the page's. Long tasks recorded
  // in `window.rollplanLongTasks` until then are dropped.
  await page.evaluate((text) => {
    window.rollplanPasted = text;
  }, text);
  await page.waitForTimeout(300);
  await page.evaluate(() => window.rollplanLongTasks?.splice(0));
  return page.locator('#description').evaluate((editor) => {
    const data = new DataTransfer();
    data.setData('text/plain', window.rollplanPasted);
    delete window.rollplanPasted;
    const event = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true });
    return !editor.dispatchEvent(event);
  });
}

/** Pastes `text` over the editor's: one `input` event with the whole text, as a browser fires it. */
export async function paste(page, text) {
  await page.locator('#description').evaluate((editor, text) => {
    editor.value = text;
    editor.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
  }, text);
}

/**
 * A `kubectl get nodes -o json` of `nodes` nodes, as kubectl prints it (4-space indents): the kubeadm
 * fixture's 3 control-plane nodes and its first worker copied under new names, every field kept.
 */
export async function nodeList(nodes) {
  const fixture = new URL('../tests/import/kubeadm-3-control-plane-3-workers.json', import.meta.url);
  const list = JSON.parse(await readFile(fixture, 'utf8'));
  const [cp1, cp2, cp3, worker] = list.items;
  const workers = Array.from({ length: nodes - 3 }, (_, index) =>
    JSON.parse(JSON.stringify(worker).replaceAll('"worker-1"', JSON.stringify(`worker-${index + 1}`))),
  );
  return JSON.stringify({ ...list, items: [cp1, cp2, cp3, ...workers] }, null, 4);
}

/**
 * Records the page's main-thread tasks of 50 ms or more (Long Tasks API) in
 * `window.rollplanLongTasks`, from now on. Returns a function that resolves to
 * the durations (ms, whole) recorded since its last call, after `settle` ms:
 * a task is reported once it has ended.
 */
export async function watchLongTasks(page, settle = 300) {
  await page.evaluate(() => {
    window.rollplanLongTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.rollplanLongTasks.push(Math.round(entry.duration));
    }).observe({ type: 'longtask' });
  });
  return async () => {
    await page.waitForTimeout(settle);
    return page.evaluate(() => window.rollplanLongTasks.splice(0));
  };
}

/** Asserts that every one of `tasks` (ms) took less than `limit` ms; `what` names the moment. */
export function tasksUnder(tasks, limit, what) {
  assert.ok(Math.max(0, ...tasks) < limit, `${what}: main-thread tasks of ${tasks.join(', ')} ms`);
}
