// Screenshots of the built app, to look at the layout and for docs/screenshot.png.
//
//   cargo xtask dist && node e2e/screenshot.mjs [out-dir]
//
// Writes page-<width>.png for a laptop and a wide monitor (seed plan, full
// page) and four-node-<width>.png (the four-node example), plus
// docs/screenshot.png when SCREENSHOT_DOCS=1.

import { mkdir } from 'node:fs/promises';
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
    await page.waitForSelector('.checklist');
    await page.screenshot({ path: `${out}/page-${width}.png`, fullPage: true });
    if (width === 1280 && process.env.SCREENSHOT_DOCS === '1') {
      await page.screenshot({ path: new URL('../docs/screenshot.png', import.meta.url).pathname });
    }
    await page.selectOption('select', 'exchange-four-node.yaml');
    await page.waitForSelector('.timeline-grid tbody tr:nth-child(4)');
    await page.locator('.plan').screenshot({ path: `${out}/four-node-${width}.png` });
    await page.close();
  }
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
  await server.close();
}
