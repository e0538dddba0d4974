import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check } from '../src/explore/check.ts';
import type { Violation } from '../src/explore/result.ts';
import type { Fairness, Model, StepInfo, StepKind } from '../src/model/model.ts';
import { alwaysEventually, eventually, leadsTo } from '../src/model/property.ts';
import { statesAlong } from '../src/trace/trace.ts';
import {
  isFairLoop,
  loopSets,
  pendingDistances,
  reachDistances,
  shortestCounterexample,
  type LiveKind,
  type LiveSpec,
  type RefGraph,
} from './support/fair-reference.ts';

/** An edge of a random graph: an action with a label, a step kind and the node it belongs to. */
interface LiveEdge {
  readonly to: number;
  readonly label: string;
  readonly kind: 'local' | 'deliver' | 'drop';
  readonly node: 'p' | 'q';
}

interface LiveGraph {
  readonly size: number;
  readonly init: readonly number[];
  readonly edges: readonly (readonly LiveEdge[])[];
  readonly goal: ReadonlySet<number>;
  readonly trigger: ReadonlySet<number>;
  readonly fairness: readonly Fairness[];
}

const LABELS = ['a1', 'a2', 'b1', 'b2', 'c1'];
/** A step's name is its label's letter, so `#a` selects a1 and a2. */
const nameOf = (label: string) => label[0];

const fairnessArb: fc.Arbitrary<Fairness> = fc
  .record(
    {
      strength: fc.constantFrom('weak' as const, 'strong' as const),
      kind: fc.constantFrom<StepKind | StepKind[]>('local', 'deliver', 'drop', ['local', 'drop'], ['local', 'deliver']),
      node: fc.constantFrom('p', 'q'),
      name: fc.constantFrom('a', 'b', 'c'),
      per: fc.constantFrom('action' as const, 'node' as const, 'all' as const),
    },
    { requiredKeys: ['strength'] },
  )
  .map((f) => f as Fairness);

const liveGraphArb: fc.Arbitrary<LiveGraph> = fc.integer({ min: 1, max: 7 }).chain((size) =>
  fc.record({
    size: fc.constant(size),
    init: fc.uniqueArray(fc.nat(size - 1), { minLength: 1, maxLength: 2 }),
    edges: fc.array(
      fc.array(
        fc.record({
          to: fc.nat(size - 1),
          label: fc.constantFrom(...LABELS),
          kind: fc.constantFrom('local' as const, 'local' as const, 'deliver' as const, 'drop' as const),
          node: fc.constantFrom('p' as const, 'q' as const),
        }),
        { maxLength: 3 },
      ),
      { minLength: size, maxLength: size },
    ),
    goal: fc.uniqueArray(fc.nat(size - 1), { maxLength: size }).map((xs) => new Set(xs)),
    trigger: fc.uniqueArray(fc.nat(size - 1), { maxLength: size }).map((xs) => new Set(xs)),
    fairness: fc.array(fairnessArb, { maxLength: 3 }),
  }),
);

/** Statuses of the named properties, in order. */
const statusOf = (r: { properties: readonly { name: string; status: string }[] }, ...names: string[]) =>
  names.map((n) => r.properties.find((p) => p.name === n)!.status);

type Act = LiveEdge & { readonly from: number; readonly index: number };

function liveModel(g: LiveGraph, extra: Partial<Model<number, Act>> = {}): Model<number, Act> {
  return {
    init: () => g.init,
    actions: (s) => g.edges[s].map((e, index) => ({ ...e, from: s, index })),
    next: (_s, a) => a.to,
    label: (a) => a.label,
    step: (a): StepInfo =>
      a.kind === 'deliver' ? { kind: 'deliver', from: 'x', to: a.node, name: nameOf(a.label) } : { kind: a.kind, node: a.node, name: nameOf(a.label) },
    properties: [
      eventually<number>('ev', (s) => g.goal.has(s)),
      leadsTo<number>('lt', (s) => g.trigger.has(s), (s) => g.goal.has(s)),
      alwaysEventually<number>('ae', (s) => g.goal.has(s)),
    ],
    fairness: g.fairness,
    checkDeadlock: false,
    ...extra,
  };
}

