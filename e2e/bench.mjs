// How fast the built app (dist/) is in Chromium, for `cargo xtask bench-wasm`
// (docs/performance.md). A measurement, not a test: it prints numbers, then
// `result NAME VALUE` lines (milliseconds) that the xtask sets against the
// budgets. It exits non-zero only when something broke.
//
// (a) Navigation to the rendered seed plan: each load in a fresh context (a
//     first visit: nothing cached), served on 127.0.0.1 by serve.mjs. In the
//     page, from its first moment, a MutationObserver notes performance.now()
//     (milliseconds since navigation start) when the checklist's first step
//     enters the DOM, and again after the next frame is painted. The median of
//     ROLLPLAN_BENCH_LOADS loads (default 10), after one load to warm up.
// (b), (c) Keystroke to updated plan, in the seed (for reference) and in a
//     64-node description (the budget's case): the generated description
//     (`rollplan-bench --yaml 64`, the benches' generator) goes into the
//     editor, then single keystrokes change the plan (a digit typed into,
//     then deleted from, a component's minutes). The app measures each one
//     itself (crates/rollplan-web/src/hooks/analysis.rs): User Timing measures
//     from the input event to the updated plan painted, with the parts (waiting,
//     analysis, render, paint), read here with performance.getEntriesByName.
// (d) Tick to painted page, for reference (no budget): ticking a step in a
//     24-node cluster's plan, whose timeline (24 rows) and checklist both
//     show it; from the checkbox's click to after the next frame is painted.
// (e) Paste: a generated description set into the editor with one `input`
//     event of type `insertFromPaste`, as a paste fires it (Playwright's
//     `fill` types a multi-line text line by line, a layout each, which no
//     paste does); the app's analysis (in the analysis worker: the round
//     trip) and render measures, and the longest main-thread task (Long Tasks
//     API) until the plan is shown. Then a few keystrokes typed at its end:
//     each from its `input` event to the start of the next frame (the one
//     that draws the character), and the longest main-thread task while
//     typing and analysing.
// (f) Node inventory: a `kubectl get nodes -o json` of 500 nodes (the kubeadm
//     fixture's nodes, every field kept, its first worker copied; printed as
//     kubectl prints it, 4-space indents) pasted as a paste event carries it
//     (the page takes it, and keeps it out of the textarea); the longest
//     main-thread task while pasting, until the offer to convert it shows,
//     and from the click on "Convert" until the plan of the description it
//     became is shown.
//
// By hand: cargo xtask dist && cargo build --release -p rollplan-bench && node e2e/bench.mjs

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { launch } from './browser.mjs';
import { nodeList, pasteEvent, watchLongTasks } from './helpers.mjs';
import { serveDist } from './serve.mjs';

const LOADS = Number(process.env.ROLLPLAN_BENCH_LOADS ?? 10);
const KEYSTROKES = Number(process.env.ROLLPLAN_BENCH_KEYSTROKES ?? 20);
/** Keystrokes before those measured: the page's compiler and caches warm up. */
const WARM_UP_KEYSTROKES = 2;
const NODES = 64;
/** (e): generated descriptions pasted, and the name of their `result` lines. */
const PASTES = [['long-owners:64x20', 'paste_64x20'], ['any-owner:1000', 'paste_1000']];
/** The benches' generator: $ROLLPLAN_BENCH_BIN (the xtask sets it), else the release build. */
const BENCH_BIN =
  process.env.ROLLPLAN_BENCH_BIN ?? fileURLToPath(new URL('../target/release/rollplan-bench', import.meta.url));

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const max = (values) => Math.max(...values);
const fixed = (value) => (value === null || value === undefined ? '-' : value.toFixed(2));
const result = (name, value) => console.log(`result ${name} ${value.toFixed(3)}`);

const server = await serveDist();
const browser = await launch();
let broke = false;
try {
  await pageLoads();
  await keystrokes('(b) keystroke to updated plan, the seed (2 nodes, for reference)', 'seed_keystroke', null);
  const generated = execFileSync(BENCH_BIN, ['--yaml', String(NODES)], { encoding: 'utf8' });
  await keystrokes(`(c) keystroke to updated plan, ${NODES} nodes`, 'keystroke', generated);
  await ticks();
  for (const [name, key] of PASTES) await paste(name, key);
  await inventory(500);
} catch (error) {
  console.log(`bench.mjs: ${error.stack ?? error}`);
  broke = true;
} finally {
  await browser.close();
  await server.close();
}
process.exit(broke ? 1 : 0);

