/**
 * Checking a shipped model from a test, as a user of the package would: this file imports only
 * the public entry points (`faultline/testing`), loads two-phase commit by its module path, pins
 * its state count, asserts a counterexample of its buggy variant, and shows that a wrong
 * expectation fails with the counterexample printed as `faultline check` prints it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkModel, expectHolds, expectViolation } from 'faultline/testing';

const twoPhaseCommit = new URL('../../models/two-phase-commit/index.ts', import.meta.url);

describe('two-phase commit, checked through faultline/testing', () => {
  it('holds at its defaults (3 RMs) with 6^n + 4^n + 2^n distinct states and depth 3n + 2', async () => {
    const result = await checkModel(twoPhaseCommit);
    // Gray & Lamport's TwoPhase with n resource managers has 6^n + 4^n + 2^n states (the closed
    // form test/two-phase-commit.test.ts confirms with an enumerator of its own for n = 1…4), and
    // its longest shortest path is 3n + 2 states: each RM prepares and its vote is received
    // (2n steps), the TM commits, and the Commit reaches each RM (n steps).
    expectHolds(result, { distinctStates: 6 ** 3 + 4 ** 3 + 2 ** 3, depth: 3 * 3 + 2 });
  });

  it('commit-on-some-prepared violates consistency in 5 steps', async () => {
    const result = await checkModel(twoPhaseCommit, { variant: 'commit-on-some-prepared' });
    // Five events, each its own step, are needed and enough: an RM prepares, the TM receives its
    // vote, the TM commits on that one vote, some RM commits on the Commit, another RM aborts.
    expectViolation(result, 'consistency', { steps: 5 });
  });

  it('a wrong expectation fails with the counterexample, step by step, and the command that replays it', async () => {
    const result = await checkModel(twoPhaseCommit, { variant: 'commit-on-some-prepared' });
    let message = '';
    try {
      expectViolation(result, 'consistency', { steps: 4 });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^expected consistency of two-phase-commit \(variant commit-on-some-prepared, rms=3\) to be violated in 4 steps, but its counterexample has 5 steps/);
    expect(message).toContain('✗ consistency failed after 5 steps');
    // Every step of the counterexample, numbered, with its label, and what it changed.
    const trace = result.violations[0].trace!;
    for (const step of trace.steps.slice(1)) {
      expect(message).toMatch(new RegExp(`^${step.index}\\. (\\[${step.kind}\\] )?${step.action.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    }
    const prepare = trace.steps.find((s) => s.name === 'prepare')!;
    expect(message).toContain(`${prepare.node}.state: "working" → "prepared"`);
    // The replay command names a trace file that was written, of this very counterexample.
    const replay = /replay: npx faultline replay (\S+\.json) --model (\S+)/.exec(message);
    expect(replay).not.toBeNull();
    expect(existsSync(replay![1])).toBe(true);
    const file = JSON.parse(readFileSync(replay![1], 'utf8'));
    expect(file).toMatchObject({ model: 'two-phase-commit', variant: 'commit-on-some-prepared', property: 'consistency', length: 5 });
    expect(file.steps.map((s: { action: string }) => s.action)).toEqual(trace.steps.map((s) => s.action));
  });

  it('expecting a buggy variant to hold fails with its counterexample', async () => {
    const result = await checkModel(twoPhaseCommit, { variant: 'prepared-rm-aborts' });
    expect(() => expectHolds(result)).toThrow(/to hold, but consistency is violated[\s\S]*✗ consistency \(always\) violated in \d+ steps[\s\S]*replay consistency: npx faultline replay/);
  });
});