/** Fairness classes of an edge, by the documented rule, written out independently. */
function referenceClasses(g: LiveGraph, e: LiveEdge): string[] {
  const out: string[] = [];
  g.fairness.forEach((f, j) => {
    const kinds = f.kind === undefined ? null : typeof f.kind === 'string' ? [f.kind] : f.kind;
    if (kinds === null ? e.kind === 'drop' : !kinds.includes(e.kind)) return;
    if (f.node !== undefined && f.node !== e.node) return;
    if (f.name !== undefined && f.name !== nameOf(e.label)) return;
    const per = f.per ?? 'action';
    out.push(`${j}/${per === 'all' ? '' : per === 'node' ? e.node : e.label}`);
  });
  return out;
}

function referenceGraph(g: LiveGraph): RefGraph {
  const strong = new Set<string>();
  const edges = g.edges.map((es) =>
    es.map((e) => {
      const classes = referenceClasses(g, e);
      for (const c of classes) if (g.fairness[Number(c.split('/')[0])].strength === 'strong') strong.add(c);
      return { to: e.to, classes };
    }),
  );
  return { size: g.size, init: g.init, edges, strong };
}

const KINDS: Record<string, LiveKind> = { ev: 'eventually', lt: 'leadsTo', ae: 'alwaysEventually' };

function spec(g: LiveGraph, name: string): LiveSpec {
  return { kind: KINDS[name], goal: (v) => g.goal.has(v), trigger: (v) => g.trigger.has(v) };
}

/**
 * Check a counterexample against the definitions: it replays; a lasso returns to its loop's first
 * state and its loop is fair; a finite one ends where nothing is enabled; the obligation is
 * pending from some point on to the end; and its prefix is as short as the reference's.
 */
function expectGenuine(g: LiveGraph, ref: RefGraph, model: Model<number, Act>, v: Violation, shortest: number | null): void {
  const s = spec(g, v.property);
  const { states, actions } = statesAlong(model, v.path!);
  const last = states.length - 1;
  const loopStart = v.path!.loopStart ?? null;
  expect(v.trace!.loopStart).toBe(loopStart);
  const from = loopStart ?? last;
  if (loopStart === null) {
    expect(g.edges[states[last]]).toHaveLength(0);
    expect(v.liveness!.end).not.toBe('loop');
  } else {
    expect(last).toBeGreaterThan(loopStart);
    expect(states[last]).toBe(states[loopStart]);
    expect(v.liveness!.loopLength).toBe(last - loopStart);
    const loopEdges = actions.slice(loopStart).map((a) => [a.from, a.index] as const);
    expect(isFairLoop(ref, new Set(states.slice(loopStart)), loopEdges)).toBe(true);
  }
  if (s.kind === 'eventually') expect(states.every((x) => !s.goal(x))).toBe(true);
  if (s.kind === 'alwaysEventually') expect(states.slice(from).every((x) => !s.goal(x))).toBe(true);
  if (s.kind === 'leadsTo') {
    const fired = states.some((x, j) => s.trigger!(x) && states.slice(Math.min(j, from)).every((y) => !s.goal(y)));
    expect(fired).toBe(true);
  }
  expect(from).toBe(shortest);
  expect(pendingDistances(ref, s)[states[from]]).toBe(from);
}

