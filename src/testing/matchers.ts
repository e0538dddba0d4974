/**
 * Matchers for `expect.extend(faultlineMatchers)` (vitest, or any runner with Jest-style
 * matchers): `toHold`, `toViolate`, `toHaveStateCount` and `toConform`. They judge exactly as
 * `expectHolds`, `expectViolation`, `expectStateCount` and `expectConforms` do and fail with the
 * same messages; `.not` works.
 * `faultline/vitest` registers them with vitest and declares their types.
 */
import { judgeHolds, judgeStateCount, judgeViolation, type HoldsExpectation, type Judgement, type ViolationExpectation } from './expect.ts';
import type { ModelCheck } from './check-model.ts';
import type { ConformanceResult } from './conformance.ts';
import { judgeConformance } from './conformance-report.ts';

/** The received value, which must be a result of `checkModel`. */
function modelCheck(received: unknown, matcher: string): ModelCheck {
  const r = received as Partial<ModelCheck> | null;
  if (typeof r !== 'object' || r === null || typeof r.run !== 'object' || typeof r.stats !== 'object' || !Array.isArray(r.violations)) {
    throw new TypeError(`${matcher} expects the result of checkModel(…), got ${received === null ? 'null' : typeof received === 'object' ? 'another object' : typeof received}`);
  }
  return r as ModelCheck;
}

export const faultlineMatchers = {
  /** `expect(result).toHold()` or `.toHold({ distinctStates: 288 })`: every property holds on the complete bounded space. */
  toHold(received: unknown, expected?: HoldsExpectation): Judgement {
    return judgeHolds(modelCheck(received, 'toHold'), expected);
  },
  /** `expect(result).toViolate('consistency', { steps: 5 })`: the property is violated, by a counterexample of that shape. */
  toViolate(received: unknown, property: string, expected?: ViolationExpectation): Judgement {
    return judgeViolation(modelCheck(received, 'toViolate'), property, expected);
  },
  /** `expect(result).toHaveStateCount(288)`: the search stored exactly that many distinct states. */
  toHaveStateCount(received: unknown, n: number): Judgement {
    return judgeStateCount(modelCheck(received, 'toHaveStateCount'), n);
  },
  /** `expect(await checkConformanceAsync(…)).toConform()`: the implementation behaved like the model on every behaviour run. */
  toConform(received: unknown): Judgement {
    const r = received as Partial<ConformanceResult> | null;
    if (typeof r !== 'object' || r === null || typeof r.ok !== 'boolean' || typeof r.statesCovered !== 'number') {
      throw new TypeError('toConform expects the result of checkConformance(…)');
    }
    return judgeConformance(r as ConformanceResult);
  },
};
