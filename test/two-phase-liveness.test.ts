/**
 * Liveness of Gray & Lamport's TwoPhase (the abstract spec in test/fixtures): with weak fairness on every action,
 * every participant decides; without fairness, a lasso stutters on an action that changes nothing.
 * Expectations come from a reference that explores the model as JSON-keyed states and finds
 * weakly fair loops by naive mutual reachability.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { twoPhase, type TwoPhaseAction, type TwoPhaseState } from './fixtures/two-phase-spec.ts';
import { check } from '../src/explore/check.ts';
import type { Fairness, Model } from '../src/model/model.ts';
import { alwaysEventually, eventually, leadsTo } from '../src/model/property.ts';
import { statesAlong } from '../src/trace/trace.ts';
import { explicitGraph, isFairLoop, pendingDistances, shortestCounterexampleWeak, type LiveSpec } from './support/fair-reference.ts';

const ACTION_TYPES = ['TMCommit', 'TMAbort', 'TMRcvPrepared', 'RMPrepare', 'RMChooseToAbort', 'RMRcvCommitMsg', 'RMRcvAbortMsg'] as const;
const decidedRm = (x: string) => x === 'committed' || x === 'aborted';
const allDecided = (s: TwoPhaseState) => s.tmState !== 'init' && s.rmState.every(decidedRm);

const SPECS: Record<string, (states: TwoPhaseState[]) => LiveSpec> = {
  'all-decide': (st) => ({ kind: 'eventually', goal: (v) => allDecided(st[v]) }),
  'prepared-rm1-decides': (st) => ({ kind: 'leadsTo', trigger: (v) => st[v].rmState[0] === 'prepared', goal: (v) => decidedRm(st[v].rmState[0]) }),
  'settles': (st) => ({ kind: 'alwaysEventually', goal: (v) => allDecided(st[v]) }),
};

const RM_ORDER = ['working', 'prepared', 'committed', 'aborted'];
/** How far a state has moved: every field only ever moves forward (a decided RM counts as 2 whichever way). */
function rank(s: TwoPhaseState): number {
  const flags = [...s.tmPrepared, ...s.msgs.prepared, s.msgs.commit, s.msgs.abort, s.tmState !== 'init'].filter(Boolean).length;
  return flags + s.rmState.reduce((sum, x) => sum + Math.min(2, RM_ORDER.indexOf(x)), 0);
}

/** TwoPhase with liveness properties; steps are named by action type so fairness can select them. */
function live(n: number, fairness: readonly Fairness[]): Model<TwoPhaseState, TwoPhaseAction> {
  return {
    ...twoPhase(n),
    step: (a) => ({ kind: 'action', name: a.type }),
    properties: [
      eventually('all-decide', allDecided),
      leadsTo('prepared-rm1-decides', (s) => s.rmState[0] === 'prepared', (s) => decidedRm(s.rmState[0])),
      alwaysEventually('settles', allDecided),
    ],
    fairness,
  };
}

/** Weak fairness, one class per action, on the given action types. */
const weakOn = (types: readonly string[]): Fairness[] => types.map((name) => ({ strength: 'weak', name }));

function expectAgreesWithReference(n: number, types: readonly string[]): { violated: number } {
  const model = live(n, weakOn(types));
  const label = model.label.bind(model);
  const { graph, states } = explicitGraph(model, (a) => (types.includes(a.type) ? [label(a)] : []));
  const idOf = new Map(states.map((s, i) => [JSON.stringify(s), i]));
  const r = check(model, { all: true });
  expect(r.stats.distinctStates).toBe(graph.size);
  let violated = 0;
  for (const [name, specOf] of Object.entries(SPECS)) {
    const spec = specOf(states);
    const shortest = shortestCounterexampleWeak(graph, spec);
    expect(r.properties.find((p) => p.name === name)!.status).toBe(shortest === null ? 'holds' : 'violated');
    const v = r.violations.find((x) => x.property === name);
    if (!v) continue;
    violated++;
    const replay = statesAlong(model, v.path!);
    const ids = replay.states.map((s) => idOf.get(JSON.stringify(s))!);
    const loopStart = v.path!.loopStart ?? null;
    const from = loopStart ?? ids.length - 1;
    expect(from).toBe(shortest);
    expect(pendingDistances(graph, spec)[ids[from]]).toBe(from);
    if (loopStart !== null) {
      // The cycle is a cycle in the model: replaying it returns to the loop's first state.
      expect(ids[ids.length - 1]).toBe(ids[loopStart]);
      const loopEdges = v.path!.actions.slice(loopStart).map((ai, k) => [ids[loopStart + k], ai] as const);
      expect(isFairLoop(graph, new Set(ids.slice(loopStart)), loopEdges)).toBe(true);
    }
  }
  return { violated };
}

describe('two-phase-commit liveness', () => {
  for (const n of [2, 3]) {
    it(`rms=${n}: under weak fairness on every action, every participant eventually decides`, () => {
      const { violated } = expectAgreesWithReference(n, ACTION_TYPES);
      expect(violated).toBe(0);
      const r = check(live(n, [{ strength: 'weak' }]));
      expect(r.verdict).toBe('holds');
      expect(r.warnings).toEqual([]);
    });

    it(`rms=${n}: without fairness, a lasso loops on a step that changes nothing`, () => {
      const { violated } = expectAgreesWithReference(n, []);
      expect(violated).toBe(3);
      // Every TwoPhase step moves a state forward in `rank` or changes nothing, so the only loops
      // are single steps that change nothing (e.g. TMRcvPrepared for an RM already recorded).
      const { graph, states } = explicitGraph(live(n, []), () => []);
      graph.edges.forEach((es, v) => es.forEach((e) => expect(e.to === v || rank(states[e.to]) > rank(states[v])).toBe(true)));
      for (const v of check(live(n, []), { all: true }).violations) {
        expect(v.liveness!.loopLength).toBe(1);
        const steps = v.trace!.steps;
        expect(steps[steps.length - 1].state).toEqual(steps[steps.length - 2].state);
      }
    });
  }

  it('rms=2: agrees with the reference for weak fairness on any subset of the action types', () => {
    fc.assert(
      fc.property(fc.subarray([...ACTION_TYPES]), (types) => {
        expectAgreesWithReference(2, types);
      }),
      { numRuns: 40 },
    );
  });
});
