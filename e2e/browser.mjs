// Launches the system's Chromium through playwright-core (which never downloads
// a browser): headless, sandbox off (CI runs as root), and with Chromium's own
// background traffic (updates, sync, safe browsing lists) turned off, so the
// only requests are the page's.

import { chromium } from 'playwright-core';

/** The Chromium to drive: $CHROMIUM, else Debian's. */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
