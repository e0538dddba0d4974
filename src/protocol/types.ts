/**
 * What a protocol author writes: roles with handlers, and which nodes play them. Handlers are pure
 * functions from a node's state (plus a message, timer or local action) to its new state; what
 * they send and which timers they set goes through the context. The author never writes fault
 * code: loss, duplication, partitions, crashes, pauses, clocks and lies are configuration
 * (see `faults.ts`).
 *
 * A node's state is the protocol's own record. A role declares which of its fields are on disk
 * (`durable`): a crash keeps those and loses the rest, which recovery rebuilds from `init`.
 */
import type { Fairness, StepInfo } from '../model/model.ts';
import type { Property } from '../model/property.ts';
import type { FaultConfig } from './faults.ts';
import type { ProtocolWorld } from './world.ts';

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

/** A message in flight: `payload` from node `from` to node `to` (`I`: the protocol's node ids). */
export interface Envelope<M extends Payload = Payload, I extends NodeId = NodeId> {
  readonly from: I;
  readonly to: I;
  readonly payload: M;
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

/** What a handler returns: the node's new state, or nothing to leave it unchanged. */
export type Outcome<S> = S | void;

/** A named local action: something a node decides to do on its own (a client writes, an RM aborts). */
export interface LocalAction<S, M extends Payload, C = any> {
  /** Whether the action is enabled in this state. */
  readonly when: (s: S, ctx: Context<M>) => boolean;
  /** Nondeterministic arguments (e.g. the value to write); one step per choice. */
  readonly choices?: (s: S, ctx: Context<M>) => readonly C[];
  readonly run: (s: S, ctx: Context<M>, choice: C) => Outcome<S>;
}

/**
 * A role: how every node that plays it behaves. `S` is the node's state (a plain record),
 * `M` the protocol's message type.
 */
export interface Role<S, M extends Payload = Payload> {
  /** The node's initial state. */
  readonly init: (id: NodeId) => S;
  /**
   * The fields on disk: a crash keeps them and loses the rest (and every timer); recovery starts
   * from `init` with these fields restored. `'all'`: the whole state survives; `[]`: nothing does.
   * An entry may be `false`, `null` or `undefined` and is then left out, so a variant's choice
   * reads `durable: ['log', termOnDisk && 'term']`. A role whose nodes may crash must say it:
   * a system model that crashes a node of a role without `durable` is refused.
   */
  readonly durable?: 'all' | readonly (keyof S & string | false | null | undefined)[];
  /** Runs once, at the start, for loyal nodes (send the first messages, arm timers). */
  readonly start?: (s: S, ctx: Context<M>) => Outcome<S>;
  /**
   * Handle a delivered message; returning nothing leaves the state unchanged (the message is
   * still consumed, as a real node would read and ignore it).
   */
  readonly receive?: (s: S, msg: M, from: NodeId, ctx: Context<M>) => Outcome<S>;
  /** A delivery guard: when false the message stays in flight (the node is not ready for it). */
  readonly accepts?: (s: S, msg: M, from: NodeId) => boolean;
  /** A timer armed with `ctx.setTimer(name)` fired (it is disarmed first; the handler may re-arm it). */
  readonly timer?: (s: S, name: string, ctx: Context<M>) => Outcome<S>;
  readonly actions?: Readonly<Record<string, LocalAction<S, M>>>;
  /** After a crash: runs on the recovered state (`init` with the durable fields restored). */
  readonly recover?: (s: S, ctx: Context<M>) => Outcome<S>;
  /** Timing `rounds`: runs at the end of each round, after that round's deliveries. */
  readonly endOfRound?: (s: S, round: number, ctx: Context<M>) => Outcome<S>;
}

/** A role with its state and message types fixed: `role<RM, Msg>({ init: () => …, receive(s, msg) { … } })`. */
export function role<S, M extends Payload = Payload>(spec: Role<S, M>): Role<S, M> {
  return spec;
}

/** The roles of a protocol, by name. */
export type Roles = Readonly<Record<string, Role<any, any>>>;

/** Which nodes play each role, by role name; nodes are ordered as listed (roles in declaration order). */
export type NodesOf<R extends Roles> = { readonly [K in keyof R]?: readonly NodeId[] };

/** The state type of a role. */
export type StateOf<Ro> = Ro extends Role<infer S, any> ? S : never;
/** The message type of a protocol's roles. */
export type MessageOf<R extends Roles> = { [K in keyof R]: R[K] extends Role<any, infer M> ? M : never }[keyof R];
/** The node ids of role `K` (literal when the ids are). */
export type IdsOf<N, K extends keyof N> = N[K] extends readonly (infer I extends string)[] ? I : never;
/** Every node id of a protocol. */
export type NodeIdOf<N> = { [K in keyof N]-?: IdsOf<N, K> }[keyof N];
/** The state of node `I`: the state of the role (or roles) whose ids include it. */
export type NodeStateOf<R extends Roles, N, I extends string> = {
  [K in keyof N & keyof R]-?: I extends IdsOf<N, K> ? StateOf<R[K]> : never;
}[keyof N & keyof R];

/** The message type of a protocol's world. */
export type MessageOfWorld<W> = W extends ProtocolWorld<infer R, any> ? MessageOf<R> : Payload;

/** The role names of a protocol's world. */
export type RoleOfWorld<W> = W extends ProtocolWorld<infer R, any> ? keyof R & string : string;

/** The global-state type a protocol's properties read. */
export type WorldOf<R extends Roles, N extends NodesOf<R>> = ProtocolWorld<R, N>;

/**
 * One step of a compiled protocol: what the protocol does (deliver, local, timer, round) or what
 * the world does to it (the fault kinds). Node and message numbers index the topology and the
 * message table; `StepInfo` (from the model's `step`) is the readable description.
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

/** A node and the role it plays. */
export interface NodeDecl {
  readonly id: NodeId;
  readonly role: string;
}

/** What is assumed and checked of a protocol's global states: the second argument of `protocol`. */
export interface ProtocolSpec<W> {
  /**
   * Properties over global states (see `ProtocolWorld` for what they can read). An entry may be
   * `false`, `null` or `undefined` and is then left out, so a variant's extra property reads
   * `presumed && sometimes(…)`.
   */
  readonly properties: readonly (Property<W, Step> | false | null | undefined)[];
  /**
   * Legal end states. A state without enabled steps is a deadlock unless it is terminal, or the
   * protocol's bound ended (the last instant of time, the last round), or `deadlock` is false.
   */
  readonly terminal?: (w: W) => boolean;
  /** Check for deadlocks (default true); false for a protocol that may simply stop. */
  readonly deadlock?: boolean;
  /** Fairness assumed by liveness properties. */
  readonly fairness?: readonly Fairness[];
  /** State constraint (TLC's CONSTRAINT): states outside are checked but not expanded. */
  readonly within?: (w: W) => boolean;
  /**
   * An assumption about the environment that no single node can observe, such as a timing
   * assumption ("election timeouts never overlap"): in `async` timing a protocol step (deliver,
   * local action, timer) is enabled only where it holds. Faults are not restricted by it.
   */
  readonly assume?: (w: W, step: StepInfo) => boolean;
  /**
   * What identifies the nodes' states and the messages in flight (like TLC's VIEW): states with
   * equal views are one state. The fault model's own bookkeeping (crashed nodes, budgets used,
   * clocks, the partition) is added by the layer. Default: every node's state and timers and the
   * network, exactly.
   */
  readonly view?: (w: W) => unknown;
  /**
   * Fault configurations the protocol cannot be checked under. Given the one in force (the system
   * model with its `--faults` overrides), return why it is refused, or nothing to accept it; a
   * refused run stops as bad input ("… cannot be checked with these faults: <why>") before any
   * state is explored. For a protocol whose states are finite only without some fault:
   * `refuse: (f) => f.partition > 0 && 'partitions let a server cut off raise its term for ever'`.
   * (`build` cannot refuse a configuration: it does not see the faults.)
   */
  readonly refuse?: (faults: FaultConfig) => string | false | null | undefined;
  /**
   * The message universe a Byzantine node chooses from when it sends to `to` (in `rounds` timing,
   * for `round`). Needed only when the system model has Byzantine nodes.
   */
  readonly universe?: (from: NodeId, to: NodeId, round: number) => readonly MessageOfWorld<W>[];
  /** Timing `rounds`: how many rounds run before the protocol ends. */
  readonly rounds?: number;
  /**
   * Fault knobs that are part of the problem the protocol solves rather than a system model to
   * choose: `{ timing: 'rounds', byzantine: f }` for a synchronous algorithm against f traitors.
   * `defineProtocol` applies them over whichever system model is chosen, and refuses `--faults`
   * that would change them (they follow the params); other faults may still be added.
   */
  readonly fixedFaults?: Partial<FaultConfig>;
  /**
   * Roles whose nodes are interchangeable: renaming them into each other (in every node's state,
   * timers and messages) maps behaviours to behaviours and keeps every property's value. With
   * `--symmetry` (`symmetry: true` in `faultline/testing`) the check then explores one state per
   * orbit under those renamings (see `symmetry.ts`). Nodes a fault configuration names
   * (`crashNodes`, `pauseNodes`, `byzantineNodes`) are interchangeable only with nodes on the same
   * lists.
   *
   * The declaration is an assertion the explorer relies on, and it holds only if the protocol
   * refers to these nodes by id, never by position: a state that records something about node
   * `rm2` keeps it under the key or value `'rm2'` (a Set or record of ids), not at index 1 of an
   * array; nothing orders, compares or breaks ties by ids; and `assume`, `terminal`, `within`,
   * `view`, `universe` and the properties treat the nodes alike. `checkSymmetry` in
   * `faultline/testing` tests the assertion on a model's first states.
   */
  readonly symmetric?: readonly RoleOfWorld<W>[];
}

/**
 * A protocol ready to compile with a fault configuration: its roles, the nodes that play them in
 * order, and its spec with the left-out properties removed. `R` and `N` type the world.
 */
export interface Protocol<R extends Roles = Roles, N extends NodesOf<R> = NodesOf<R>> extends ProtocolSpec<WorldOf<R, N>> {
  readonly roles: R;
  readonly nodes: N;
  /** Every node and its role, in declaration order. */
  readonly decls: readonly NodeDecl[];
  readonly properties: readonly Property<WorldOf<R, N>, Step>[];
}

/**
 * A protocol of `roles` played by `nodes` (`{ tm: ['tm'], rm: ['rm1', 'rm2'] }`), with what is
 * assumed and checked of it. The world the spec's functions receive is typed by the roles and
 * nodes, so `w.node('tm')` is the TM's state and `w.node('tmx')` does not compile:
 *
 * ```ts
 * protocol({ roles: { tm, rm }, nodes: { tm: ['tm'], rm: ids } }, {
 *   terminal: (w) => w.role('rm').every((s) => s.state !== 'working'),
 *   properties: [always('consistency', (w) => …)],
 * });
 * ```
 */
export function protocol<const R extends Roles, const N extends NodesOf<R>>(
  topology: { readonly roles: R; readonly nodes: N & { readonly [K in Exclude<keyof N, keyof R>]: never } },
  spec: ProtocolSpec<WorldOf<R, N>>,
): Protocol<R, N> {
  const { roles, nodes } = topology;
  const decls: NodeDecl[] = [];
  for (const [roleName, ids] of Object.entries(nodes as Record<string, readonly NodeId[] | undefined>)) {
    if (!Object.hasOwn(roles, roleName)) throw new TypeError(`nodes are declared for role "${roleName}", which the protocol does not define`);
    for (const id of ids ?? []) decls.push({ id, role: roleName });
  }
  for (const r of spec.symmetric ?? []) {
    if (!Object.hasOwn(roles, r)) throw new TypeError(`symmetric names role "${r}", which the protocol does not define`);
  }
  const properties = spec.properties.filter((p): p is Property<WorldOf<R, N>, Step> => typeof p === 'object' && p !== null);
  return { ...spec, roles, nodes, decls, properties };
}
