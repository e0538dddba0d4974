/**
 * `faultline explore` end to end, as a person uses it: the compiled executable serves
 * two-phase-commit, headless Chromium (test/support/chromium.ts) clicks prepare and commit steps
 * and a crash, goes back, switches to a buggy variant under the same path, lets Find reach a
 * violation, exports the path — and `faultline replay` reproduces the exported file; the file
 * loads back through the page. The page fetches nothing but the explorer's own URLs and raises no
 * error; Ctrl-C (SIGINT) ends the server with exit 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.ts';
import { BIN, faultline } from './support/cli.ts';

const OUT = join(import.meta.dirname, '..', 'test-output', 'explore-browser');

describe('faultline explore in Chromium', () => {
  let server: ChildProcess;
  let url: string;
  let browser: Browser;
  const stderr: string[] = [];

  beforeAll(async () => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    server = spawn(process.execPath, [BIN, 'explore', 'two-phase-commit', '--param', 'rms=2', '--system', 'crash-stop'], { stdio: ['ignore', 'pipe', 'pipe'] });
    server.stderr!.on('data', (d) => stderr.push(String(d)));
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout!.on('data', (d) => {
        out += String(d);
        const m = /http:\/\/\S+/.exec(out);
        if (m) resolve(m[0]);
      });
      server.once('exit', (code) => reject(new Error(`faultline explore exited with ${code}: ${stderr.join('')}`)));
    });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (server && server.exitCode === null) server.kill('SIGKILL');
  });

  /** Click a step by its label and wait for the page where it is the current step. */
  async function take(page: Page, label: string): Promise<void> {
    await page.getByRole('link', { name: label, exact: true }).click();
    await page.waitForFunction((l) => document.querySelector('#history li.current .label')?.textContent === l, label);
  }

  const current = (page: Page) => page.getAttribute('#history li.current', 'data-step').then(Number);
  const statusOf = (page: Page, property: string) => page.getAttribute(`#properties tr[data-property="${property}"] .status`, 'class');
  const budget = (page: Page, kind: string) => page.textContent(`.group[data-kind="${kind}"] .budget`);

  it('steps, a fault, back, a buggy variant, Find, export — and faultline replay reproduces the export', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    const errors: string[] = [];
    const origin = new URL(url).origin;
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
    });
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    // The page may talk to its own server and nothing else.
    await page.route('**/*', (route) => (route.request().url().startsWith(origin) ? route.continue() : route.abort()));
    page.on('requestfailed', (r) => errors.push(`request ${r.url()}`));
    await page.goto(url);
    expect(await page.textContent('h2')).toContain('enabled steps at step 0');

    // Both RMs prepare, the TM hears both and commits.
    for (const label of ['rm1: prepare', 'rm2: prepare', 'deliver Prepared rm1→tm', 'deliver Prepared rm2→tm', 'tm: commit']) await take(page, label);
    expect(await current(page)).toBe(5);
    expect(await page.locator('#chart .step').count()).toBe(6);
    expect(await page.textContent('[data-node="tm"]')).toContain('"committed"');
    expect(await statusOf(page, 'consistency')).toContain('holds');
    expect(await budget(page, 'crash')).toBe('1 of 1 left');

    // A fault: rm1 crashes; the budget is spent, the chart marks it.
    await take(page, 'crash rm1');
    expect(await budget(page, 'crash')).toBe('budget used up (1/1)');
    expect(await page.textContent('[data-node="rm1"] h3')).toContain('crashed');
    expect(await page.locator('#chart .mark.crash').count()).toBe(1);

    // Back (the ← key): before the crash, which stays ahead as the path's future.
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(() => document.querySelector('#history li.current')?.getAttribute('data-step') === '5');
    expect(await page.locator('#history li.future').allTextContents()).toEqual([expect.stringContaining('crash rm1')]);
    expect(await budget(page, 'crash')).toBe('1 of 1 left');
    expect(await page.locator('#chart .mark.crash').count()).toBe(0);

    // The buggy variant under the same path: the TM commits once some RM is prepared.
    await page.selectOption('select[name="variant"]', 'commit-on-some-prepared');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForFunction(() => document.querySelector('.notice')?.textContent?.includes('replay under it'));
    expect(await current(page)).toBe(5);
    expect(new URL(page.url()).searchParams.get('variant')).toBe('commit-on-some-prepared');

    // From the state after rm1 prepared, Find the nearest violation.
    await page.click('#history-1');
    await page.waitForFunction(() => document.querySelector('#history li.current')?.getAttribute('data-step') === '1');
    await page.click('#find-button');
    await page.waitForSelector('#banner');
    expect(await page.textContent('#banner')).toContain('consistency');
    expect(await statusOf(page, 'consistency')).toContain('violated');
    const at = await current(page);
    expect(at).toBeGreaterThan(1);
    expect(new URL(page.url()).pathname).toBe('/');
    await page.screenshot({ path: join(OUT, 'explore.png'), fullPage: true });

    // Export the path; the command line reproduces it.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a.export')]);
    const file = join(OUT, download.suggestedFilename());
    await download.saveAs(file);
    expect(JSON.parse(readFileSync(file, 'utf8')).length).toBe(at);
    const replayed = await faultline('replay', file);
    expect(replayed.stdout).toContain(`consistency (always), ${at} steps: reproduces`);
    expect(replayed.code).toBe(0);

    // The file loads back through the page, at the same step.
    await page.click('#history-0');
    await page.waitForFunction(() => document.querySelector('#history li.current')?.getAttribute('data-step') === '0');
    await page.setInputFiles('#trace-file', file);
    await page.waitForFunction(() => document.querySelector('.notice')?.textContent?.includes('Loaded the trace'));
    expect(await page.textContent('.notice')).toContain('reproduces');
    expect(await current(page)).toBe(at);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('Ctrl-C ends the server with exit code 0', async () => {
    const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
    server.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr.join('')).toBe('');
  });
});