/** A fresh context (nothing cached or stored) with the app showing the seed's plan, and the page errors seen. */
async function appShowingSeed() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(server.url);
  await page.locator('.checklist > li').first().waitFor();
  return { context, page, errors };
}

/** One first visit: the Performance API's times of the first step in the DOM, and painted. */
async function loadOnce() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    await context.addInitScript(() => {
      const observer = new MutationObserver(() => {
        if (document.querySelector('.checklist > li') === null) return;
        observer.disconnect();
        const inDom = performance.now();
        // A frame callback runs just before the frame is painted; a zero timer set there, after.
        requestAnimationFrame(() =>
          setTimeout(() => {
            window.__rollplanFirstStep = { inDom, painted: performance.now() };
          }, 0),
        );
      });
      observer.observe(document, { childList: true, subtree: true });
    });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(server.url);
    const times = await (await page.waitForFunction(() => window.__rollplanFirstStep, null, { timeout: 30_000 })).jsonValue();
    const loading = await page.evaluate(() => {
      const [navigation] = performance.getEntriesByType('navigation');
      const wasm = performance.getEntriesByType('resource').find((entry) => entry.name.endsWith('.wasm'));
      return { html: navigation.responseEnd, wasm: wasm?.responseEnd ?? null };
    });
    const first = await page.locator('.checklist > li .step-title').first().textContent();
    if (first !== 'Pause NODE2') throw new Error(`the seed plan's first step is ${JSON.stringify(first)}`);
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
    return { ...times, ...loading };
  } finally {
    await context.close();
  }
}

async function pageLoads() {
  console.log(`(a) navigation to the rendered seed plan: ${LOADS} first visits (after one to warm up), ms since navigation start`);
  await loadOnce();
  const loads = [];
  for (let i = 1; i <= LOADS; i++) {
    const load = await loadOnce();
    loads.push(load);
    console.log(
      `  load ${String(i).padStart(2)}: html ${fixed(load.html)}, wasm downloaded ${fixed(load.wasm)}, ` +
        `first step in the DOM ${fixed(load.inDom)}, painted ${fixed(load.painted)}`,
    );
  }
  const painted = loads.map((load) => load.painted);
  console.log(`  median: first step in the DOM ${fixed(median(loads.map((load) => load.inDom)))}, painted ${fixed(median(painted))}; slowest painted ${fixed(max(painted))}`);
  result('load_dom_ms', median(loads.map((load) => load.inDom)));
  result('load_painted_ms', median(painted));
  result('load_painted_max_ms', max(painted));
}

/**
 * Keystrokes into `description` (null: the seed the page starts with), after its first
 * `minutes: N`; prints each and `result PREFIX_… VALUE` lines.
 */
