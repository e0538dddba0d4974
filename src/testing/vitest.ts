/**
 * `import 'faultline/vitest'` (in a test file, or once in vitest's `setupFiles`): registers
 * faultline's matchers with vitest's `expect` and declares them on its `Assertion` type.
 *
 * ```ts
 * expect(checkModel(definition)).toHold({ distinctStates: 288 });
 * expect(checkModel(definition, { variant: 'commit-on-some-prepared' })).toViolate('consistency', { steps: 5 });
 * ```
 * @module
 */
import { expect } from 'vitest';
import type { HoldsExpectation, ViolationExpectation } from './expect.ts';
import { faultlineMatchers } from './matchers.ts';

expect.extend(faultlineMatchers);

declare module 'vitest' {
  interface Matchers<T = any> {
    /** Every property holds on the complete bounded space (and, when given, with these statistics). */
    toHold(expected?: HoldsExpectation): void;
    /** `property` is violated (and, when given, by a counterexample of this shape). */
    toViolate(property: string, expected?: ViolationExpectation): void;
    /** The search stored exactly `n` distinct states. */
    toHaveStateCount(n: number): void;
    /** The implementation behaved like the model on every behaviour of a conformance run. */
    toConform(): void;
  }
}
