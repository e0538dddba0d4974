/**
 * The global state of a compiled protocol: every node's state and timers, the messages in
 * flight, and what the fault model has done so far. Immutable; properties read it through the
 * accessor methods (`w.node('tm').durable.state`, `w.crashed('rm1')`, `w.inFlight()`).
 */
import type { MessageTable, Network } from './network.ts';
import type { Envelope, NodeDecl, NodeId, NodeState, Payload, Role } from './types.ts';

/** A timer armed by a node: fires at `deadline` on its local clock, or at any time when null. */
export interface Timer {
  readonly name: string;
  readonly deadline: number | null;
}

/** Per-node status. */
export const UP = 0;
export const CRASHED = 1;
export const PAUSED = 2;

/** Indices of the fault counters in `World.used`. */
export const USED = { drop: 0, duplicate: 1, partition: 2, crash: 3, recover: 4, pause: 5, lies: 6 } as const;
export type Counter = keyof typeof USED;

/** Facts about a compiled protocol shared by all its states. */
export interface Topology {
  readonly decls: readonly NodeDecl[];
  readonly ids: readonly NodeId[];
  readonly index: ReadonlyMap<NodeId, number>;
  readonly roles: readonly Role<any, any>[];
  readonly messages: MessageTable;
  readonly network: Network;
}

export class World {
  /** This world's fingerprint once computed (derived; not part of its identity). */
  hashed = false;
  hashHi = 0;
  hashLo = 0;

  constructor(
    readonly topology: Topology,
    /** Node states, by node index. */
    readonly states: readonly NodeState[],
    /** Armed timers of each node, sorted by name. */
    readonly timers: readonly (readonly Timer[])[],
    /** Fingerprint (hi, lo) of each node's state and timers: derived, cached so a step rehashes one node. */
    readonly nodeHash: readonly number[],
    /** In-flight messages (representation depends on the network semantics). */
    readonly net: unknown,
    readonly status: readonly number[],
    /** Bit mask of Byzantine nodes (fixed from the initial state on). */
    readonly traitors: number,
    /** Global time. */
    readonly time: number,
    /** Each node's clock offset: local clock = time + offset. */
    readonly offsets: readonly number[],
    /** Bit mask of one side of the current partition; 0 when the network is whole. */
    readonly partition: number,
    /** Faults used so far, indexed by `USED`. */
    readonly used: readonly number[],
    /** Timing `rounds`: the current round (from 1) and how many Byzantine choices of it are made. */
    readonly round: number,
    readonly cursor: number,
    /** Signed mode: ids of the signed fragments the Byzantine nodes have seen, sorted. */
    readonly knowledge: readonly number[],
  ) {}

  /** Every node id, in declaration order. */
  get ids(): readonly NodeId[] {
    return this.topology.ids;
  }

  private at(id: NodeId): number {
    const i = this.topology.index.get(id);
    if (i === undefined) throw new Error(`unknown node "${id}"`);
    return i;
  }

  /** The state of a node (its volatile part is lost while it is crashed). */
  node<S extends NodeState = NodeState<any, any>>(id: NodeId): S {
    return this.states[this.at(id)] as S;
  }

  /** The ids of a role's nodes. */
  nodesOf(role: string): readonly NodeId[] {
    return this.topology.decls.filter((d) => d.role === role).map((d) => d.id);
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

  /** Loyal (non-Byzantine) nodes, optionally of one role. */
  loyal(role?: string): readonly NodeId[] {
    return this.topology.decls.filter((d, i) => (this.traitors & (1 << i)) === 0 && (role === undefined || d.role === role)).map((d) => d.id);
  }

  /** A node's local clock reading. */
  clock(id: NodeId): number {
    return this.time + this.offsets[this.at(id)];
  }

  /** Timers a node has armed. */
  timersOf(id: NodeId): readonly Timer[] {
    return this.timers[this.at(id)];
  }

  /** Messages in flight, with multiplicity. */
  inFlight(): Envelope<Payload>[] {
    return this.topology.network.all(this.net).map((id) => this.topology.messages.get(id));
  }

  /** How many faults of a kind have happened. */
  faultsUsed(kind: Counter): number {
    return this.used[USED[kind]];
  }

  /** Whether the nodes `a` and `b` are on different sides of the current partition. */
  separated(a: NodeId, b: NodeId): boolean {
    if (this.partition === 0) return false;
    return ((this.partition >> this.at(a)) & 1) !== ((this.partition >> this.at(b)) & 1);
  }
}
