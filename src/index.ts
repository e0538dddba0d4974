/**
 * faultline's authoring API: everything a model module imports (`import { defineProtocol } from
 * 'faultline'`). Reusable properties are in `faultline/invariants`; checking models from tests is
 * `faultline/testing`.
 * @module
 */
export { STEP_KINDS, model, type Fairness, type Model, type ModelChecks, type ModelSystem, type StepInfo, type StepKind } from './model/model.ts';
export {
  defineModel,
  type ModelDefinition,
  type ModelSpec,
  type VariantDecl,
  type VariantSpec,
  type SystemSpec,
  type BuildConfig,
  type Params,
} from './model/definition.ts';
export {
  int,
  bool,
  oneOf,
  text,
  type Param,
  type ParamSchema,
  type ParamSpec,
  type ParamValue,
  type ParamValues,
  type IntParam,
  type BoolParam,
  type OneOfParam,
  type TextParam,
} from './model/params.ts';
export {
  always,
  transition,
  sometimes,
  eventually,
  leadsTo,
  alwaysEventually,
  type Property,
  type PropertyKind,
  type Always,
  type Transition,
  type Sometimes,
  type Eventually,
  type LeadsTo,
  type AlwaysEventually,
} from './model/property.ts';
export { InputError, ModelError } from './model/errors.ts';
export type { StateEncoding, StateCodec, CodecShare } from './state/codec.ts';
export { parseFairness, formatFairness } from './model/fairness.ts';
export { defineProtocol, NO_SYSTEM, type ProtocolModelSpec, type SystemDecl } from './protocol/definition.ts';
export {
  protocol,
  role,
  type Protocol,
  type ProtocolSpec,
  type MessageOfWorld,
  type RoleOfWorld,
  type Role,
  type Roles,
  type LocalAction,
  type Context,
  type Outcome,
  type Payload,
  type SignedPayload,
  type SignedBundle,
  type Envelope,
  type NodeId,
  type NodeDecl,
  type NodesOf,
  type NodeIdOf,
  type NodeStateOf,
  type IdsOf,
  type StateOf,
  type MessageOf,
  type WorldOf,
  type Step,
} from './protocol/types.ts';
export type { ProtocolWorld, Timer, Counter } from './protocol/world.ts';
export type { FaultConfig, NetworkSemantics, Timing, ByzantineMode } from './protocol/faults.ts';
export { check, checkAsync, type CheckOptions } from './explore/check.ts';
export type { ModelSource } from './explore/parallel/protocol.ts';
export { StopSignal, type StopReason } from './explore/stop.ts';
export type { CheckResult, Verdict, Violation, PropertyStatus, Stats } from './explore/result.ts';
export { fingerprint, fingerprintHex } from './state/fingerprint.ts';
export { buildTrace, type Trace, type TraceStep, type Path } from './trace/trace.ts';
export { readTraceFile, serializeTraceFile, traceFile, type TraceFile } from './trace/file.ts';
export { replay, describeReplay, type ReplayOutcome } from './trace/replay.ts';
export type { ParamBase } from './model/params.ts';
export type { SafetyProperty, LivenessProperty } from './model/property.ts';
export type { Bound, Strategy, PropertyState } from './explore/result.ts';
export type { LivenessWitness } from './explore/liveness.ts';
export type { Progress } from './explore/options.ts';
export type { Fingerprint } from './state/fingerprint.ts';
export type { RunInfo } from './model/run.ts';
export type { TraceRun, Counterexample, MinimizedFrom } from './trace/file.ts';
