/**
 * The global state of a compiled protocol: every node's state and timers, the messages in
 * flight, and what the fault model has done so far. Immutable; properties read it through
 * `ProtocolWorld`, typed by the protocol's roles (`w.node('tm').state`, `w.role('rm')`,
 * `w.crashed('rm1')`, `w.inFlight()`).
 */
import { fmix } from '../state/fingerprint.ts';
import type { MessageTable, Network } from './network.ts';
import type { Envelope, IdsOf, MessageOf, NodeDecl, NodeId, NodeIdOf, NodesOf, NodeStateOf, Role, Roles, StateOf } from './types.ts';

/** A timer armed by a node: fires at `deadline` on its local clock, or at any time when null. */
export interface Timer {
  readonly name: string;
  readonly deadline: number | null;
}

/**
 * Node `i`'s term in a world's fingerprint, from its entry's fingerprint (hi, lo): a full
 * avalanche that depends on the position, so that the sum over the nodes (kept incrementally,
 * see `WorldFields.nodeSumHi`) tells which node is in which state.
 */
export function nodeTermHi(i: number, hi: number): number {
  return fmix(hi ^ Math.imul(i + 1, 0x9e3779b1));
}

export function nodeTermLo(i: number, hi: number, lo: number): number {
  return fmix(lo ^ nodeTermHi(i, hi) ^ Math.imul(i + 1, 0x85ebca6b));
}

/** What node `i`'s term adds to a node sum's high half when its entry's fingerprint goes from `(oldHi, ·)` to `(hi, ·)`. */
export function nodeTermDeltaHi(i: number, oldHi: number, hi: number): number {
  return (nodeTermHi(i, hi) - nodeTermHi(i, oldHi)) | 0;
}

/** What node `i`'s term adds to a node sum's low half when its entry's fingerprint goes from `(oldHi, oldLo)` to `(hi, lo)`. */
export function nodeTermDeltaLo(i: number, oldHi: number, oldLo: number, hi: number, lo: number): number {
  return (nodeTermLo(i, hi, lo) - nodeTermLo(i, oldHi, oldLo)) | 0;
}

/** Whether nodes `a` and `b` (indices) are on different sides of `partition` (a side's bit mask; 0: whole). */
export function separatedBy(partition: number, a: number, b: number): boolean {
  return partition !== 0 && ((partition >> a) & 1) !== ((partition >> b) & 1);
}

/** Per-node status. */
export const UP = 0;
export const CRASHED = 1;
export const PAUSED = 2;

/** A fault counter: how many faults of a kind have happened (`w.faultsUsed('drop')`). */
export type Counter = 'drop' | 'duplicate' | 'partition' | 'crash' | 'recover' | 'pause' | 'lies';

/** Indices of the fault counters in `World.used`. */
export const USED: Readonly<Record<Counter, number>> = { drop: 0, duplicate: 1, partition: 2, crash: 3, recover: 4, pause: 5, lies: 6 };

/** What a protocol's properties, `terminal`, `assume` and `view` can read of a global state. */
export interface ProtocolWorld<R extends Roles = Roles, N extends NodesOf<R> = NodesOf<R>> {
  /** Every node id, in declaration order. */
  readonly ids: readonly NodeIdOf<N>[];
  /** The state of a node (while it is crashed: `init` with its durable fields). */
  node<I extends NodeIdOf<N>>(id: I): NodeStateOf<R, N, I>;
  /** The states of a role's nodes, in declaration order. */
  role<K extends keyof R & string>(role: K): readonly StateOf<R[K]>[];
  /** The ids of a role's nodes, in declaration order. */
  nodesOf<K extends keyof N & string>(role: K): readonly IdsOf<N, K>[];
  crashed(id: NodeIdOf<N>): boolean;
  paused(id: NodeIdOf<N>): boolean;
  byzantine(id: NodeIdOf<N>): boolean;
  /** Loyal (non-Byzantine) nodes, optionally of one role. */
  loyal(role?: keyof R & string): readonly NodeIdOf<N>[];
  /** Global time (0 without clocks). */
  readonly time: number;
  /** A node's local clock reading. */
  clock(id: NodeIdOf<N>): number;
  /** Timers a node has armed, sorted by name. */
  timersOf(id: NodeIdOf<N>): readonly Timer[];
  /** Messages in flight, with multiplicity, in the network's canonical order. */
  inFlight(): readonly Envelope<MessageOf<R>, NodeIdOf<N>>[];
  /** How many faults of a kind have happened. */
  faultsUsed(kind: Counter): number;
  /** Whether the nodes `a` and `b` are on different sides of the current partition. */
  separated(a: NodeIdOf<N>, b: NodeIdOf<N>): boolean;
}

/** Facts about a compiled protocol shared by all its states. */
export interface Topology {
  readonly decls: readonly NodeDecl[];
  readonly ids: readonly NodeId[];
  readonly index: ReadonlyMap<NodeId, number>;
  readonly roles: readonly Role<any, any>[];
  /** The node indices of each role, in declaration order. */
  readonly byRole: ReadonlyMap<string, readonly number[]>;
  readonly messages: MessageTable;
  readonly network: Network;
}

