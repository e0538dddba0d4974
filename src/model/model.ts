/**
 * The one contract every layer shares: a transition system with properties.
 *
 * States are immutable plain data (objects, arrays, Sets, Maps, primitives). Actions are values
 * too; `actions(s)` lists the enabled ones in a deterministic order, so that a trace can be stored
 * as action indices and rebuilt by re-execution.
 */
import type { CodecShare, StateCodec } from '../state/codec.ts';
import { fingerprintInto } from '../state/fingerprint.ts';
import { PlainDataError } from '../state/plain-data.ts';
import { ModelError, blame } from './errors.ts';
import type { Property } from './property.ts';

/** Every kind of step; faults are steps like any other, so traces read as stories. */
export const STEP_KINDS = [
  'init',
  'action',
  'deliver',
  'drop',
  'duplicate',
  'partition',
  'heal',
  'crash',
  'recover',
  'pause',
  'resume',
  'tick',
  'timer',
  'local',
  'byzantine',
  'round',
] as const;

/** What kind of thing a step is. */
export type StepKind = (typeof STEP_KINDS)[number];

/** Step kinds that are injected by the fault model rather than taken by the protocol. */
export const FAULT_STEP_KINDS: ReadonlySet<StepKind> = new Set<StepKind>([
  'drop',
  'duplicate',
  'partition',
  'heal',
  'crash',
  'recover',
  'pause',
  'resume',
  'byzantine',
]);

/** Structured description of one action, for reports (swim lanes, arrows, fault marks). */
export interface StepInfo {
  readonly kind: StepKind;
  /** The node that takes the step (for local, timer, crash, …). */
  readonly node?: string;
  /** Sender and recipient of the message the step concerns (deliver, drop, duplicate, byzantine). */
  readonly from?: string;
  readonly to?: string;
  /** Short name of the message, e.g. `Prepared`. */
  readonly message?: string;
  /** Name of the action without its arguments (a local action's name, e.g. `chooseToAbort`). */
  readonly name?: string;
}

/**
 * A fairness assumption for liveness checking. It selects steps (every field given must match
 * the step's `StepInfo`) and groups them into classes; each class is then weakly fair (if it is
 * continuously enabled, it is eventually taken) or strongly fair (if it is enabled infinitely
 * often, it is taken infinitely often). Injected faults are never fair unless a model says so
 * explicitly (e.g. "partitions eventually heal": strong fairness on `heal`).
 */
export interface Fairness {
  readonly strength: 'weak' | 'strong';
  /** Step kinds selected (default: all). */
  readonly kind?: StepKind | readonly StepKind[];
  /** Only steps taken by (or delivered to) this node. */
  readonly node?: string;
  /** Only steps with this `StepInfo.name` (or, without one, this label). */
  readonly name?: string;
  /**
   * How selected steps form classes: `action` — each distinct action (by label) is its own class
   * (TLA+ `\A m: WF(Deliver(m))`, the default); `node` — one class per node; `all` — one class.
   */
  readonly per?: 'action' | 'node' | 'all';
}

export interface Model<S, A> {
  /** The initial states (usually one; several when, e.g., every traitor placement is explored). */
  init(): readonly S[];
  /** Enabled actions in `s`, in a deterministic order. */
  actions(s: S): readonly A[];
  /** The successor of `s` under `a`. Must not mutate `s`. */
  next(s: S, a: A): S;
  /** A human label for an action, e.g. `deliver Prepared rm2→tm`. */
  label(a: A): string;
  /** Structured description of an action for reports; defaults to `{ kind: 'action' }`. */
  step?(a: A): StepInfo;
  readonly properties: readonly Property<S, A>[];
  /**
   * What identifies a state for hashing (like TLC's VIEW): drop bookkeeping, or canonicalise
   * symmetric states. States with equal views are treated as one.
   */
  view?(s: S): unknown;
  /**
   * A faster alternative to `view` for models that know their identity as numbers: write the
   * state's 64-bit fingerprint (hi, lo) into `out`. Takes precedence over `view`.
   */
  fingerprint?(s: S, out: Int32Array): void;
  /**
   * The fingerprint of `next(s, a)` — exactly what `fingerprint` would give it — written into
   * `out` without building the successor; false when it cannot tell (the engine then builds it).
   * Most successors are states already seen (two-phase commit with 8 RMs: 18.5 M generated,
   * 1.7 M distinct), so a model that can say a successor's identity cheaply saves building
   * all of those. A wrong answer merges different states: only for models that derive it the
   * way `fingerprint` does (compiled protocols have one).
   */
  successorFingerprint?(s: S, a: A, out: Int32Array): boolean;
  /** What a trace shows of a state; defaults to the state itself. */
  show?(s: S): unknown;
  /** A legal end state: no enabled action here is not a deadlock. */
  terminal?(s: S): boolean;
  /**
   * The state constraint (TLC's CONSTRAINT): states outside it are reached and checked but not
   * expanded. It is part of the model's bounds, like a constant.
   */
  within?(s: S): boolean;
  /** Report non-terminal states without enabled actions (default true). */
  readonly checkDeadlock?: boolean;
  /** Participants, in lane order, for sequence charts. */
  readonly nodes?: readonly string[];
  /** Fairness assumed when checking liveness properties (none by default). */
  readonly fairness?: readonly Fairness[];
  /** The fault budgets and system-model knobs in force, reported next to the params. */
  readonly faults?: Readonly<Record<string, number | string>>;
  /**
   * How states are stored as bytes (the frontier, worker threads, checkpoints); without it, the
   * generic `v8.serialize` (see `codecOf` in state/codec.ts). Called once per thread: with no
   * arguments for fresh tables, with another thread's `share()` to use the same tables, or with
   * the directory a checkpoint `save`d them in. Protocol models have one (worlds as short
   * vectors of interned ids); a plain model gives its own through `defineModel`'s `codec`.
   */
  codec?(share?: CodecShare, savedIn?: string): StateCodec<S>;
  /**
   * Set when the model's states are identified by a reduction that keeps safety but not liveness
   * (symmetry): why. Checking a liveness property on it is refused with this reason.
   */
  readonly safetyOnly?: string;
}

