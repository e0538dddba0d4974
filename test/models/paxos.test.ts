import { describe, expect, it } from 'vitest';
import { chosen, definition, learned, type PaxosWorld as World } from '../../models/paxos/index.ts';
import { check } from '../../src/explore/check.ts';
import type { CheckResult } from '../../src/explore/result.ts';
import { instantiate, resolveParams, resolveVariant } from '../../src/model/definition.ts';
import { InputError } from '../../src/model/errors.ts';
import { parseFairness } from '../../src/model/fairness.ts';
import { expectGenuineCounterexample, fingerprintOf } from '../support/liveness.ts';
import { firstFailing, replayStates } from '../support/scenario.ts';

const build = (variant: string, system?: string, params: Record<string, number> = {}) =>
  instantiate(definition, { params: { ...resolveParams(definition, resolveVariant(definition, variant), {}), ...params }, variant, system });

/** Each variant checked once at its defaults: several tests below read the same result. */
const atDefaults = new Map<string, CheckResult>();
const checkAtDefaults = (variant: string) => atDefaults.get(variant) ?? atDefaults.set(variant, check(build(variant))).get(variant)!;

/** Phase 1 of ballot `b` by proposer `p` with promises from `acceptors` (each reporting `reported`). */
const phase1 = (p: string, b: number, acceptors: readonly [string, string | null][]) => [
  `${p}: prepare`,
  ...acceptors.flatMap(([a, reported]) => [
    `deliver Prepare(ballot=${b}) ${p}→${a}`,
    `deliver Promise(ballot=${b}, accepted=${reported ?? 'null'}) ${a}→${p}`,
  ]),
];
const accept = (p: string, b: number, value: string, acceptors: readonly string[]) =>
  acceptors.map((a) => `deliver Accept(ballot=${b}, value=${value}) ${p}→${a}`);

/*
 * Lower bounds (N = 3 acceptors, majority 2). A violation needs two values, each chosen or
 * learned; a ballot carries one value, so two ballots are involved. For one ballot's value to be
 * chosen or learned its proposer must start it (1 step), hear q promises (q Prepare + q Promise
 * deliveries), and then either a majority accepts it (2 Accept deliveries) or q acceptors accept
 * it and the proposer hears them (2q deliveries): at least 1 + 2q + min(2, 2q) steps per ballot.
 */

/**
 * ignore-accepted: v1 is chosen in ballot 1 by a1, a2; ballot 2 hears of it from a2 and proposes
 * v2 anyway, chosen by a2, a3. 7 + 7 = 14 steps, the lower bound with q = 2.
 */
const ignoredReport = (value2: string) => [
  ...phase1('p1', 1, [
    ['a1', null],
    ['a2', null],
  ]),
  ...accept('p1', 1, 'v1', ['a1', 'a2']),
  ...phase1('p2', 2, [
    ['a2', '[1,v1]'],
    ['a3', null],
  ]),
  ...accept('p2', 2, value2, ['a2', 'a3']),
];

/**
 * volatile-promise: both ballots finish phase 1 (a1 promises 1, then 2), v2 is chosen by a1, a3;
 * a1 restarts and forgets its promise of 2, so it accepts ballot 1, and with a2 chooses v1.
 * 14 steps as above plus a crash and a recovery: without a crash this variant is Paxos itself,
 * and a crashed acceptor takes no step until it recovers — so 16 is the lower bound.
 */
const forgottenPromise = [
  ...phase1('p1', 1, [
    ['a1', null],
    ['a2', null],
  ]),
  ...phase1('p2', 2, [
    ['a1', null],
    ['a3', null],
  ]),
  ...accept('p2', 2, 'v2', ['a1', 'a3']),
  'crash a1',
  'recover a1',
  ...accept('p1', 1, 'v1', ['a1', 'a2']),
];

/**
 * minority-quorum (q = 1): p1 learns v1 from a1 alone, p2 learns v2 from a2 alone. 5 + 5 = 10
 * steps, the lower bound with q = 1.
 */
