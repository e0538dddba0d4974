/**
 * Liveness of the shipped two-phase-commit model: "every participant eventually decides" under
 * the model's fairness (weak, per action, on deliveries, local actions and timers; weak on
 * recover). Verdicts and prefix lengths are compared with the brute-force reference of
 * test/support/fair-reference.ts, run on the model's explicit graph (states keyed by what the
 * model shows, classes from step kinds and labels), and with hand derivations.
 */
import { describe, expect, it } from 'vitest';
import { definition, rmIds, rmStates } from '../../models/two-phase-commit/index.ts';
import { check } from '../../src/explore/check.ts';
import type { Violation } from '../../src/explore/result.ts';
import { instantiate } from '../../src/model/definition.ts';
import { identity, type Model, type StepKind } from '../../src/model/model.ts';
import type { TwoPhaseWorld as World } from '../../models/two-phase-commit/index.ts';
import { toJsonValue } from '../../src/state/json.ts';
import { statesAlong } from '../../src/trace/trace.ts';
import { explicitGraph, shortestCounterexampleWeak } from '../support/fair-reference.ts';

interface Config {
  readonly variant?: string;
  readonly system?: string;
  readonly rms?: number;
  readonly faults?: Record<string, string>;
}
const build = ({ variant = 'default', system, rms = 3, faults }: Config = {}) =>
  instantiate(definition, { params: { rms }, variant, system, faults }) as Model<World, unknown>;

const PROPERTY = 'every-participant-decides';
const decided = (w: World) => rmStates(w).every((x) => x === 'committed' || x === 'aborted');

/** A state in the reference graph: keyed by what the model shows (a world is not plain data). */
class Shown {
  constructor(
    readonly w: World,
    private readonly key: unknown,
  ) {}
  toJSON(): unknown {
    return this.key;
  }
}

/**
 * The reference's shortest prefix to a counterexample (null: the property holds), with weak
 * fairness per action (the label) on the given step kinds.
 */
function referencePrefix(model: Model<World, unknown>, fairKinds: readonly StepKind[]): number | null {
  // As a trace file stores it (the TM's Set of prepared RMs as a list), so JSON keys tell states apart.
  const wrap = (w: World) => new Shown(w, toJsonValue(model.show!(w)));
  const shown: Model<Shown, unknown> = {
    init: () => model.init().map(wrap),
    actions: (s) => model.actions(s.w),
    next: (s, a) => wrap(model.next(s.w, a)),
    label: (a) => model.label(a),
    properties: [],
  };
  const { graph, states } = explicitGraph(shown, (a) => (fairKinds.includes(model.step!(a).kind) ? [model.label(a)] : []));
  return shortestCounterexampleWeak(graph, { kind: 'eventually', goal: (v) => decided(states[v].w) });
}
const MODEL_FAIRNESS: StepKind[] = ['deliver', 'local', 'timer', 'recover'];

function violation(r: ReturnType<typeof check>): Violation {
  const v = r.violations.find((x) => x.property === PROPERTY);
  if (!v) throw new Error(`${PROPERTY} is not violated`);
  return v;
}

/** The lasso replayed: the loop returns to its first state (by the model's identity) and the goal never holds. */
function expectGenuineLasso(model: Model<World, unknown>, v: Violation): { states: World[]; labels: string[]; loopStart: number } {
  const path = v.path!;
  const loopStart = path.loopStart!;
  expect(loopStart).toEqual(expect.any(Number));
  const { states, actions } = statesAlong(model, path);
  const id = identity(model);
  const fp = (w: World) => {
    const out = new Int32Array(2);
    id(w, out);
    return `${out[0]}:${out[1]}`;
  };
  expect(states.length - 1 - loopStart).toBe(v.liveness!.loopLength);
  expect(v.liveness!.loopLength).toBeGreaterThan(0);
  expect(fp(states[states.length - 1])).toBe(fp(states[loopStart]));
  expect(states.every((w) => !decided(w))).toBe(true);
  return { states, labels: actions.map((a) => model.label(a)), loopStart };
}