/** What is checked of a plain model: the second argument of `model`. */
export interface ModelChecks<S, A> {
  /**
   * The properties. An entry may be `false`, `null` or `undefined` and is then left out, so a
   * variant's extra property reads `buggy && always(…)`.
   */
  readonly properties: readonly (Property<S, A> | false | null | undefined)[];
  /** Fairness assumed when checking liveness properties (none by default). */
  readonly fairness?: readonly Fairness[];
  /**
   * Check for deadlocks (default true): a state without enabled actions is one unless `terminal`
   * says it is a legal end state.
   */
  readonly deadlock?: boolean;
}

/** The transition system of a plain model: the first argument of `model`. */
export type ModelSystem<S, A> = Omit<Model<S, A>, 'properties' | 'fairness' | 'checkDeadlock'>;

/**
 * A plain model: its transition system, then what is checked of it. Split in two so the state
 * type, inferred from `init`, types the properties:
 *
 * ```ts
 * model(
 *   { init: () => [{ value: 0 }], actions: (s) => (s.value < 3 ? ['inc'] : []), next: (s) => ({ value: s.value + 1 }), label: (a) => a },
 *   { properties: [always('bounded', (s) => s.value <= 3)] },
 * );
 * ```
 */
export function model<S, A>(system: ModelSystem<S, A>, checks: ModelChecks<S, A>): Model<S, A> {
  const properties = checks.properties.filter((p): p is Property<S, A> => typeof p === 'object' && p !== null);
  return {
    ...system,
    properties,
    ...(checks.fairness ? { fairness: checks.fairness } : {}),
    ...(checks.deadlock === undefined ? {} : { checkDeadlock: checks.deadlock }),
  };
}

/**
 * How a search learns a successor's fingerprint before building it: the model's
 * `successorFingerprint`, used only beside its own `fingerprint` (whose answers it must give; a
 * copy of a model that replaces `fingerprint` without it is searched by building every
 * successor), and only when `everySuccessor` is false — step properties read each one anyway.
 */
export function successorIdentity<S, A>(model: Model<S, A>, everySuccessor: boolean): ((s: S, a: A, out: Int32Array) => boolean) | undefined {
  const { successorFingerprint, fingerprint } = model;
  if (everySuccessor || successorFingerprint === undefined || fingerprint === undefined) return undefined;
  return (s, a, out) => successorFingerprint.call(model, s, a, out);
}

/**
 * How a model's states are fingerprinted: its own `fingerprint`, else the generic hash of
 * `view(s)` or `s`. A throw from either hook, or a state (or view) that is not plain data, is the
 * model's error.
 */
export function identity<S, A>(model: Model<S, A>): (s: S, out: Int32Array) => void {
  const { fingerprint, view } = model;
  if (fingerprint) {
    return (s, out) => {
      try {
        fingerprint.call(model, s, out);
      } catch (e) {
        throw blame('fingerprint()', e);
      }
    };
  }
  if (view) {
    return (s, out) => {
      let v: unknown;
      try {
        v = view.call(model, s);
      } catch (e) {
        throw blame('view()', e);
      }
      hashAs('view(state)', v, out);
    };
  }
  return (s, out) => hashAs('state', s, out);
}

function hashAs(root: string, value: unknown, out: Int32Array): void {
  try {
    fingerprintInto(value, out);
  } catch (e) {
    throw e instanceof PlainDataError ? new ModelError(e.describe(root), e) : e;
  }
}

/** The step description of `a`, with the default for models that do not describe steps. */
export function stepInfo<S, A>(model: Model<S, A>, a: A): StepInfo {
  return model.step ? model.step(a) : { kind: 'action' };
}
