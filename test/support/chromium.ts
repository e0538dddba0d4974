/**
 * Headless Chromium for the browser tests, driven by playwright-core: Debian's when it is
 * installed, else the one @sparticuz/chromium ships inside its npm package (a dev dependency), so
 * `npm ci && npm test` needs nothing but Node. The tests never skip for want of a browser.
 */
import { existsSync } from 'node:fs';
import packagedChromium from '@sparticuz/chromium';
import { chromium, type Browser } from 'playwright-core';

const SYSTEM_CHROMIUM = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  // The packaged browser unpacks itself into the temporary directory on first use.
  const executablePath = existsSync(SYSTEM_CHROMIUM) ? SYSTEM_CHROMIUM : await packagedChromium.executablePath();
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