const disjointQuorums = [
  ...phase1('p1', 1, [['a1', null]]),
  ...accept('p1', 1, 'v1', ['a1']),
  'deliver Accepted(ballot=1) a1→p1',
  ...phase1('p2', 2, [['a2', null]]),
  ...accept('p2', 2, 'v2', ['a2']),
  'deliver Accepted(ballot=2) a2→p2',
];

describe('paxos (single decree)', () => {
  it('each variant shows what it expects at its defaults; default holds with every witness reached', () => {
    for (const v of definition.variants) {
      const r = checkAtDefaults(v.name);
      expect(r.verdict, v.name).toBe(v.expect);
      if (v.expect === 'violated') expect(r.violations[0].property, v.name).toBe('agreement');
      else {
        expect(r.properties.map((p) => [p.name, p.status])).toEqual([
          ['agreement', 'holds'],
          ['validity', 'holds'],
          ['value-eventually-chosen', 'holds'],
          ['value-chosen', 'holds'],
          ['value-learned', 'holds'],
          ['earlier-value-adopted', 'holds'],
          // Checked under the one deadlock rule; a set network never stops (a message can always be delivered again).
          ['deadlock', 'holds'],
        ]);
        // Liveness was decided on fair infinite behaviours (re-deliveries), not vacuously.
        expect(r.warnings).toEqual([]);
      }
    }
  });

  for (const [variant, scenario] of [
    ['ignore-accepted', ignoredReport('v2')],
    ['volatile-promise', forgottenPromise],
    ['minority-quorum', disjointQuorums],
  ] as const) {
    it(`${variant}: the hand-derived scenario (${scenario.length} steps) decides two values at its last step; BFS finds none shorter`, () => {
      const model = build(variant);
      const states = replayStates(model, scenario) as World[];
      expect(firstFailing(model, 'agreement', states)).toBe(scenario.length);
      const end = states[states.length - 1];
      expect([...new Set([...chosen(end), ...learned(end)])].sort()).toEqual(['v1', 'v2']);

      const r = checkAtDefaults(variant);
      expect(r.violations[0].property).toBe('agreement');
      expect(r.violations[0].trace!.steps.length - 1).toBe(scenario.length);
    });
  }

  it('correct Paxos: the same schedules decide one value — ballot 2 adopts v1, the restarted acceptor keeps its promise', () => {
    const model = build('default');
    const adopted = replayStates(model, ignoredReport('v1')) as World[];
    expect(firstFailing(model, 'agreement', adopted)).toBe(-1);
    expect(chosen(adopted[adopted.length - 1])).toEqual(['v1']);

    const restarted = replayStates(model, forgottenPromise) as World[];
    expect(firstFailing(model, 'agreement', restarted)).toBe(-1);
    expect(chosen(restarted[restarted.length - 1])).toEqual(['v2']);
  });

  it('volatile-promise is safe without crashes: the restart is what breaks it', () => {
    expect(check(build('volatile-promise', 'no-crash')).verdict).toBe('holds');
  });

  it('a single proposer with two ballots is safe, and needs no adoption witness', () => {
    const r = check(build('default', 'crash-recovery', { proposers: 1 }));
    expect(r.verdict).toBe('holds');
    expect(r.properties.some((p) => p.name === 'earlier-value-adopted')).toBe(false);
    expect(r.properties.find((p) => p.name === 'value-eventually-chosen')?.status).toBe('holds');
  });

  it('a quorum of zero acceptors is bad input', () => {
    expect(() => build('minority-quorum', undefined, { acceptors: 1 })).toThrow(InputError);
  });
});

/*
 * Liveness: some value is eventually chosen, under weak fairness on delivery (the default variant
 * declares it). Why it holds, with any number of proposers: ballots are bounded and a proposer only
 * moves up, so some ballot b is the highest ever started, and from some point on nothing else is
 * started. Its Prepare stays in the set network, so fair delivery brings it to every acceptor
 * that is up (a crashed a1 may stay down: the other two are a majority); none has promised more
 * than b, so each promises b. Fair delivery brings the promises back, the proposer sends
 * Accept(b, v), and fair delivery brings it to the acceptors, which accept it (nothing above b is
 * promised): v is chosen. Duelling proposers preempt each other only until the ballots run out.
 */
