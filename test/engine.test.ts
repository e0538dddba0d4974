import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check } from '../src/explore/check.ts';
import type { CheckResult } from '../src/explore/result.ts';
import { statesAlong } from '../src/trace/trace.ts';
import { distances, graphArb, graphModel, shortestBadEdge, shortestTo, type Graph } from './support/graph.ts';

const reachable = (g: Graph) => distances(g).filter((d) => d >= 0).length;
const reachesBad = (g: Graph) => shortestTo(g, (s) => g.bad.has(s)) !== null;

/** The trace of a violation really ends in a violation, replayed on the graph itself. */
function endsInBadState(g: Graph, result: CheckResult): boolean {
  const v = result.violations.find((x) => x.property === 'good')!;
  const { states } = statesAlong(graphModel(g), v.path!);
  return g.bad.has(states[states.length - 1]);
}

const withoutTimes = (r: CheckResult) => JSON.stringify({ ...r, stats: { ...r.stats, durationMs: 0, statesPerSecond: 0 } });

describe('breadth-first search on random transition systems', () => {
  it('counts exactly the reachable states and holds iff no bad state is reachable', () => {
    fc.assert(
      fc.property(graphArb, (g) => {
        const r = check(graphModel({ ...g, bad: new Set() }));
        expect(r.stats.distinctStates).toBe(reachable(g));
        expect(r.verdict).toBe('holds');
        expect(r.stats.depth).toBe(Math.max(...distances(g)) + 1);
      }),
      { numRuns: 300 },
    );
  });

  it('finds a shortest counterexample to an invariant', () => {
    fc.assert(
      fc.property(graphArb, (g) => {
        const r = check(graphModel(g));
        const ref = shortestTo(g, (s) => g.bad.has(s));
        if (ref === null) {
          expect(r.verdict).toBe('holds');
        } else {
          expect(r.verdict).toBe('violated');
          expect(r.violations[0].trace!.steps.length - 1).toBe(ref);
          expect(endsInBadState(g, r)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('finds a shortest counterexample to a step property', () => {
    fc.assert(
      fc.property(graphArb, (g) => {
        const r = check(graphModel({ ...g, bad: new Set() }, { stepProperty: true }));
        const ref = shortestBadEdge(g);
        expect(r.verdict).toBe(ref === null ? 'holds' : 'violated');
        if (ref !== null) expect(r.violations[0].path!.actions.length).toBe(ref);
      }),
      { numRuns: 300 },
    );
  });

  it('finds a shortest deadlock', () => {
    fc.assert(
      fc.property(graphArb, (g) => {
        const r = check(graphModel({ ...g, bad: new Set() }, { deadlock: true }));
        const ref = shortestTo(g, (s) => g.edges[s].length === 0);
        expect(r.verdict).toBe(ref === null ? 'holds' : 'violated');
        if (ref !== null) {
          expect(r.violations[0].kind).toBe('deadlock');
          expect(r.violations[0].path!.actions.length).toBe(ref);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('with --all reports the first violation of every property', () => {
    fc.assert(
      fc.property(graphArb, (g) => {
        const r = check(graphModel(g, { stepProperty: true }), { all: true });
        const byName = new Map(r.violations.map((v) => [v.property, v.path!.actions.length]));
        expect(byName.get('good') ?? null).toBe(shortestTo(g, (s) => g.bad.has(s)));
        expect(byName.get('good-step') ?? null).toBe(shortestBadEdge(g));
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic: two runs give identical results', () => {
    fc.assert(
      fc.property(graphArb, (g) => {
        const m = graphModel(g, { stepProperty: true });
        expect(withoutTimes(check(m, { all: true }))).toBe(withoutTimes(check(m, { all: true })));
      }),
      { numRuns: 100 },
    );
  });

  it('says incomplete, naming the bound, when the depth bound cuts reachable states off', () => {
    fc.assert(
      fc.property(graphArb, fc.nat(6), (g, maxDepth) => {
        const r = check(graphModel({ ...g, bad: new Set() }), { maxDepth });
        const dist = distances(g);
        const within = dist.filter((d) => d >= 0 && d <= maxDepth).length;
        expect(r.stats.distinctStates).toBe(within);
        const cut = dist.some((d) => d > maxDepth);
        expect(r.verdict).toBe(cut ? 'incomplete' : 'holds');
        expect(r.cutBy).toBe(cut ? 'max-depth' : null);
      }),
      { numRuns: 300 },
    );
  });

  it('stops at --max-states and says so', () => {
    fc.assert(
      fc.property(graphArb, fc.integer({ min: 1, max: 10 }), (g, maxStates) => {
        const r = check(graphModel({ ...g, bad: new Set() }), { maxStates });
        const total = reachable(g);
        expect(r.stats.distinctStates).toBe(Math.min(total, maxStates));
        expect(r.cutBy).toBe(total > maxStates ? 'max-states' : null);
      }),
      { numRuns: 300 },
    );
  });
});

describe('depth-first search', () => {
  it('counts the reachable states and finds a violation exactly when one exists', () => {
    fc.assert(
      fc.property(graphArb, (g) => {
        const r = check(graphModel(g), { strategy: 'dfs', all: true });
        expect(r.stats.distinctStates).toBe(reachable(g));
        expect(r.verdict).toBe(reachesBad(g) ? 'violated' : 'holds');
        if (reachesBad(g)) expect(endsInBadState(g, r)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('finds step-property violations and deadlocks exactly when they exist', () => {
    fc.assert(
      fc.property(graphArb, (g) => {
        const r = check(graphModel({ ...g, bad: new Set() }, { stepProperty: true, deadlock: true }), { strategy: 'dfs', all: true });
        const names = new Set(r.violations.map((v) => v.property));
        expect(names.has('good-step')).toBe(shortestBadEdge(g) !== null);
        expect(names.has('deadlock')).toBe(shortestTo(g, (s) => g.edges[s].length === 0) !== null);
      }),
      { numRuns: 300 },
    );
  });

  it('with a depth bound covers exactly the states within it', () => {
    fc.assert(
      fc.property(graphArb, fc.nat(6), (g, maxDepth) => {
        const r = check(graphModel({ ...g, bad: new Set() }), { strategy: 'dfs', maxDepth });
        const dist = distances(g);
        expect(r.stats.distinctStates).toBe(dist.filter((d) => d >= 0 && d <= maxDepth).length);
        expect(r.cutBy).toBe(dist.some((d) => d > maxDepth) ? 'max-depth' : null);
      }),
      { numRuns: 300 },
    );
  });

  it('runs a 200,000-step chain without recursion limits', () => {
    const n = 200_000;
    const g: Graph = {
      size: n,
      init: [0],
      edges: Array.from({ length: n }, (_, i) => (i + 1 < n ? [i + 1] : [])),
      bad: new Set([n - 1]),
      badEdges: new Set(),
    };
    const r = check(graphModel(g), { strategy: 'dfs' });
    expect(r.verdict).toBe('violated');
    expect(r.violations[0].path!.actions.length).toBe(n - 1);
  });
});

describe('random simulation', () => {
  it('reports violations only where one exists, and never claims the space is covered', () => {
    fc.assert(
      fc.property(graphArb, fc.nat(), (g, seed) => {
        const r = check(graphModel(g), { strategy: 'random', seed, walks: 20, maxDepth: 20 });
        if (!reachesBad(g)) expect(r.verdict).toBe('incomplete');
        else if (r.verdict === 'violated') expect(endsInBadState(g, r)).toBe(true);
        expect(r.verdict).not.toBe('holds');
        expect(r.seed).toBe(seed);
      }),
      { numRuns: 300 },
    );
  });

  it('replays the same walks for the same seed', () => {
    fc.assert(
      fc.property(graphArb, fc.nat(), (g, seed) => {
        const m = graphModel(g, { stepProperty: true });
        const a = check(m, { strategy: 'random', seed, walks: 10, maxDepth: 15, all: true });
        const b = check(m, { strategy: 'random', seed, walks: 10, maxDepth: 15, all: true });
        expect(withoutTimes(a)).toBe(withoutTimes(b));
      }),
      { numRuns: 100 },
    );
  });
});