describe('liveness on random graphs with random fairness, against a brute-force reference', () => {
  it('decides eventually, leadsTo and alwaysEventually exactly, with genuine shortest-prefix counterexamples', () => {
    let violated = 0;
    let loops = 0;
    fc.assert(
      fc.property(liveGraphArb, (g) => {
        const ref = referenceGraph(g);
        const model = liveModel(g);
        const r = check(model, { all: true });
        for (const name of ['ev', 'lt', 'ae']) {
          const shortest = shortestCounterexample(ref, spec(g, name));
          const status = r.properties.find((p) => p.name === name)!.status;
          expect(status).toBe(shortest === null ? 'holds' : 'violated');
          const v = r.violations.find((x) => x.property === name);
          expect(v === undefined).toBe(shortest === null);
          if (v) {
            expect(v.kind).toBe(KINDS[name]);
            expectGenuine(g, ref, model, v, shortest);
            violated++;
            if (v.path!.loopStart !== null) loops++;
          }
        }
        expect(r.verdict).toBe(r.violations.length > 0 ? 'violated' : 'holds');
      }),
      { numRuns: 600 },
    );
    // The generator must exercise both outcomes and both counterexample shapes.
    expect(violated).toBeGreaterThan(100);
    expect(loops).toBeGreaterThan(50);
  });

  it('agrees with the reference when given the fairness on the command line instead of in the model', () => {
    fc.assert(
      fc.property(liveGraphArb, fc.array(fairnessArb, { maxLength: 3 }), (g, override) => {
        const withOverride = { ...g, fairness: override };
        const r = check(liveModel(g), { all: true, fairness: override });
        for (const name of ['ev', 'lt', 'ae']) {
          const shortest = shortestCounterexample(referenceGraph(withOverride), spec(g, name));
          expect(r.properties.find((p) => p.name === name)!.status).toBe(shortest === null ? 'holds' : 'violated');
        }
      }),
      { numRuns: 200 },
    );
  });

  it('without --all stops at the first violated liveness property and leaves the later ones unknown', () => {
    fc.assert(
      fc.property(liveGraphArb, (g) => {
        const r = check(liveModel(g));
        const refs = ['ev', 'lt', 'ae'].map((name) => shortestCounterexample(referenceGraph(g), spec(g, name)));
        const first = refs.findIndex((x) => x !== null);
        const expected = refs.map((x, i) => (first < 0 ? 'holds' : i < first ? 'holds' : i === first ? 'violated' : 'unknown'));
        expect(r.properties.map((p) => p.status)).toEqual(expected);
        expect(r.violations).toHaveLength(first < 0 ? 0 : 1);
      }),
      { numRuns: 200 },
    );
  });

  /** Checks the warnings of one graph against the reference; returns which kinds of warning were due. */
  function expectWarnings(g: LiveGraph): { trivial: number; noFairLoop: number; noLoop: number } {
    const ref = referenceGraph(g);
    const r = check(liveModel(g), { all: true });
    const reachable = reachDistances(ref)
      .map((d, v) => (d < Infinity ? v : -1))
      .filter((v) => v >= 0);
    const noFairLoop = loopSets(ref, reachable, true).length === 0;
    const noLoop = loopSets(ref, reachable, false).length === 0;
    const due = { trivial: 0, noFairLoop: 0, noLoop: 0 };
    for (const p of r.properties.filter((x) => x.kind !== 'deadlock')) {
      const warned = (text: string) => r.warnings.some((w) => w.startsWith(`${p.name} `) && w.includes(text));
      const holds = p.status === 'holds';
      const trivial =
        p.name === 'ev'
          ? g.init.every((v) => g.goal.has(v))
          : p.name === 'ae'
            ? reachable.every((v) => g.goal.has(v))
            : !reachable.some((v) => g.trigger.has(v));
      expect(warned(p.name === 'lt' ? 'no reachable state satisfies its trigger' : 'holds trivially')).toBe(holds && trivial);
      expect(warned('no fair infinite behaviour exists')).toBe(holds && !trivial && noFairLoop && !noLoop);
      expect(warned('every behaviour is finite')).toBe(holds && !trivial && noLoop);
      expect(r.warnings.filter((w) => w.startsWith(`${p.name} `)).length).toBeLessThanOrEqual(1);
      if (holds && trivial) due.trivial++;
      if (holds && !trivial && noFairLoop && !noLoop) due.noFairLoop++;
      if (holds && !trivial && noLoop) due.noLoop++;
    }
    return due;
  }

  it('warns when a property holds trivially, vacuously, or only on behaviours that stop', () => {
    fc.assert(
      fc.property(liveGraphArb, (g) => {
        expectWarnings(g);
      }),
      { numRuns: 400 },
    );
  });

  it('warns when the fairness assumptions rule out every cycle (0 ⇄ 1, 0 → 2 strongly fair)', () => {
    const g: LiveGraph = {
      size: 3,
      init: [0],
      edges: [
        [
          { to: 1, label: 'a1', kind: 'local', node: 'p' },
          { to: 2, label: 'b1', kind: 'local', node: 'p' },
        ],
        [{ to: 0, label: 'a2', kind: 'local', node: 'p' }],
        [],
      ],
      goal: new Set([2]),
      trigger: new Set([1]),
      fairness: [{ strength: 'strong', name: 'b' }],
    };
    expect(expectWarnings(g)).toEqual({ trivial: 0, noFairLoop: 3, noLoop: 0 });
    // Without fairness the loop 0 ⇄ 1 is a counterexample, and nothing is to be warned about.
    expect(expectWarnings({ ...g, fairness: [] })).toEqual({ trivial: 0, noFairLoop: 0, noLoop: 0 });
  });
});

