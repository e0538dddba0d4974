/**
 * Ending cleanly and keeping what was found (issue 9, items 9–11 and 13). In-process tests cover
 * the search's stop and memory checks; the rest is about the process itself, so it runs the real
 * compiled executable (dist/): Ctrl-C under a pseudo-terminal (where the progress line's exit
 * handler used to swallow it), SIGTERM, a reader that closes the pipe, a small heap, and a
 * start-up failure.
 *
 * The pseudo-terminal comes from @lydell/node-pty: node-pty with its native binary shipped inside
 * the npm package, so it installs on a machine with only Node (no compiler, no `script(1)`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pty from '@lydell/node-pty';
import { describe, expect, it } from 'vitest';
import { definition as twoPhaseCommit } from '../models/two-phase-commit/index.ts';
import { check, checkAsync } from '../src/explore/check.ts';
import { StopSignal } from '../src/explore/stop.ts';
import { instantiate } from '../src/model/definition.ts';
import { BIN as bin } from './support/cli.ts';
const tpc = (rms: number, variant = 'default') => instantiate(twoPhaseCommit, { params: { rms }, variant });

describe('a stop request ends the search with what it found', () => {
  it('cut by interrupted: partial statistics, properties unknown, exit-3 verdict', () => {
    const stop = new StopSignal();
    const r = check(tpc(5), { stop, progressIntervalMs: 0, onProgress: (p) => p.distinctStates > 2000 && stop.request('interrupted') });
    expect(r.verdict).toBe('incomplete');
    expect(r.cutBy).toBe('interrupted');
    expect(r.stats.distinctStates).toBeGreaterThan(2000);
    expect(r.stats.distinctStates).toBeLessThan(6 ** 5 + 4 ** 5 + 2 ** 5);
    expect(r.properties.every((p) => p.status === 'unknown' || (p.kind === 'sometimes' && p.status === 'holds'))).toBe(true);
  });

  it('keeps every violation found before the stop (with --all)', () => {
    const full = check(tpc(4, 'commit-on-some-prepared'), { all: true });
    const stop = new StopSignal();
    const cut = check(tpc(4, 'commit-on-some-prepared'), {
      all: true,
      stop,
      progressIntervalMs: 0,
      onProgress: (p) => p.depth > full.violations[0].trace!.steps.length && stop.request('interrupted'),
    });
    expect(cut.cutBy).toBe('interrupted');
    expect(cut.verdict).toBe('violated');
    expect(cut.stats.distinctStates).toBeLessThan(full.stats.distinctStates);
    expect(cut.violations.map((v) => v.property)).toContain(full.violations[0].property);
  });

  it('checkAsync lets a signal handler stop the search: the event loop runs while it searches', async () => {
    const stop = new StopSignal();
    setTimeout(() => stop.request('interrupted'), 50);
    const r = await checkAsync(tpc(8), { stop });
    expect(r.cutBy).toBe('interrupted');
  });

  it('stops, cut by memory and with a hint, when the heap is nearly full', () => {
    // A limit of (almost) nothing: the first poll finds the heap "full".
    const r = check(tpc(5), { heapLimit: 0.0001 });
    expect(r.cutBy).toBe('memory');
    expect(r.verdict).toBe('incomplete');
    expect(r.warnings.at(-1)).toMatch(/^the search stopped with the JavaScript heap nearly full \([\d,]+ MB\): give Node more with NODE_OPTIONS=--max-old-space-size=<MB>, or bound the search \(--max-states, --max-depth\)$/);
  });
});

/** The first JSON document of a text (the CLI prints exactly one). */
const oneJson = (text: string) => JSON.parse(text);

