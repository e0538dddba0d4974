/**
 * faultline's public API: what a model module imports (`import { always } from 'faultline'`).
 * @module
 */
export { STEP_KINDS, type Fairness, type Model, type StepInfo, type StepKind } from './model/model.ts';
export type { ModelDefinition, ParamSpec, VariantSpec, BuildConfig, Params, ParamValue } from './model/definition.ts';
export {
  always,
  transition,
  sometimes,
  eventually,
  leadsTo,
  alwaysEventually,
  type Property,
  type PropertyKind,
} from './model/property.ts';
export { InputError, ModelError } from './model/errors.ts';
export { parseFairness, formatFairness } from './model/fairness.ts';
export { check, checkAsync, type CheckOptions } from './explore/check.ts';
export { StopSignal, type StopReason } from './explore/stop.ts';
export type { CheckResult, Verdict, Violation, PropertyStatus, Stats } from './explore/result.ts';
export { fingerprint, fingerprintHex } from './state/fingerprint.ts';
export { buildTrace, type Trace, type TraceStep, type Path } from './trace/trace.ts';
