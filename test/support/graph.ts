/**
 * Random finite transition systems for engine tests, and naive reference algorithms over them
 * (plain arrays and JS Sets, no fingerprints), written independently of the explorer.
 */
import fc from 'fast-check';
import type { Model } from '../../src/model/model.ts';
import { always, transition } from '../../src/model/property.ts';

export interface Graph {
  readonly size: number;
  readonly init: readonly number[];
  /** Outgoing edges of each node, in action order (duplicates and self-loops allowed). */
  readonly edges: readonly (readonly number[])[];
  readonly bad: ReadonlySet<number>;
  /** Edges (from, index) that violate the step property. */
  readonly badEdges: ReadonlySet<string>;
}

export const graphArb: fc.Arbitrary<Graph> = fc.integer({ min: 1, max: 40 }).chain((size) =>
  fc.record({
    size: fc.constant(size),
    init: fc.uniqueArray(fc.nat(size - 1), { minLength: 1, maxLength: 3 }),
    edges: fc.array(fc.array(fc.nat(size - 1), { maxLength: 4 }), { minLength: size, maxLength: size }),
    bad: fc.uniqueArray(fc.nat(size - 1), { maxLength: 3 }).map((xs) => new Set(xs)),
    badEdges: fc
      .uniqueArray(fc.tuple(fc.nat(size - 1), fc.nat(3)), { maxLength: 2 })
      .map((xs) => new Set(xs.map(([a, i]) => `${a}:${i}`))),
  }),
);

interface Edge {
  readonly from: number;
  readonly index: number;
  readonly to: number;
}

/** A model whose states are node numbers; deadlocks are not checked unless asked. */
export function graphModel(g: Graph, opts: { deadlock?: boolean; stepProperty?: boolean } = {}): Model<number, Edge> {
  return {
    init: () => g.init,
    actions: (s) => g.edges[s].map((to, index) => ({ from: s, index, to })),
    next: (_s, a) => a.to,
    label: (a) => `${a.from}→${a.to}`,
    properties: [
      always('good', (s) => !g.bad.has(s)),
      ...(opts.stepProperty ? [transition<number, Edge>('good-step', (_s, a) => !g.badEdges.has(`${a.from}:${a.index}`))] : []),
    ],
    checkDeadlock: opts.deadlock ?? false,
  };
}

/** Distances (in steps) from the initial nodes; -1 when unreachable. */
export function distances(g: Graph): number[] {
  const dist = Array<number>(g.size).fill(-1);
  let frontier = [...new Set(g.init)];
  for (const s of frontier) dist[s] = 0;
  for (let d = 1; frontier.length > 0; d++) {
    const next: number[] = [];
    for (const s of frontier) {
      for (const t of g.edges[s]) {
        if (dist[t] === -1) {
          dist[t] = d;
          next.push(t);
        }
      }
    }
    frontier = next;
  }
  return dist;
}

/** Shortest number of steps to a node satisfying `target`, or null. */
export function shortestTo(g: Graph, target: (s: number) => boolean): number | null {
  const dist = distances(g);
  let best: number | null = null;
  for (let s = 0; s < g.size; s++) if (dist[s] >= 0 && target(s) && (best === null || dist[s] < best)) best = dist[s];
  return best;
}

/** Shortest number of steps ending with a bad edge, or null. */
export function shortestBadEdge(g: Graph): number | null {
  const dist = distances(g);
  let best: number | null = null;
  for (let s = 0; s < g.size; s++) {
    if (dist[s] < 0) continue;
    g.edges[s].forEach((_, i) => {
      if (g.badEdges.has(`${s}:${i}`) && (best === null || dist[s] + 1 < best)) best = dist[s] + 1;
    });
  }
  return best;
}