describe('the process', { timeout: 120_000 }, () => {
  it('Ctrl-C in a terminal stops the search, prints partial statistics and exits 3', async () => {
    const term = pty.spawn(process.execPath, [bin, 'check', 'two-phase-commit', '--param', 'rms=8'], { cols: 160, rows: 40, cwd: process.cwd(), env: { ...process.env, NO_COLOR: '1' } as Record<string, string> });
    let out = '';
    let interruptedAt = 0;
    const exit = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
    term.onData((d) => {
      out += d;
      // The progress line is drawn: the search runs, with the progress line's exit handler installed.
      if (interruptedAt === 0 && out.includes('states/s')) {
        interruptedAt = Date.now();
        term.write('\x03');
      }
    });
    const timeout = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 90_000));
    const code = await Promise.race([exit, timeout]);
    if (code === 'hung') term.kill('SIGKILL');
    expect(code).toBe(3);
    expect(Date.now() - interruptedAt).toBeLessThan(10_000);
    expect(out).toMatch(/bfs: [\d,]+ distinct states, [\d,]+ generated/);
    expect(out).toContain('verdict: incomplete — no violation found, but the search was cut by an interrupt (Ctrl-C or SIGTERM)');
  });

  it('SIGTERM with --json still prints one valid JSON object, cut by interrupted, and exits 3', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-term-'));
    const file = join(dir, 'out.json');
    // stdout to a file, stderr to the terminal: the progress line tells when the search runs.
    const term = pty.spawn('/bin/sh', ['-c', `exec "${process.execPath}" "${bin}" check two-phase-commit --param rms=8 --json 2>&1 >"${file}"`], { cols: 160, rows: 40, cwd: process.cwd(), env: process.env as Record<string, string> });
    let signalled = false;
    const exit = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
    term.onData((d) => {
      if (!signalled && d.includes('states/s')) {
        signalled = true;
        process.kill(term.pid, 'SIGTERM');
      }
    });
    expect(await exit).toBe(3);
    const out = oneJson(readFileSync(file, 'utf8'));
    expect(out.verdict).toBe('incomplete');
    expect(out.cutBy).toBe('interrupted');
    expect(out.stats.distinctStates).toBeGreaterThan(0);
  });

  it('a small heap ends in exit 3, cut by memory, with one JSON object and the hint (not a V8 crash)', () => {
    const r = spawnSync(process.execPath, ['--max-old-space-size=32', bin, 'check', 'two-phase-commit', '--param', 'rms=8', '--json'], { encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/FATAL ERROR|JavaScript heap out of memory/);
    expect(r.status).toBe(3);
    const out = oneJson(r.stdout);
    expect(out.cutBy).toBe('memory');
    expect(out.warnings.at(-1)).toMatch(/--max-old-space-size/);
  });

  it('a worker thread out of memory ends the search in exit 3, cut by memory, with partial statistics (it hung before)', () => {
    // The fixture leaks in worker threads alone: on one thread the same run completes under the same heap.
    const leaky = join(import.meta.dirname, 'fixtures', 'leaks-in-worker.ts');
    const run = (workers: number) =>
      spawnSync(process.execPath, ['--max-old-space-size=64', bin, 'check', leaky, '--param', 'rms=6', '--workers', String(workers), '--json'], {
        encoding: 'utf8',
        // A hung run (it answers SIGTERM by waiting for its threads) is killed, and fails below.
        timeout: 60_000,
        killSignal: 'SIGKILL',
      });
    const all = 6 ** 6 + 4 ** 6 + 2 ** 6;
    const alone = run(1);
    expect(alone.status).toBe(0);
    expect(oneJson(alone.stdout).stats.distinctStates).toBe(all);

    const r = run(2);
    expect(r.stderr).not.toMatch(/FATAL ERROR|heap out of memory|\n\s+at /);
    expect(r.status).toBe(3);
    const out = oneJson(r.stdout);
    expect(out.verdict).toBe('incomplete');
    expect(out.cutBy).toBe('memory');
    expect(out.stats.distinctStates).toBeGreaterThan(0);
    expect(out.stats.distinctStates).toBeLessThan(all);
    expect(out.warnings.at(-1)).toMatch(/--max-old-space-size/);
  });

  it('a reader that closes the pipe ends the output quietly; the exit code is the verdict', async () => {
    for (const [variant, verdict] of [
      ['default', 0],
      ['commit-on-some-prepared', 1],
    ] as const) {
      const child = spawn(process.execPath, [bin, 'check', 'two-phase-commit', '--variant', variant], { stdio: ['ignore', 'pipe', 'pipe'] });
      // As `| head -0`: the reader is gone before anything is written.
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stderr).toBe('');
      expect(code).toBe(verdict);
    }
  });

  it('starts under ulimit -v 8 GB (where a WebAssembly loader could not)', () => {
    const r = spawnSync('/bin/sh', ['-c', `ulimit -v 8000000 && exec "${process.execPath}" "${bin}" list`], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('two-phase-commit');
  });

  it('a start-up failure (the program cannot load: a dependency is missing) is one line and exit 2', () => {
    // The compiled program copied where no node_modules is found: importing commander fails.
    const dir = mkdtempSync(join(tmpdir(), 'faultline-broken-'));
    cpSync(join(import.meta.dirname, '..', 'dist'), join(dir, 'dist'), { recursive: true });
    const r = spawnSync(process.execPath, [join(dir, 'dist', 'src', 'cli', 'bin.js'), 'list'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^faultline: could not start: Cannot find package 'commander'[^\n]*\n$/);
  });
});
