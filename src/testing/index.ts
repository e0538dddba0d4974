/**
 * `faultline/testing`: checking models from tests. `checkModel` runs a check in-process;
 * `expectHolds` and `expectViolation` turn its result into assertions whose failure message is
 * the counterexample as `faultline check` prints it, with the command that replays it;
 * `faultlineMatchers` are the same as vitest/Jest matchers (`import 'faultline/vitest'` registers
 * them with their types). The conformance bridge tests a real implementation against a model.
 * @module
 */
export { checkModel, type CheckModelOptions, type ModelCheck, type RunOptions, type SearchOptions } from './check-model.ts';
export {
  expectHolds,
  expectViolation,
  expectStateCount,
  judgeHolds,
  judgeViolation,
  judgeStateCount,
  traceFolder,
  type HoldsExpectation,
  type ViolationExpectation,
  type Judgement,
} from './expect.ts';
export { faultlineMatchers } from './matchers.ts';
export { checkSymmetry, type SymmetryCheck, type SymmetryCheckOptions } from './symmetry-check.ts';
export { checkConformance, checkConformanceAsync, type ConformanceOptions, type ConformanceResult, type Divergence } from './conformance.ts';
export type { Adapter, AdapterStart, ConformanceStep, Driver, Handler, Maybe, WorldStepKind } from './adapter.ts';
export type { DivergenceReason } from './behaviour.ts';
export { expectConforms, formatConformance, judgeConformance } from './conformance-report.ts';
export type { ProtocolObservation } from './observation.ts';