/** The parts of a global state; a step copies the record and replaces what it changes. */
export interface WorldFields {
  /** Node states, by node index. */
  states: readonly unknown[];
  /** Armed timers of each node, sorted by name. */
  timers: readonly (readonly Timer[])[];
  /** Fingerprint (hi, lo) of each node's state and timers: derived, cached so a step rehashes one node. */
  nodeHash: readonly number[];
  /**
   * The sums of the nodes' positional terms (`nodeTermHi/Lo` of each `nodeHash` pair): derived,
   * the nodes' part of the world's identity. A step that changes one node updates them by that
   * node's terms; left out, they are summed from `nodeHash`.
   */
  nodeSumHi?: number;
  nodeSumLo?: number;
  /** In-flight messages (representation depends on the network semantics). */
  net: unknown;
  status: readonly number[];
  /** Bit mask of Byzantine nodes (fixed from the initial state on). */
  traitors: number;
  /** Global time. */
  time: number;
  /** Each node's clock offset: local clock = time + offset. */
  offsets: readonly number[];
  /** Bit mask of one side of the current partition; 0 when the network is whole. */
  partition: number;
  /** Faults used so far, indexed by `USED`. */
  used: readonly number[];
  /** Timing `rounds`: the current round (from 1) and how many Byzantine choices of it are made. */
  round: number;
  cursor: number;
  /** Signed mode: ids of the signed fragments the Byzantine nodes have seen, in the order of their content fingerprints. */
  knowledge: readonly number[];
}

export class World implements ProtocolWorld<any, any>, WorldFields {
  /** This world's fingerprint once computed (derived; not part of its identity). */
  hashed = false;
  hashHi = 0;
  hashLo = 0;
  /**
   * This world's network identity once computed, for networks identified by sums (derived, see
   * `Kernel.encode`): the message count (-1 until computed) and the sums of the messages' terms.
   * Every successor's identity starts from it.
   */
  netCount = -1;
  netHi = 0;
  netLo = 0;
  readonly states: readonly unknown[];
  readonly timers: readonly (readonly Timer[])[];
  readonly nodeHash: readonly number[];
  /** Derived (see `WorldFields`); not readonly only so that `settle` can update a successor's before handing it on. */
  nodeSumHi: number;
  nodeSumLo: number;
  readonly net: unknown;
  readonly status: readonly number[];
  readonly traitors: number;
  readonly time: number;
  readonly offsets: readonly number[];
  readonly partition: number;
  readonly used: readonly number[];
  readonly round: number;
  readonly cursor: number;
  readonly knowledge: readonly number[];

  constructor(
    readonly topology: Topology,
    f: WorldFields,
  ) {
    this.states = f.states;
    this.timers = f.timers;
    this.nodeHash = f.nodeHash;
    this.nodeSumHi = f.nodeSumHi ?? 0;
    this.nodeSumLo = f.nodeSumLo ?? 0;
    this.net = f.net;
    this.status = f.status;
    this.traitors = f.traitors;
    this.time = f.time;
    this.offsets = f.offsets;
    this.partition = f.partition;
    this.used = f.used;
    this.round = f.round;
    this.cursor = f.cursor;
    this.knowledge = f.knowledge;
    if (f.nodeSumHi === undefined || f.nodeSumLo === undefined) this.sumNodes();
  }

  /** Sum the nodes' positional terms from `nodeHash`. */
  private sumNodes(): void {
    let hi = 0;
    let lo = 0;
    for (let i = 0; 2 * i < this.nodeHash.length; i++) {
      hi = (hi + nodeTermHi(i, this.nodeHash[2 * i])) | 0;
      lo = (lo + nodeTermLo(i, this.nodeHash[2 * i], this.nodeHash[2 * i + 1])) | 0;
    }
    this.nodeSumHi = hi;
    this.nodeSumLo = lo;
  }

  /**
   * The next world: this one's fields with `changes` over them, its derived identity (fingerprint,
   * network sums) to be computed afresh. One object is built, where a record of fields and then a
   * world from it would be two: `settle` builds one per new state. Until it is handed on, its
   * builder may still set its fields through the `WorldFields` it also is.
   */
  successor(changes?: Partial<WorldFields>): World {
    const next = new World(this.topology, this);
    if (changes === undefined) return next;
    Object.assign(next, changes);
    // New node fingerprints without their sums: sum them afresh.
    if (changes.nodeHash !== undefined && changes.nodeSumHi === undefined) next.sumNodes();
    return next;
  }

  get ids(): readonly NodeId[] {
    return this.topology.ids;
  }

  private at(id: NodeId): number {
    const i = this.topology.index.get(id);
    if (i === undefined) throw new Error(`unknown node "${id}" (nodes: ${this.topology.ids.join(', ')})`);
    return i;
  }

  node(id: NodeId): any {
    return this.states[this.at(id)];
  }

  role(role: string): readonly any[] {
    const nodes = this.topology.byRole.get(role);
    if (nodes === undefined) throw new Error(`unknown role "${role}" (roles: ${[...this.topology.byRole.keys()].join(', ')})`);
    return nodes.map((i) => this.states[i]);
  }

  nodesOf(role: string): readonly NodeId[] {
    return (this.topology.byRole.get(role) ?? []).map((i) => this.topology.ids[i]);
  }

  crashed(id: NodeId): boolean {
    return this.status[this.at(id)] === CRASHED;
  }

  paused(id: NodeId): boolean {
    return this.status[this.at(id)] === PAUSED;
  }

  byzantine(id: NodeId): boolean {
    return (this.traitors & (1 << this.at(id))) !== 0;
  }

  loyal(role?: string): readonly NodeId[] {
    return this.topology.decls.filter((d, i) => (this.traitors & (1 << i)) === 0 && (role === undefined || d.role === role)).map((d) => d.id);
  }

  clock(id: NodeId): number {
    return this.time + this.offsets[this.at(id)];
  }

  timersOf(id: NodeId): readonly Timer[] {
    return this.timers[this.at(id)];
  }

  inFlight(): Envelope<any>[] {
    return this.topology.network.all(this.net).map((id) => this.topology.messages.get(id));
  }

  faultsUsed(kind: Counter): number {
    return this.used[USED[kind]];
  }

  separated(a: NodeId, b: NodeId): boolean {
    return separatedBy(this.partition, this.at(a), this.at(b));
  }
}