describe('two-phase-commit: every participant eventually decides', () => {
  for (const n of [2, 3]) {
    it(`reliable, rms=${n}: holds under the model's fairness, as the reference says; TwoPhase's 6^n + 4^n + 2^n states`, () => {
      const m = build({ rms: n });
      const r = check(m);
      expect(r.properties.find((p) => p.name === PROPERTY)!.status).toBe('holds');
      expect(r.verdict).toBe('holds');
      expect(r.warnings).toEqual([]);
      expect(r.stats.distinctStates).toBe(6 ** n + 4 ** n + 2 ** n);
      expect(referencePrefix(m, MODEL_FAIRNESS)).toBeNull();
    });
  }

  it("the wait step never happens without a crash: generated states are TLC's for TwoPhase (docs/baselines.md)", () => {
    // TLC "states generated" for TwoPhase: n=3 1,146 and n=4 8,258. A wait step that were enabled
    // without a crash would add a (self-loop) transition per prepared RM and state.
    expect(check(build({ rms: 3 })).stats.generatedStates).toBe(1146);
    expect(check(build({ rms: 4 })).stats.generatedStates).toBe(8258);
  });

  for (const n of [2, 3]) {
    it(`coordinator-crash, rms=${n}: a lasso after n+1 steps in which the prepared RMs wait forever (the blocking problem)`, () => {
      // Prefix n+1, and no shorter: on the loop no RM can be working (its prepare would be enabled
      // throughout, and is weakly fair), so each of the n RMs took a step; the TM cannot be up and
      // undecided (its abort is weakly fair) nor decided (its decision stays deliverable in the set
      // network, weakly fair, and decides every RM), so it crashed before deciding: one more step.
      // n RM steps and the crash suffice. On the loop only the waits of the prepared RMs are
      // enabled (a crashed TM receives nothing; a prepared RM has nothing else to do), each its own
      // weakly fair class enabled throughout: each is taken, once, and none changes the state.
      const m = build({ rms: n, system: 'coordinator-crash' });
      const r = check(m);
      expect(r.verdict).toBe('violated');
      const v = violation(r);
      expect(v.liveness!.end).toBe('loop');
      const { states, labels, loopStart } = expectGenuineLasso(m, v);
      expect(loopStart).toBe(n + 1);
      expect(referencePrefix(m, MODEL_FAIRNESS)).toBe(n + 1);

      const prefix = labels.slice(0, loopStart);
      expect(prefix.filter((l) => l === 'crash tm')).toHaveLength(1);
      for (const id of rmIds(n)) expect(prefix.filter((l) => l === `${id}: prepare` || l === `${id}: chooseToAbort`), id).toHaveLength(1);

      const atLoop = states[loopStart];
      const prepared = rmIds(n).filter((_, i) => rmStates(atLoop)[i] === 'prepared');
      expect(prepared.length).toBeGreaterThan(0);
      expect([...labels.slice(loopStart)].sort()).toEqual(prepared.map((id) => `${id}: awaitDecision`).sort());
      expect(states.slice(loopStart).every((w) => w === atLoop)).toBe(true);
    });
  }

  it('--faults crash=1,crash-nodes=tm is the coordinator-crash system: the same lasso', () => {
    const bySystem = check(build({ system: 'coordinator-crash' }));
    const byFaults = check(build({ faults: { crash: '1', 'crash-nodes': 'tm' } }));
    expect(violation(byFaults).trace!.steps.map((s) => s.action)).toEqual(violation(bySystem).trace!.steps.map((s) => s.action));
    expect(violation(byFaults).path!.loopStart).toBe(violation(bySystem).path!.loopStart);
  });

  for (const n of [1, 2, 3]) {
    it(`reliable, rms=${n}, --fairness none: a lasso after 2 steps, looping on a delivery that changes nothing`, () => {
      // Without fairness any loop will do. Every TwoPhase step moves the state forward (RM and TM
      // states, tmPrepared and the message set only grow) or changes nothing, so loops are steps
      // that change nothing: a second delivery of a message (the set never consumes it). None
      // exists in the first two states (no message is delivered yet at step 0, and after one step
      // the only messages in flight have not been delivered), and the run never stops (with the
      // TM up, its abort or its decision's delivery is always enabled). So: two steps to deliver a
      // message that leaves an RM undecided (a Prepared: prepare, deliver; or an Abort to an RM
      // that aborted on its own, when another RM is still working), then its redelivery.
      const m = build({ rms: n });
      const r = check(m, { fairness: [] });
      expect(r.fairness).toBe('none');
      const v = violation(r);
      const { states, labels, loopStart } = expectGenuineLasso(m, v);
      expect(loopStart).toBe(2);
      expect(v.liveness!.loopLength).toBe(1);
      expect(labels[2]).toMatch(/^deliver /);
      expect(states[3]).toBe(states[2]);
      expect(referencePrefix(m, [])).toBe(2);
    });
  }

  it('coordinator-recovery holds because a crashed TM is assumed to restart (weak fairness on recover)', () => {
    for (const variant of ['default', 'presumed-commit']) {
      const m = build({ variant, system: 'coordinator-recovery' });
      expect(check(m).properties.find((p) => p.name === PROPERTY)!.status, variant).toBe('holds');
      // Without that assumption the TM may stay down, and its RMs wait for ever.
      const r = check(m, { fairness: [{ strength: 'weak', kind: ['deliver', 'local', 'timer'] }] });
      expect(violation(r).liveness!.end, variant).toBe('loop');
      expect(referencePrefix(m, ['deliver', 'local', 'timer']), variant).toBe(violation(r).path!.loopStart);
    }
  });
});
