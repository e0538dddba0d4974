/**
 * Strongly connected components of induced subgraphs of a `StateGraph`, by Tarjan's algorithm
 * with an explicit call stack: a chain of a million states needs no recursion, only arrays.
 * The scratch arrays are allocated once and reused across calls (fairness pruning calls it
 * repeatedly on shrinking state sets).
 */
import type { StateGraph } from './state-graph.ts';

export class SccFinder {
  private readonly index: Int32Array;
  private readonly low: Int32Array;
  private readonly onStack: Uint8Array;
  private readonly stack: Int32Array;
  private readonly calls: Int32Array;
  private readonly nextEdge: Int32Array;

  constructor(private readonly graph: StateGraph) {
    const n = graph.states;
    this.index = new Int32Array(n);
    this.low = new Int32Array(n);
    this.onStack = new Uint8Array(n);
    this.stack = new Int32Array(n);
    this.calls = new Int32Array(n);
    this.nextEdge = new Int32Array(n);
  }

  /**
   * Call `onComponent` once per SCC of the subgraph induced by `nodes` (the states v with
   * `mark[v] === stamp`, which must be exactly `nodes`). Components come in reverse topological
   * order; `members` is only valid during the call.
   */
  run(nodes: ArrayLike<number>, mark: Int32Array, stamp: number, onComponent: (members: Int32Array) => void): void {
    const { rowStart, target } = this.graph;
    const { index, low, onStack, stack, calls, nextEdge } = this;
    for (let i = 0; i < nodes.length; i++) index[nodes[i]] = -1;
    let counter = 0;
    let sp = 0;
    for (let r = 0; r < nodes.length; r++) {
      const root = nodes[r];
      if (index[root] >= 0) continue;
      let cp = 0;
      index[root] = low[root] = counter++;
      stack[sp++] = root;
      onStack[root] = 1;
      nextEdge[root] = rowStart[root];
      calls[cp++] = root;
      while (cp > 0) {
        const v = calls[cp - 1];
        if (nextEdge[v] < rowStart[v + 1]) {
          const w = target[nextEdge[v]++];
          if (w < 0 || mark[w] !== stamp) continue;
          if (index[w] < 0) {
            index[w] = low[w] = counter++;
            stack[sp++] = w;
            onStack[w] = 1;
            nextEdge[w] = rowStart[w];
            calls[cp++] = w;
          } else if (onStack[w] && index[w] < low[v]) {
            low[v] = index[w];
          }
          continue;
        }
        cp--;
        if (cp > 0) {
          const u = calls[cp - 1];
          if (low[v] < low[u]) low[u] = low[v];
        }
        if (low[v] === index[v]) {
          let start = sp;
          do {
            onStack[stack[--start]] = 0;
          } while (stack[start] !== v);
          onComponent(stack.subarray(start, sp));
          sp = start;
        }
      }
    }
  }

  /** Whether a component is a cycle: more than one state, or one state with an edge to itself. */
  cyclic(members: Int32Array): boolean {
    if (members.length > 1) return true;
    const v = members[0];
    const { rowStart, target } = this.graph;
    for (let e = rowStart[v]; e < rowStart[v + 1]; e++) if (target[e] === v) return true;
    return false;
  }
}
