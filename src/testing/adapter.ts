/**
 * The adapter between a model and a real implementation, for conformance tests: a function per
 * kind of step that drives the implementation, and `observe`, which reads it back in the model's
 * terms. A step finds its handler by what it is — a local action (or a plain model's action) by
 * name in `actions`, a delivery by message type in `messages`, a timer by name in `timers`,
 * anything else (a fault, a clock tick, a round) by kind in `faults`.
 */
import type { Params } from '../model/definition.ts';
import type { Model, StepInfo, StepKind } from '../model/model.ts';
import type { Payload, Step } from '../protocol/types.ts';
import { World } from '../protocol/world.ts';

/** One step of a behaviour, as a driver sees it. */
export interface ConformanceStep extends StepInfo {
  /** The step's label, as traces show it (`deliver Prepared rm1→tm`). */
  readonly label: string;
  /** The message, for a protocol's deliver, drop, duplicate and Byzantine steps. */
  readonly payload?: Payload;
  /** The argument of a local action that has choices. */
  readonly choice?: unknown;
  /** The model's own action value (what a plain model's `next` receives). */
  readonly action: unknown;
}

/** Steps that are neither a local action, a message nor a timer: what the world does (faults, clock ticks, rounds). */
export type WorldStepKind = Exclude<StepKind, 'init' | 'action' | 'local' | 'deliver' | 'timer'>;

/** A value, or (for an async adapter) a promise of it. */
export type Maybe<T, Async extends boolean> = Async extends true ? T | PromiseLike<T> : T;

/** Drives one step on the implementation; `R` is `void`, or for an async adapter `void | PromiseLike<void>`. */
export type Driver<I, R = void> = (impl: I, step: ConformanceStep) => R;

/** A driver, or `'internal'`: the implementation takes this step by itself, so it is never driven. */
export type Handler<I, R = void> = Driver<I, R> | 'internal';

/** What `create` is told about the behaviour about to run. */
export interface AdapterStart<P, V> {
  readonly params: P;
  readonly variant: V;
  /** The model's participants (protocols), in order. */
  readonly nodes: readonly string[];
  /** The model's initial state the behaviour starts from. */
  readonly state: unknown;
}

/** How to drive an implementation `I` and read it back as an observation `O`; with `Async`, any function may return a promise. */
export interface Adapter<I, O, P = Params, V = string, Async extends boolean = false> {
  /** A fresh implementation in the model's initial state. */
  create(start: AdapterStart<P, V>): Maybe<I, Async>;
  readonly actions?: Readonly<Record<string, Handler<I, Maybe<void, Async>>>>;
  readonly messages?: Readonly<Record<string, Handler<I, Maybe<void, Async>>>>;
  readonly timers?: Readonly<Record<string, Handler<I, Maybe<void, Async>>>>;
  readonly faults?: { readonly [K in WorldStepKind]?: Handler<I, Maybe<void, Async>> };
  /**
   * The implementation's state in the model's terms: for a protocol, by default, a
   * `ProtocolObservation` (`{ nodes: { tm: {...}, rm1: {...} }, inFlight?, crashed? }`); for a
   * plain model, a model state; or whatever `expected` projects the model's states to.
   */
  observe(impl: I): Maybe<O, Async>;
  /** Release the implementation after a behaviour. */
  dispose?(impl: I): Maybe<void, Async>;
}

/** Any adapter, as the bridge handles them. */
export type AnyAdapter = Adapter<any, any, any, any, boolean>;

/** Where a handler is declared: `messages.Prepared`, `faults.crash`. */
function slot(group: string, key: string): string {
  return `${group}${/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`}`;
}

/** The handler of a step, and where it is (or would be) declared. */
export function handlerOf(adapter: AnyAdapter, info: StepInfo, label: string): { readonly where: string; readonly handler?: Handler<any, unknown> } {
  const lookup = (table: Readonly<Record<string, Handler<any, unknown>>> | undefined, group: string, key: string) => ({
    where: slot(group, key),
    handler: table && Object.hasOwn(table, key) ? table[key] : undefined,
  });
  switch (info.kind) {
    case 'local':
    case 'action':
      return lookup(adapter.actions, 'actions', info.name ?? label);
    case 'deliver':
      return lookup(adapter.messages, 'messages', info.message ?? label);
    case 'timer':
      return lookup(adapter.timers, 'timers', info.name ?? label);
    default:
      return lookup(adapter.faults as Record<string, Handler<any, unknown>> | undefined, 'faults', info.kind);
  }
}

/** Every handler an adapter declares, by where it is declared, with whether it drives (or is internal). */
export function declaredHandlers(adapter: AnyAdapter): { readonly where: string; readonly driven: boolean }[] {
  const groups = { actions: adapter.actions, messages: adapter.messages, timers: adapter.timers, faults: adapter.faults } as const;
  return Object.entries(groups).flatMap(([group, table]) =>
    Object.entries((table ?? {}) as Record<string, Handler<any, unknown>>).map(([key, h]) => ({ where: slot(group, key), driven: h !== 'internal' })),
  );
}

/** A step as a driver sees it: its description and label, and (protocols) its message or choice. */
export function stepView<S, A>(model: Model<S, A>, info: StepInfo, s: S, a: A): ConformanceStep {
  const view: ConformanceStep = { ...info, label: model.label(a), action: a };
  if (!(s instanceof World)) return view;
  const step = a as unknown as Step;
  if (step.kind === 'deliver' || step.kind === 'drop' || step.kind === 'duplicate') return { ...view, payload: s.topology.messages.get(step.msg).payload };
  if (step.kind === 'byzantine' && step.payload !== null) return { ...view, payload: step.payload };
  if (step.kind === 'local' && step.chosen) return { ...view, choice: step.choice };
  return view;
}