async function keystrokes(title, prefix, description) {
  const { context, page, errors } = await appShowingSeed();
  try {
    const editor = page.locator('#description');
    if (description !== null) {
      await editor.fill(description);
      // Its first analysis waits for typing to pause (its cost is not known yet); the timeline is not
      // drawn at this size, the checklist is (the steps near the screen: it is a long one).
      await page.waitForFunction(
        (nodes) =>
          !document.querySelector('.plan.stale') &&
          Number(document.querySelector('.checklist > li.step')?.getAttribute('aria-setsize')) > nodes * 4,
        NODES,
        { timeout: 60_000 },
      );
    }
    const text = await editor.inputValue();
    console.log(`${title} (${text.length} bytes): ${KEYSTROKES} keystrokes after ${WARM_UP_KEYSTROKES} to warm up`);
    const progress = page.locator('.progress-text');
    let shown = await progress.textContent();

    // The cursor after the first `minutes: N` (a component's upgrade time): each keystroke changes the plan's minutes.
    const minutes = /minutes: \d+/.exec(text);
    if (minutes === null) throw new Error('no `minutes: N` to type into');
    const at = minutes.index + minutes[0].length;
    await editor.focus();
    await editor.evaluate((area, offset) => area.setSelectionRange(offset, offset), at);

    const measured = [];
    for (let i = 0; i < WARM_UP_KEYSTROKES + KEYSTROKES; i++) {
      const key = i % 2 === 0 ? String((i / 2) % 9 + 1) : 'Backspace';
      const before = await page.evaluate(() => performance.now());
      await page.keyboard.press(key);
      const entries = await (
        await page.waitForFunction(
          (before) => {
            const [total] = performance.getEntriesByName('rollplan:keystroke-to-plan');
            if (!total || total.startTime < before) return null;
            const duration = (name) => performance.getEntriesByName(name)[0]?.duration ?? null;
            return {
              total: total.duration,
              wait: duration('rollplan:wait'),
              analyze: duration('rollplan:analyze'),
              render: duration('rollplan:render'),
              paint: duration('rollplan:paint'),
            };
          },
          before,
          { timeout: 30_000, polling: 10 },
        )
      ).jsonValue();
      const now = await progress.textContent();
      if (now === shown) throw new Error(`the plan did not change after pressing ${key}: ${JSON.stringify(now)}`);
      shown = now;
      if (i >= WARM_UP_KEYSTROKES) measured.push(entries);
      console.log(
        `  ${i < WARM_UP_KEYSTROKES ? 'warm-up' : `key ${String(i - WARM_UP_KEYSTROKES + 1).padStart(2)}`} ${key.padEnd(9)} ` +
          `keystroke to plan ${fixed(entries.total)}: waiting ${fixed(entries.wait)}, analysis ${fixed(entries.analyze)}, ` +
          `render ${fixed(entries.render)}, paint ${fixed(entries.paint)}`,
      );
      // Let the page settle, so each keystroke is measured on its own.
      await page.waitForTimeout(50);
    }
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
    const of = (part) => measured.map((entry) => entry[part]);
    console.log(
      `  median: keystroke to plan ${fixed(median(of('total')))} (slowest ${fixed(max(of('total')))}): ` +
        `waiting ${fixed(median(of('wait')))}, analysis ${fixed(median(of('analyze')))}, ` +
        `render ${fixed(median(of('render')))}, paint ${fixed(median(of('paint')))}`,
    );
    result(`${prefix}_median_ms`, median(of('total')));
    result(`${prefix}_max_ms`, max(of('total')));
    result(`${prefix}_wait_ms`, median(of('wait')));
    result(`${prefix}_analyze_ms`, median(of('analyze')));
    result(`${prefix}_render_ms`, median(of('render')));
    result(`${prefix}_paint_ms`, median(of('paint')));
  } finally {
    await context.close();
  }
}

/** (d): ticks of the first step's checkbox (on, off, ...), each timed in the page to the painted frame. */
async function ticks() {
  const nodes = 24;
  const { context, page, errors } = await appShowingSeed();
  try {
    await page.locator('#description').fill(execFileSync(BENCH_BIN, ['--yaml', String(nodes)], { encoding: 'utf8' }));
    await page.waitForFunction(
      (nodes) => !document.querySelector('.plan.stale') && document.querySelectorAll('.timeline-grid tbody tr').length === nodes,
      nodes,
      { timeout: 60_000 },
    );
    const cells = await page.locator('.timeline-grid td.cell').count();
    console.log(`(d) tick to painted page, ${nodes} nodes (timeline with ${cells} cells rendered): ${KEYSTROKES} ticks after ${WARM_UP_KEYSTROKES} to warm up`);
    const measured = [];
    for (let i = 0; i < WARM_UP_KEYSTROKES + KEYSTROKES; i++) {
      const took = await page.evaluate(
        () =>
          new Promise((resolve) => {
            const start = performance.now();
            document.querySelector('.checklist > li.step input[type=checkbox]').click();
            requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - start), 0));
          }),
      );
      if (i >= WARM_UP_KEYSTROKES) measured.push(took);
      await page.waitForTimeout(50);
    }
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
    console.log(`  median: tick to painted page ${fixed(median(measured))} (slowest ${fixed(max(measured))})`);
    result('tick_median_ms', median(measured));
    result('tick_max_ms', max(measured));
  } finally {
    await context.close();
  }
}

