// Screenshots of the built app: for docs/screenshot.png, and to look at the
// layout on a laptop and a wide monitor.
//
//   cargo xtask dist && node e2e/screenshot.mjs [out-dir]
//
// Writes, in out-dir (default /tmp/rollplan-shots): page-<width>.png (the seed
// plan, whole page) and four-node-<width>.png (the plan of the four-node
// example) for 1280 and 1920 pixels wide; with SCREENSHOT_DOCS=1 also
// docs/screenshot.png: the seed plan on a 1600x1000 screen, step 1 ticked.

import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { launch } from './browser.mjs';
import { serveDist } from './serve.mjs';

const out = process.argv[2] ?? '/tmp/rollplan-shots';
await mkdir(out, { recursive: true });
const server = await serveDist();
const browser = await launch();
try {
  for (const width of [1280, 1920]) {
    const page = await browser.newPage({ viewport: { width, height: 1000 } });
    await page.goto(server.url);
    await page.locator('.checklist').waitFor();
    await page.screenshot({ path: `${out}/page-${width}.png`, fullPage: true });
    await page.selectOption('#examples', 'exchange-four-node.yaml');
    await page.locator('.timeline-grid tbody tr:nth-child(4)').waitFor();
    await page.locator('.plan').screenshot({ path: `${out}/four-node-${width}.png` });
    await page.close();
  }
  if (process.env.SCREENSHOT_DOCS === '1') {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(server.url);
    await page.getByRole('checkbox', { name: /^Step 1 done/ }).check();
    await page.locator('.checklist > li.current').filter({ hasText: 'Upgrade NODE2' }).waitFor();
    await page.mouse.move(0, 0);
    await page.screenshot({ path: fileURLToPath(new URL('../docs/screenshot.png', import.meta.url)) });
    await page.close();
  }
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
  await server.close();
}