describe('paxos: some value is eventually chosen', () => {
  const chosenSome = (w: World) => chosen(w).length > 0;

  it('two duelling proposers: the duel is in the checked space, and the last ballot still wins (default holds above)', () => {
    // p1 starts ballot 1, p2 starts ballot 2, which reaches the acceptors first: ballot 1 is
    // preempted, every later message of it ignored. A replay shows the model allows it.
    const model = build('default');
    const duel = [
      'p1: prepare',
      'p2: prepare',
      ...['a1', 'a2', 'a3'].flatMap((a) => [`deliver Prepare(ballot=2) p2→${a}`, `deliver Prepare(ballot=1) p1→${a}`]),
    ];
    const states = replayStates(model, duel) as World[];
    const end = states[states.length - 1];
    expect(chosen(end)).toEqual([]);
    // The Prepare(1) deliveries changed nothing: every acceptor had promised 2.
    expect(fingerprintOf(model, states[3])).toBe(fingerprintOf(model, states[4]));
  });

  it('without fairness: a lasso delivers a message again and again, each time changing nothing', () => {
    // Every step adds a message, promise, vote or fault count, or moves a proposer on, or changes
    // nothing; so the only loops are steps that change nothing, and the first state with one is
    // after a proposer started (1 step) and a Prepare was delivered once (re-delivering it is a
    // no-op): the loop starts after 2 steps. The initial state and the one after `prepare` have
    // no such step (nothing is in flight; every Prepare there is new to its acceptor).
    const model = build('default', 'crash-recovery', { proposers: 1, ballots: 1 });
    const r = check(model, { fairness: [] });
    expect(r.verdict).toBe('violated');
    const v = r.violations.find((x) => x.property === 'value-eventually-chosen')!;
    const run = expectGenuineCounterexample(model, v, chosenSome);
    expect(run.loopStart).toBe(2);
    expect(run.labels[0]).toBe('p1: prepare');
    expect(run.labels[1]).toMatch(/^deliver Prepare\(ballot=1\) p1→a\d$/);
    const start = fingerprintOf(model, run.states[2]);
    for (const s of run.states.slice(2)) expect(fingerprintOf(model, s)).toBe(start);
    // With the declared fairness the same model holds.
    expect(check(model).verdict).toBe('holds');
  });

  it('in a network that consumes messages a run may stop: at the ballot bound, a legal end rather than a deadlock', () => {
    // One ballot, its Prepare lost: nothing is in flight and p1 has no ballot left.
    const model = build('default', 'lossy', { proposers: 1, acceptors: 1, ballots: 1 });
    const stop = ['p1: prepare', 'drop Prepare(ballot=1) p1→a1'];
    const end = replayStates(model, stop).at(-1)!;
    expect(model.actions(end)).toEqual([]);
    expect(model.terminal!(end)).toBe(true);
    const r = check(model);
    expect(r.properties.find((p) => p.name === 'deadlock')?.status).toBe('holds');
    // Nothing is chosen on that behaviour: the nearest liveness counterexample ends there, legally
    // (nothing stops sooner: the initial state and the one after `prepare` have steps).
    const v = r.violations.find((x) => x.property === 'value-eventually-chosen')!;
    const run = expectGenuineCounterexample(model, v, chosenSome);
    expect(v.liveness!.end).toBe('terminal');
    expect(run.labels).toEqual(stop);
  });

  it('fairness on every other protocol step does not help: it is delivery that must be fair', () => {
    const model = build('default', 'crash-recovery', { proposers: 1, ballots: 1 });
    const r = check(model, { fairness: parseFairness('weak:local+timer') });
    const v = r.violations.find((x) => x.property === 'value-eventually-chosen')!;
    expectGenuineCounterexample(model, v, chosenSome);
  });
});
