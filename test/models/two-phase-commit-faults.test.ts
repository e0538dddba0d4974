import { describe, expect, it } from 'vitest';
import { definition, rmIds } from '../../models/two-phase-commit/index.ts';
import { check } from '../../src/explore/check.ts';
import { instantiate } from '../../src/model/definition.ts';
import type { Model } from '../../src/model/model.ts';
import type { World } from '../../src/protocol/world.ts';

interface Config {
  readonly variant?: string;
  readonly system?: string;
  readonly rms?: number;
  readonly faults?: Record<string, string>;
}
const build = ({ variant = 'default', system, rms = 3, faults }: Config = {}) =>
  instantiate(definition, { params: { rms }, variant, system, faults }) as Model<World, unknown>;

/** The states along a scenario given by step labels; each step must be enabled where it is taken. */
function replay(model: Model<World, unknown>, labels: readonly string[]): World[] {
  const states = [model.init()[0]];
  labels.forEach((label, i) => {
    const s = states[states.length - 1];
    const a = model.actions(s).find((x) => model.label(x) === label);
    if (a === undefined) throw new Error(`step ${i + 1} "${label}" is not enabled; enabled: ${model.actions(s).map((x) => model.label(x)).join(' | ')}`);
    states.push(model.next(s, a));
  });
  return states;
}

const consistent = (model: Model<World, unknown>, w: World) => {
  const p = model.properties.find((x) => x.name === 'consistency');
  if (!p || p.kind !== 'always') throw new Error('no consistency property');
  return p.holds(w);
};

/** Replay `labels` and check that consistency fails at the last state and nowhere before. */
function inconsistentExactlyAtEnd(model: Model<World, unknown>, labels: readonly string[]): void {
  const states = replay(model, labels);
  expect(states.slice(0, -1).every((w) => consistent(model, w))).toBe(true);
  expect(consistent(model, states[states.length - 1])).toBe(false);
}

function shortestInconsistency(model: Model<World, unknown>): number {
  const r = check(model);
  expect(r.verdict).toBe('violated');
  expect(r.violations[0].property).toBe('consistency');
  return r.violations[0].trace!.steps.length - 1;
}

/**
 * A prepared RM times out while the TM's Commit is still on its way. Shortest: a committed RM
 * needs a Commit delivered (1), hence the TM's commit (1), hence every RM prepared and every
 * Prepared received (2n). The aborted RM then cannot have aborted while working (it prepared) nor
 * by an Abort (the TM committed): only its timer is left (1). So 2n + 3.
 */
const slowCommit = (n: number) => {
  const ids = rmIds(n);
  return [
    ...ids.flatMap((id) => [`${id}: prepare`, `deliver Prepared ${id}→tm`]),
    'tm: commit',
    'deliver Commit tm→rm1',
    'rm2: timer decisionTimeout',
  ];
};

/**
 * Presumed commit without the forced collecting record (Mohan & Lindsay 1983): rm1 prepares, rm2
 * aborts on its own, the TM crashes and recovers with no record of the transaction; rm1, in doubt,
 * asks, and the TM answers with its presumption. Shortest, for any n ≥ 2: a Commit for a
 * transaction in which an RM aborted can only be the presumption (a decided commit needs every RM
 * prepared, and then none aborts), so the TM must have lost its record (crash, recover: 2); the
 * inquiry needs a prepared RM (1), its timer (1) and the delivery (1); the answer is delivered
 * (1); and another RM aborts (1, on its own: an Abort would need a decision the TM then keeps): 7.
 */
const lostCollectingRecord = [
  'rm1: prepare',
  'rm2: chooseToAbort',
  'crash tm',
  'recover tm',
  'rm1: timer inquiryTimeout',
  'deliver Inquire rm1→tm',
  'deliver Commit tm→rm1',
];

