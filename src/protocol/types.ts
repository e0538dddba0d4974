/**
 * What a protocol author writes: nodes with roles, and per-role handlers. Handlers are pure
 * functions from a node's state (plus a message, timer or local action) to its new state; what
 * they send and which timers they set goes through the context. The author never writes fault
 * code: loss, duplication, partitions, crashes, pauses, clocks and lies are configuration
 * (see `faults.ts`).
 */
import type { Fairness, StepInfo } from '../model/model.ts';
import type { Property } from '../model/property.ts';
import type { World } from './world.ts';

export type NodeId = string;

/** A message payload: plain data with a `type` used in labels (`deliver Prepared rm2→tm`). */
export interface Payload {
  readonly type: string;
  readonly [field: string]: unknown;
}

/**
 * A signed message (Byzantine `signed` mode): `chain` lists the signers in order, the first
 * being the originator. Every other field is what was signed.
 */
export interface SignedPayload extends Payload {
  readonly chain: readonly NodeId[];
}

/**
 * Several signed messages sent as one payload (Byzantine `signed` mode): each item of `bundle`
 * is checked and learned on its own. In `rounds` timing a traitor sends one payload per
 * recipient per round, so a bundle is how it sends several signed messages in one round.
 */
export interface SignedBundle extends Payload {
  readonly bundle: readonly SignedPayload[];
}

export interface Envelope<M extends Payload = Payload> {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly payload: M;
}

/**
 * A node's state. A crash keeps only `durable` (what is on disk); `volatile` (memory) is reset
 * to the role's initial volatile state on recovery.
 */
export interface NodeState<D = unknown, V = unknown> {
  readonly durable: D;
  readonly volatile: V;
}

/** What handlers can do besides returning a new state. Reused between calls: do not keep it. */
export interface Context<M extends Payload = Payload> {
  readonly self: NodeId;
  readonly role: string;
  /** Every node, in declaration order. */
  readonly nodes: readonly NodeId[];
  /** The nodes of a role (or every other node), excluding `self`. */
  peers(role?: string): readonly NodeId[];
  /** This node's local clock reading (0 when the system model has no clocks). */
  readonly now: number;
  /** The current round (timing `rounds`), else 0. */
  readonly round: number;
  send(to: NodeId, payload: M): void;
  /** Send to each of `to` (default: every other node). */
  broadcast(payload: M, to?: readonly NodeId[]): void;
  /**
   * Arm (or re-arm) the timer `name`. With clocks it fires once the local clock reaches
   * `now + after`; without clocks it may fire at any time, as timeouts do in an asynchronous system.
   */
  setTimer(name: string, after?: number): void;
  cancelTimer(name: string): void;
}

/** A named local action: something a node decides to do on its own (a client writes, an RM aborts). */
export interface LocalAction<S extends NodeState, M extends Payload> {
  /** Whether the action is enabled in this state. */
  readonly when: (s: S, ctx: Context<M>) => boolean;
  /** Nondeterministic arguments (e.g. the value to write); one step per choice. */
  readonly choices?: (s: S, ctx: Context<M>) => readonly unknown[];
  readonly run: (s: S, ctx: Context<M>, choice: unknown) => S | void;
}

export interface Role<S extends NodeState = NodeState, M extends Payload = Payload> {
  /** The node's initial state. */
  readonly init: (id: NodeId) => S;
  /** Runs once, at the start, for loyal nodes (send the first messages, arm timers). */
  readonly start?: (s: S, ctx: Context<M>) => S | void;
  /**
   * Handle a delivered message; returning nothing leaves the state unchanged (the message is
   * still consumed, as a real node would read and ignore it).
   */
  readonly receive?: (s: S, msg: M, from: NodeId, ctx: Context<M>) => S | void;
  /** A delivery guard: when false the message stays in flight (the node is not ready for it). */
  readonly accepts?: (s: S, msg: M, from: NodeId) => boolean;
  readonly timer?: (s: S, name: string, ctx: Context<M>) => S | void;
  readonly actions?: Readonly<Record<string, LocalAction<S, M>>>;
  /** After a crash: runs on the durable state plus a fresh volatile state. */
  readonly recover?: (s: S, ctx: Context<M>) => S | void;
  /** Timing `rounds`: runs at the end of each round, after that round's deliveries. */
  readonly endOfRound?: (s: S, round: number, ctx: Context<M>) => S | void;
}

export interface NodeDecl {
  readonly id: NodeId;
  readonly role: string;
}

export interface Protocol<M extends Payload = Payload> {
  readonly nodes: readonly NodeDecl[];
  /** Properties over global states (see `World` for what they can read). */
  readonly properties: readonly Property<World, Step>[];
  /** Legal end states; when given, a state without enabled steps that is not terminal is a deadlock. */
  readonly terminal?: (w: World) => boolean;
  /** Fairness assumed by liveness properties. */
  readonly fairness?: readonly Fairness[];
  /** State constraint: states outside are checked but not expanded. */
  readonly within?: (w: World) => boolean;
  /**
   * An assumption about the environment that no single node can observe, such as a timing
   * assumption ("election timeouts never overlap"): in `async` timing a protocol step (deliver,
   * local action, timer) is enabled only where it holds. Faults are not restricted by it.
   */
  readonly assume?: (w: World, step: StepInfo) => boolean;
  readonly roles: Readonly<Record<string, Role<any, M>>>;
  /**
   * The message universe a Byzantine node chooses from when it sends to `to` (in `rounds`
   * timing, for `round`). Needed only when the system model has Byzantine nodes.
   */
  readonly universe?: (from: NodeId, to: NodeId, round: number) => readonly M[];
  /** Timing `rounds`: how many rounds run before the protocol ends. */
  readonly rounds?: number;
}

/**
 * One step of a compiled protocol: what the protocol does (deliver, local, timer, round) or what
 * the world does to it (the fault kinds). Node and message numbers index the topology and the
 * message table.
 */
export type Step =
  | { readonly kind: 'deliver' | 'drop' | 'duplicate'; readonly msg: number }
  | { readonly kind: 'local'; readonly node: number; readonly action: string; readonly choice: unknown; readonly chosen: boolean }
  | { readonly kind: 'timer'; readonly node: number; readonly timer: string }
  | { readonly kind: 'crash' | 'recover' | 'pause' | 'resume'; readonly node: number }
  | { readonly kind: 'partition'; readonly side: number }
  | { readonly kind: 'heal' }
  | { readonly kind: 'tick'; readonly offsets: readonly number[] | null }
  | { readonly kind: 'byzantine'; readonly from: number; readonly to: number; readonly payload: Payload | null }
  | { readonly kind: 'round' };