/** (e): one paste of the generated description `name`, into a fresh page showing the seed. */
async function paste(name, key) {
  const { context, page, errors } = await appShowingSeed();
  try {
    const text = execFileSync(BENCH_BIN, ['--yaml', name], { encoding: 'utf8' });
    await page.evaluate(() => {
      window.rollplanLongTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.rollplanLongTasks.push(entry.duration);
      }).observe({ type: 'longtask' });
    });
    await page.evaluate((text) => {
      const editor = document.querySelector('#description');
      editor.value = text;
      editor.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
    }, text);
    const measured = await (
      await page.waitForFunction(
        () => {
          const [analyze] = performance.getEntriesByName('rollplan:analyze');
          const [render] = performance.getEntriesByName('rollplan:render');
          return analyze && render && !document.querySelector('.plan.stale')
            ? { analyze: analyze.duration, render: render.duration }
            : null;
        },
        undefined,
        { timeout: 120_000 },
      )
    ).jsonValue();
    // Long tasks are reported after they end: give the last one a moment to arrive.
    await page.waitForTimeout(500);
    const longest = await page.evaluate(() => Math.max(0, ...window.rollplanLongTasks));
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
    console.log(
      `(e) paste ${name} (${text.length} bytes): analysis ${fixed(measured.analyze)}, render ${fixed(measured.render)}, ` +
        `longest main-thread task ${fixed(longest)} ms`,
    );
    result(`${key}_longest_task_ms`, longest);

    // Then typing into it: each keystroke from its `input` event to the start of the next frame
    // (the frame that draws the character: under 16.7 ms when nothing holds the page's thread
    // longer than a frame), and every main-thread task meanwhile, the analyses included.
    await page.evaluate(() => {
      window.rollplanLongTasks = [];
      window.rollplanEchoes = [];
      document.addEventListener(
        'input',
        (event) => {
          const at = event.timeStamp;
          requestAnimationFrame(() => window.rollplanEchoes.push(performance.now() - at));
        },
        true,
      );
    });
    const editor = page.locator('#description');
    await editor.focus();
    await editor.evaluate((area) => area.setSelectionRange(area.value.length, area.value.length));
    await page.keyboard.type('# typed into', { delay: 60 });
    await page.waitForTimeout(1000);
    const typing = await page.evaluate(() => ({ echoes: window.rollplanEchoes, longest: Math.max(0, ...window.rollplanLongTasks) }));
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
    console.log(
      `    typing into it, ${typing.echoes.length} keystrokes: keystroke to its frame median ${fixed(median(typing.echoes))}, ` +
        `slowest ${fixed(max(typing.echoes))} ms; longest main-thread task ${fixed(typing.longest)} ms`,
    );
    result(`${key}_echo_median_ms`, median(typing.echoes));
    result(`${key}_echo_max_ms`, max(typing.echoes));
    result(`${key}_typing_longest_task_ms`, typing.longest);
  } finally {
    await context.close();
  }
}

/** (f): a node list of `nodes` nodes pasted, offered and converted. */
async function inventory(nodes) {
  const text = await nodeList(nodes);
  const { context, page, errors } = await appShowingSeed();
  try {
    const longTasks = await watchLongTasks(page, 500);
    const longest = async () => Math.max(0, ...(await longTasks()));
    // As the clipboard's text in a paste event: the page takes it (the editor never holds it).
    if (!(await pasteEvent(page, text))) throw new Error('the page did not take the paste');
    const pasted = await longest();
    await page.locator('.inventory-offer button.primary').waitFor({ timeout: 120_000 });
    const offered = await longest();
    await page.locator('.inventory-offer button.primary').click();
    await page.locator('.plan-summary').waitFor({ timeout: 120_000 });
    await page.waitForFunction(() => !document.querySelector('.plan.stale'), undefined, { timeout: 120_000 });
    const converted = await longest();
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
    console.log(
      `(f) node inventory, ${nodes} nodes (${text.length} bytes): longest main-thread task pasting ${fixed(pasted)}, ` +
        `until the offer ${fixed(offered)}, converting until the plan ${fixed(converted)} ms`,
    );
    result('inventory_paste_longest_task_ms', pasted);
    result('inventory_offer_longest_task_ms', offered);
    result('inventory_convert_longest_task_ms', converted);
  } finally {
    await context.close();
  }
}
