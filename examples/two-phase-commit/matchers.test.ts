/**
 * The same checks with vitest matchers: `import 'faultline/vitest'` registers `toHold`,
 * `toViolate` and `toHaveStateCount` (and declares them on vitest's `Assertion`).
 */
import { describe, expect, it } from 'vitest';
import { checkModel } from 'faultline/testing';
import 'faultline/vitest';

const twoPhaseCommit = new URL('../../models/two-phase-commit/index.ts', import.meta.url);

describe('two-phase commit, with matchers', () => {
  it('holds, with 6^n + 4^n + 2^n states for n = 2 RMs', async () => {
    const result = await checkModel(twoPhaseCommit, { params: { rms: 2 } });
    expect(result).toHold();
    expect(result).toHaveStateCount(6 ** 2 + 4 ** 2 + 2 ** 2);
    expect(result).not.toViolate('consistency');
  });

  it('commit-on-some-prepared violates consistency in 5 steps, and no other property first', async () => {
    const result = await checkModel(twoPhaseCommit, { variant: 'commit-on-some-prepared', params: { rms: 2 } });
    expect(result).not.toHold();
    expect(result).toViolate('consistency', { steps: 5, loop: false });
  });

  it('a failing matcher prints the counterexample', async () => {
    const result = await checkModel(twoPhaseCommit, { variant: 'commit-on-some-prepared', params: { rms: 2 } });
    expect(() => expect(result).toViolate('consistency', { steps: 3 })).toThrow(/to be violated in 3 steps, but its counterexample has 5 steps[\s\S]*\n3\. \[local\] tm: commit\n/);
    expect(() => expect(result).toHold()).toThrow(/✗ consistency \(always\) violated in 5 steps/);
  });
});
