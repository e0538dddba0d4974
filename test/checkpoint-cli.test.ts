/**
 * A checkpointed run of the command line killed with SIGKILL mid-way, then resumed: the resumed
 * run reaches the counts and verdict of an uninterrupted one (the one CLI test of checkpoints;
 * the rest are in-process, in parallel.test.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { models } from '../models/index.ts';
import { check } from '../src/explore/check.ts';
import { buildRun } from '../src/model/run.ts';
import { BIN, faultlineProcess } from './support/cli.ts';

const RMS = 6;
const SAFETY = ['--property', 'type-ok', '--property', 'consistency', '--property', 'deadlock'];

it('resumes a SIGKILLed checkpointed run to the counts of an uninterrupted run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-kill-'));
  try {
    const args = ['check', 'two-phase-commit', '--param', `rms=${RMS}`, ...SAFETY, '--workers', '2', '--quiet', '--json'];
    const child = spawn(process.execPath, [BIN, ...args, '--checkpoint', dir, '--checkpoint-every', '0.05'], { stdio: 'ignore' });
    const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    let exited = false;
    void ended.then(() => (exited = true));
    while (!exited && !existsSync(join(dir, 'checkpoint.json'))) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    // Killed mid-way, not after it finished.
    expect(await ended).toBe('SIGKILL');

    const resumed = faultlineProcess(process.cwd(), ...args, '--resume', dir);
    expect(resumed.stderr).toBe('');
    const json = JSON.parse(resumed.stdout);
    const tpc = models.find((m) => m.name === 'two-phase-commit')!;
    const { model } = buildRun(tpc, { model: tpc.name, variant: tpc.variants[0].name, params: { rms: RMS } });
    const whole = check(model, { properties: ['type-ok', 'consistency', 'deadlock'] });
    expect(resumed.code).toBe(0);
    expect([json.verdict, json.stats.distinctStates, json.stats.generatedStates, json.stats.depth]).toEqual([
      'holds',
      6 ** RMS + 4 ** RMS + 2 ** RMS,
      whole.stats.generatedStates,
      3 * RMS + 2,
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
