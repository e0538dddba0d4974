/**
 * What every source of steps of a compiled protocol provides. A step source is one kind of
 * thing that can happen — a delivery, a local action, a timer, a loss, a crash, a tick, a
 * Byzantine lie, a synchronous round — and knows when it is enabled, what it does to a global
 * state, how it reads, and which of the fault model's bookkeeping it keeps in the state. Only the
 * sources a fault configuration enables take part in a compiled model; `compile.ts` puts them
 * together.
 */
import type { StepInfo } from '../../model/model.ts';
import type { IntSink } from '../network.ts';
import type { Step } from '../types.ts';
import type { Counter, World, WorldFields } from '../world.ts';

/**
 * The fault model's bookkeeping in a global state, in the order it enters a state's identity
 * (after the node states and the network): the Byzantine placement, node status, faults used,
 * the partition, the clocks, the synchronous round and what the Byzantine nodes have seen
 * signed. Only what some taking-part source keeps is part of the identity, so a fault-free
 * protocol has exactly the states of its abstract spec.
 */
export const IDENTITY_ORDER = ['traitors', 'status', 'used', 'partition', 'clock', 'round', 'knowledge'] as const;
export type Bookkeeping = (typeof IDENTITY_ORDER)[number];
/** The order the bookkeeping is shown in, after the nodes, the network and the timers: the faults used come last, after what they did. */
export const SHOWN_ORDER: readonly Bookkeeping[] = ['traitors', 'status', 'partition', 'clock', 'round', 'knowledge', 'used'];

/** A part of the bookkeeping: how it identifies a state and how it is shown. */
export interface Field {
  readonly name: Bookkeeping;
  /** Feed this part of `w` to the fingerprint under construction. */
  encode(w: World, h: IntSink): void;
  /** Add this part of `w` to its shown form (nothing for what a reader need not see). */
  show?(w: World, out: Record<string, unknown>): void;
}

/** The steps of the kinds `K`, as the source of those kinds handles them. */
export type StepOf<K extends Step['kind']> = Narrow<Step, K>;
type Narrow<S, K> = S extends { readonly kind: infer SK } ? ([Extract<SK, K>] extends [never] ? never : S & { readonly kind: Extract<SK, K> }) : never;

export interface StepSource<A extends Step = Step> {
  /** The step kinds this source enables and applies. */
  readonly kinds: readonly A['kind'][];
  /**
   * Append the steps enabled in `w` to `out`, in this source's order. `waiting`: a delivery or a
   * due timer is enabled (in bounded timing, time waits for it).
   */
  enabled?(w: World, out: Step[], waiting: boolean): void;
  /** Append the protocol steps node `i` may take in `w` (its local actions, its due timers). */
  enabledAt?(w: World, i: number, out: Step[]): void;
  /** The successor of `w` under `a`. */
  apply(w: World, a: A): World;
  /**
   * The kernel's identity parts of `apply(w, a)` without building it (`Kernel.peek`), for the
   * sources whose steps change one node and the network and nothing else — so the rest of the
   * successor's identity is `w`'s. False when it cannot tell.
   */
  peek?(w: World, a: A, out: Int32Array): boolean;
  /** `deliver Prepared rm2→tm`, `rm1: prepare`, `crash tm`. */
  label(a: A): string;
  /** The structured description reports, fairness and `assume` read. */
  info(a: A): StepInfo;
  /** The bookkeeping this source keeps in every state (several sources may keep one field). */
  readonly keeps?: readonly Field[];
  /** The fault counters this source spends, with their budgets. */
  readonly budgets?: readonly Budget[];
  /** The ways the initial state may start, as far as this source decides (a Byzantine placement, clock offsets). */
  initial?(): readonly Partial<WorldFields>[];
  /** Whether `w` is past the bound this source sets (the last instant of time, the last round): a legal end. */
  ended?(w: World): boolean;
}

/** A fault counter (an index into `World.used`) and its budget. */
export interface Budget {
  readonly counter: Counter;
  readonly limit: number;
}
