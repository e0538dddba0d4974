/**
 * The explored state graph, for liveness: every edge of every expanded state, in compressed rows
 * (CSR) of typed arrays, with the fairness classes of each edge's action and the truth of the
 * liveness predicates in each state. States themselves are not kept (only their ids), so the
 * predicates are evaluated while the search still holds the state.
 */
import { IntColumn } from '../state/fingerprint-set.ts';
import type { FairnessClasses } from './fairness-classes.ts';

/** Receives the edges of a breadth-first search, state by state in increasing id order. */
export interface EdgeSink<S, A> {
  /** The search starts expanding state `id`, which has `enabled` actions. Ids it skips are not expanded. */
  expand(id: number, s: S, enabled: number): void;
  /** The next enabled action of the state being expanded leads to state `to` (-1: beyond the bounds, not stored). */
  edge(a: A, to: number): void;
}

/** A finished graph: plain typed arrays, indexed by state id and edge index. */
export interface StateGraph {
  readonly states: number;
  /** The edges of state v are `rowStart[v] … rowStart[v + 1] - 1`, in the order of `actions(v)`. */
  readonly rowStart: Int32Array;
  /** Target state of each edge, or -1 when the target lies beyond the bounds. */
  readonly target: Int32Array;
  /** Fairness class set of each edge's action (see `FairnessClasses.sets`). */
  readonly classSet: Int32Array;
  /** 1 when the state was expanded and every enabled action is recorded; labels are valid only there. */
  readonly expanded: Uint8Array;
  /** Per predicate given to the recorder: 1 in the states where it holds. */
  readonly labels: readonly Uint8Array[];
}

/** The state whose row holds edge `e` (binary search over the row starts). */
export function edgeSource(graph: StateGraph, e: number): number {
  const rowStart = graph.rowStart;
  let lo = 0;
  let hi = graph.states - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (rowStart[mid] <= e) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** A growable byte array indexed by state id. */
class ByteColumn {
  data = new Uint8Array(1 << 16);
  length = 0;

  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Uint8Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
}

/** Builds a `StateGraph` from the calls of a search (an `EdgeSink`). */
export class GraphRecorder<S, A> implements EdgeSink<S, A> {
  private readonly rows = new IntColumn();
  private readonly targets = new IntColumn(1 << 18);
  private readonly classSets = new IntColumn(1 << 18);
  private readonly expandedFlags = new ByteColumn();
  private readonly labelColumns: ByteColumn[];
  private current = -1;
  private expected = 0;

  constructor(
    private readonly predicates: readonly ((s: S) => boolean)[],
    private readonly classes: FairnessClasses<S, A>,
  ) {
    this.labelColumns = predicates.map(() => new ByteColumn());
  }

  expand(id: number, s: S, enabled: number): void {
    this.close();
    this.skipTo(id);
    this.rows.push(this.targets.length);
    this.expandedFlags.push(1);
    for (let k = 0; k < this.predicates.length; k++) this.labelColumns[k].push(this.predicates[k](s) ? 1 : 0);
    this.current = id;
    this.expected = enabled;
  }

  edge(a: A, to: number): void {
    this.targets.push(to);
    this.classSets.push(this.classes.classify(a));
  }

  /** The graph over `states` ids (every id the search stored); ids never expanded get empty rows. Call once. */
  finish(states: number): StateGraph {
    this.close();
    this.skipTo(states);
    this.rows.push(this.targets.length);
    // Views, not copies: a copy of a graph with millions of edges would double the peak memory.
    return {
      states,
      rowStart: this.rows.view(),
      target: this.targets.view(),
      classSet: this.classSets.view(),
      expanded: this.expandedFlags.data.subarray(0, states),
      labels: this.labelColumns.map((c) => c.data.subarray(0, states)),
    };
  }

  /** A search that stopped in the middle of a state leaves its row incomplete: not expanded. */
  private close(): void {
    if (this.current >= 0 && this.targets.length - this.rows.get(this.current) !== this.expected) {
      this.expandedFlags.data[this.current] = 0;
    }
    this.current = -1;
  }

  private skipTo(id: number): void {
    while (this.rows.length < id) {
      this.rows.push(this.targets.length);
      this.expandedFlags.push(0);
      for (const c of this.labelColumns) c.push(0);
    }
  }
}