describe('liveness under bounds', () => {
  it('never says holds on a graph cut by a depth bound, and what it finds there is genuine', () => {
    fc.assert(
      fc.property(liveGraphArb, fc.nat(4), (g, maxDepth) => {
        const ref = referenceGraph(g);
        const model = liveModel(g);
        const r = check(model, { all: true, maxDepth });
        const cut = reachDistances(ref).some((d) => d > maxDepth && d < Infinity);
        for (const name of ['ev', 'lt', 'ae']) {
          const shortest = shortestCounterexample(ref, spec(g, name));
          const status = r.properties.find((p) => p.name === name)!.status;
          const v = r.violations.find((x) => x.property === name);
          if (!cut) expect(status).toBe(shortest === null ? 'holds' : 'violated');
          else expect(status).not.toBe('holds');
          if (v) {
            // Found on a partial graph: real, though maybe not the shortest.
            expect(shortest).not.toBeNull();
            const { states } = statesAlong(model, v.path!);
            const end = v.path!.loopStart ?? states.length - 1;
            expect(pendingDistances(ref, spec(g, name))[states[end]]).toBeLessThanOrEqual(end);
          }
        }
        if (cut && r.violations.length === 0) {
          expect(r.verdict).toBe('incomplete');
          expect(r.warnings.some((w) => w.includes('--max-depth'))).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  const ring = (n: number): Model<number, string> => ({
    init: () => [0],
    actions: () => ['tick'],
    next: (s) => (s + 1) % n,
    label: (a) => a,
    properties: [eventually('reaches-zero-again', (s) => s === n), alwaysEventually('passes-zero', (s) => s === 0)],
  });

  it('says incomplete with a warning when --max-states or the state constraint cuts the graph', () => {
    const bounded = check(ring(10), { maxStates: 5 });
    expect(bounded.verdict).toBe('incomplete');
    expect(bounded.properties.find((p) => p.name === 'passes-zero')!.status).toBe('unknown');
    expect(bounded.warnings.join('\n')).toMatch(/--max-states/);

    const constrained = check({ ...ring(10), within: (s: number) => s < 6 });
    expect(constrained.cutBy).toBeNull();
    expect(constrained.verdict).toBe('incomplete');
    expect(statusOf(constrained, 'reaches-zero-again', 'passes-zero')).toEqual(['unknown', 'unknown']);
    expect(constrained.warnings.join('\n')).toMatch(/1 state outside the model's state constraint \(within\) was not expanded/);
  });

  it('leaves liveness unknown under dfs and random, and says why', () => {
    for (const strategy of ['dfs', 'random'] as const) {
      const r = check(ring(10), { strategy, seed: 1 });
      expect(r.verdict).toBe('incomplete');
      expect(statusOf(r, 'reaches-zero-again', 'passes-zero')).toEqual(['unknown', 'unknown']);
      expect(r.warnings.join('\n')).toMatch(/only with --strategy bfs/);
    }
  });
});

describe('liveness on deep graphs (no recursion limit)', () => {
  const N = 200_000;

  it(`finds the one loop of a ring of ${N} states: a lasso with an empty prefix and ${N} steps in the loop`, () => {
    const model: Model<number, string> = {
      init: () => [0],
      actions: () => ['tick'],
      next: (s) => (s + 1) % N,
      label: (a) => a,
      properties: [eventually('never', (s) => s < 0), alwaysEventually('passes-zero', (s) => s === 0)],
    };
    const r = check(model, { all: true });
    expect(r.stats.distinctStates).toBe(N);
    expect(statusOf(r, 'never', 'passes-zero')).toEqual(['violated', 'holds']);
    const v = r.violations[0];
    expect(v.path!.loopStart).toBe(0);
    expect(v.path!.actions).toHaveLength(N);
    const { states } = statesAlong(model, v.path!);
    expect(states[N]).toBe(states[0]);
  });

  it(`proves eventually on a chain of ${N} states whose end loops on itself`, () => {
    const model: Model<number, string> = {
      init: () => [0],
      actions: () => ['step'],
      next: (s) => Math.min(s + 1, N - 1),
      label: (a) => a,
      properties: [eventually('reaches-end', (s) => s === N - 1), leadsTo('half-leads-to-end', (s) => s === N / 2, (s) => s === N - 1)],
    };
    const r = check(model, { all: true });
    expect(r.stats.distinctStates).toBe(N);
    expect(r.verdict).toBe('holds');
    expect(r.warnings).toEqual([]);
  });
});

describe('counterexamples that stop', () => {
  const run = (terminal: boolean) =>
    check({
      init: () => [0],
      actions: (s: number) => (s < 3 ? ['inc'] : []),
      next: (s: number) => s + 1,
      label: (a: string) => a,
      ...(terminal ? { terminal: (s: number) => s === 3 } : {}),
      checkDeadlock: false,
      properties: [eventually<number>('reaches-five', (s) => s === 5)],
    } satisfies Model<number, string>);

  it('reports a run into a deadlock, and into a legal end state, as a finite counterexample', () => {
    for (const terminal of [false, true]) {
      const r = run(terminal);
      const v = r.violations[0];
      expect(v.path!.actions).toHaveLength(3);
      expect(v.trace!.loopStart).toBeNull();
      expect(v.liveness).toEqual({ end: terminal ? 'terminal' : 'deadlock', loopLength: 0, fairness: [] });
    }
  });
});

describe('counterexamples under a view that merges states listing their actions in different orders', () => {
  // x alternates 0, 1 by `a` or `b`; `win` reaches the goal. `b` also flips the order in which a
  // state lists its actions, which the view (x only) ignores, as a symmetry or shift view would.
  // Weak fairness on `b` makes the loop take it, so the loop passes through a state listed in the
  // other order than the first state of its view, on which the graph's edges were recorded.
  interface S {
    readonly x: number;
    readonly flipped: boolean;
  }
  const model: Model<S, string> = {
    init: () => [{ x: 0, flipped: false }],
    actions: (s) => (s.x === 9 ? [] : s.flipped ? ['win', 'b', 'a'] : ['a', 'b', 'win']),
    next: (s, a) => (a === 'win' ? { x: 9, flipped: s.flipped } : { x: 1 - s.x, flipped: a === 'b' }),
    label: (a) => a,
    view: (s) => s.x,
    checkDeadlock: false,
    properties: [eventually<S>('wins', (s) => s.x === 9)],
    fairness: [{ strength: 'weak', name: 'b' }],
  };

  it('re-executes into a genuine lasso: the loop takes b, returns to its first state, and never wins', () => {
    const v = check(model).violations[0];
    const { states, actions } = statesAlong(model, v.path!);
    expect(actions).toContain('b');
    expect(actions).not.toContain('win');
    expect(states.every((s) => s.x !== 9)).toBe(true);
    expect(states[states.length - 1].x).toBe(states[v.path!.loopStart!].x);
    expect(v.trace!.steps.map((s) => s.action).slice(1)).toEqual(actions);
  });
});
