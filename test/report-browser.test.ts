/** The HTML report in a real browser, headless (test/support/chromium.ts). It never skips. */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check } from '../src/explore/check.ts';
import { instantiate } from '../src/model/definition.ts';
import { writeReports, type WrittenReport } from '../src/report/write.ts';
import { definition as hostile, NODES as HOSTILE_NODES, PROPERTY as HOSTILE_PROPERTY } from './fixtures/hostile.ts';
import { definition as rw } from './fixtures/replicated-write.ts';
import { launchChromium } from './support/chromium.ts';

const OUT = join(import.meta.dirname, '..', 'test-output', 'browser');

function report(def: typeof rw | typeof hostile, variant: string, params: Record<string, number>, options = {}): WrittenReport {
  const model = instantiate(def as typeof rw, { params, variant });
  const result = check(model, options);
  const [written] = writeReports(OUT, { model: def.name, variant, params }, result, { nodes: model.nodes });
  return written;
}

interface Watched {
  readonly page: Page;
  readonly dialogs: string[];
  readonly errors: string[];
}

describe('HTML report in Chromium', () => {
  let browser: Browser;
  let rich: WrittenReport;
  let bad: WrittenReport;

  beforeAll(async () => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    // A random walk under many faults: messages, a pause, a partition, a tick and a crash.
    const params = { drops: 1, dups: 1, crashes: 1, partitions: 1, pauses: 1, maxTime: 1 };
    rich = report(rw, 'ack-before-replicate', params, { strategy: 'random', seed: 3 });
    bad = report(hostile, 'default', {});
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  async function open(path: string): Promise<Watched> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const dialogs: string[] = [];
    const errors: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    // Anything but the file itself would be a network fetch.
    await page.route('**/*', (route) => (route.request().url() === pathToFileURL(path).href ? route.continue() : route.abort()));
    page.on('requestfailed', (r) => errors.push(`request ${r.url()}`));
    await page.goto(pathToFileURL(path).href);
    return { page, dialogs, errors };
  }

  it('one lane per node; selecting a step highlights its row and shows its diff', async () => {
    const { page, dialogs, errors } = await open(rich.html);
    const file = rich.file;
    const lanes = await page.$$eval('#chart svg .lane', (els) => els.map((e) => e.getAttribute('data-lane')));
    expect(lanes).toEqual(file.nodes);

    // The crash: the primary goes down and loses its volatile value.
    const k = file.steps.findIndex((s) => s.kind === 'crash' && s.node === 'primary');
    expect(k).toBeGreaterThan(0);
    await page.click(`#steps li[data-step="${k}"]`);
    const visible = await page.$$eval('#diff .step-diff', (els) => els.filter((e) => !(e as HTMLElement).hidden).map((e) => e.getAttribute('data-step')));
    expect(visible).toEqual([String(k)]);
    const panel = await page.textContent(`#diff .step-diff[data-step="${k}"]`);
    expect(panel).toContain(`Step ${k}: crash primary`);
    expect(panel).toMatch(/primary\.up\s*true\s*false/);
    expect(await page.$$eval('#chart .step.selected', (els) => els.map((e) => e.getAttribute('data-step')))).toEqual([String(k)]);
    expect(await page.$$eval('#steps li.selected', (els) => els.map((e) => e.getAttribute('data-step')))).toEqual([String(k)]);
    // The inline stylesheet applied (its CSP hash matched): the selected row is filled.
    const fill = await page.$eval('#chart .step.selected .row-bg', (e) => getComputedStyle(e).fill);
    expect(fill).not.toMatch(/transparent|none|rgba\(0, 0, 0, 0\)/);

    // Keyboard: the step before it, then the first step.
    await page.keyboard.press('ArrowUp');
    expect(await page.$$eval('#chart .step.selected', (els) => els.map((e) => e.getAttribute('data-step')))).toEqual([String(k - 1)]);
    expect(await page.textContent(`#diff .step-diff[data-step="${k - 1}"]`)).toContain(`Step ${k - 1}: ${file.steps[k - 1].action}`);
    await page.keyboard.press('Home');
    expect(await page.$$eval('#steps li.selected', (els) => els.map((e) => e.getAttribute('data-step')))).toEqual(['0']);

    // The explore command follows the selection: the first step is --step 0, the last needs no --step.
    const explore = () => page.textContent('#explore-command');
    expect(await explore()).toMatch(/ --trace \S+ --step 0$/);
    await page.keyboard.press('End');
    expect(await explore()).toMatch(/ --trace \S+\.json$/);

    // Clicking a row of the chart selects it too.
    await page.click(`#chart .step[data-step="${k}"] .row-label`);
    expect(await page.$$eval('#steps li.selected', (els) => els.map((e) => e.getAttribute('data-step')))).toEqual([String(k)]);
    expect(await explore()).toMatch(k === file.length ? / --trace \S+\.json$/ : new RegExp(` --step ${k}$`));
    await page.click(`#chart .step[data-step="${k - 1}"] .row-label`);
    expect(await explore()).toMatch(new RegExp(` --step ${k - 1}$`));

    await page.screenshot({ path: join(OUT, 'report.png'), fullPage: true });
    expect(existsSync(join(OUT, 'report.png'))).toBe(true);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 30_000);

  it('markup from the model stays text: no dialog, no injected element', async () => {
    const { page, dialogs, errors } = await open(bad.html);
    const lanes = await page.$$eval('#chart svg .lane', (els) => els.map((e) => e.getAttribute('data-lane')));
    expect(lanes).toEqual(HOSTILE_NODES);
    expect(await page.$$eval('script', (els) => els.length)).toBe(1);
    expect(await page.$$eval('img, b, i', (els) => els.length)).toBe(0);
    expect(await page.$$eval('body svg', (els) => els.filter((e) => e.hasAttribute('onload')).length)).toBe(0);
    expect(await page.textContent('h1')).toContain(HOSTILE_PROPERTY);
    for (let i = 0; i < bad.file.steps.length; i++) await page.click(`#steps li[data-step="${i}"]`);
    await page.screenshot({ path: join(OUT, 'hostile.png'), fullPage: true });
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 30_000);
});