describe('two-phase-commit: fault variants', () => {
  it('every variant behaves as it says at its defaults', () => {
    for (const v of definition.variants) expect(check(build({ variant: v.name })).verdict, v.name).toBe(v.expect);
  });

  for (const n of [2, 3, 4]) {
    it(`timeout-abort (rms=${n}): the slow-commit scenario breaks atomicity in 2n+3 steps, and BFS finds no shorter one`, () => {
      const m = build({ variant: 'timeout-abort', rms: n });
      inconsistentExactlyAtEnd(m, slowCommit(n));
      expect(shortestInconsistency(m)).toBe(2 * n + 3);
    });
  }

  it('timeout-abort is prepared-rm-aborts with the abort moved into a timer: the same state graph size', () => {
    // The timer is armed exactly while an RM is prepared and undecided, and firing it is that RM's
    // unilateral abort, so the two state graphs are isomorphic.
    for (const n of [2, 3, 4]) {
      const a = check(build({ variant: 'timeout-abort', rms: n }), { all: true });
      const b = check(build({ variant: 'prepared-rm-aborts', rms: n }), { all: true });
      expect(a.stats.distinctStates).toBe(b.stats.distinctStates);
    }
  });

  for (const n of [2, 3, 4]) {
    it(`presumed-commit-no-force (rms=${n}): the lost collecting record gives a presumed commit after an abort, in 7 steps`, () => {
      const m = build({ variant: 'presumed-commit-no-force', rms: n });
      inconsistentExactlyAtEnd(m, lostCollectingRecord);
      expect(shortestInconsistency(m)).toBe(lostCollectingRecord.length);
    });
  }

  it('with the record forced, the recovered TM aborts, and the in-doubt RM is told Abort', () => {
    const m = build({ variant: 'presumed-commit' });
    const states = replay(m, lostCollectingRecord.slice(0, -1));
    const inFlight = states[states.length - 1].inFlight().map((e) => `${e.payload.type} ${e.from}→${e.to}`);
    expect(inFlight).toContain('Abort tm→rm1');
    expect(inFlight).not.toContain('Commit tm→rm1');
    expect(() => replay(m, lostCollectingRecord)).toThrow(/step 7 .* is not enabled/);
  });

  it('presumed-commit holds under every crash and loss system, and its presumption is exercised', () => {
    for (const system of ['reliable', 'crash-recovery', 'coordinator-recovery', 'lossy']) {
      const r = check(build({ variant: 'presumed-commit', system }));
      expect(r.verdict, system).toBe('holds');
      expect(r.properties.find((p) => p.name === 'presumption-answers')!.status, system).toBe('holds');
    }
  });

  it('--faults crash=1 on the default variant: atomicity and the deadlock check hold; RMs whose TM crashed after every vote only wait', () => {
    // Blocking is no deadlock: the prepared RMs are up and wait (a step that changes nothing, taken
    // only while the TM is down); what fails is liveness (test/models/two-phase-commit-liveness.test.ts).
    for (const n of [2, 3]) {
      const m = build({ rms: n, faults: { crash: '1' } });
      const r = check(m, { all: true });
      expect(r.violations.map((v) => v.property)).toEqual(['every-participant-decides']);
      const states = replay(m, [...rmIds(n).map((id) => `${id}: prepare`), 'crash tm']);
      const last = states[states.length - 1];
      expect(m.actions(last).map((a) => m.label(a))).toEqual(rmIds(n).map((id) => `${id}: awaitDecision`));
      expect(m.actions(last).every((a) => m.next(last, a) === last)).toBe(true);
      expect(m.terminal!(last)).toBe(false);
    }
  });

  it('coordinator-crash blocks; coordinator-recovery unblocks: the TM comes back and decides', () => {
    const blocked = check(build({ system: 'coordinator-crash' }), { all: true });
    expect(blocked.violations.map((v) => v.property)).toEqual(['every-participant-decides']);
    expect(check(build({ system: 'coordinator-recovery' })).verdict).toBe('holds');
  });

  it('a crashed TM after every RM aborted on its own is a legal end; a lost decision is a deadlock', () => {
    const crashed = build({ rms: 2, system: 'coordinator-crash' });
    const end = replay(crashed, ['rm1: chooseToAbort', 'rm2: chooseToAbort', 'crash tm']);
    expect(crashed.actions(end[end.length - 1])).toEqual([]);
    expect(crashed.terminal!(end[end.length - 1])).toBe(true);
    // Nobody retransmits in TwoPhase: rm1 waits for a Commit that was lost, with the TM up.
    const lossy = build({ rms: 1, system: 'lossy' });
    const lost = replay(lossy, ['rm1: prepare', 'deliver Prepared rm1→tm', 'tm: commit', 'drop Commit tm→rm1']);
    expect(lossy.actions(lost[lost.length - 1])).toEqual([]);
    expect(lossy.terminal!(lost[lost.length - 1])).toBe(false);
    expect(check(lossy).violations.map((v) => v.property)).toContain('deadlock');
  });
});
