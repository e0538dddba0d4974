import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ATTACK, RETREAT, generals } from '../../models/byzantine-generals/common.ts';
import { outcomeCounts } from '../../models/byzantine-generals/composition.ts';
import { definition } from '../../models/byzantine-generals/index.ts';
import type { GeneralsWorld, Msg, OralLieutenant, SignedLieutenant } from '../../models/byzantine-generals/protocol.ts';
import type { OralModel, OralState, OralStep } from '../../models/byzantine-generals/reduced-oral.ts';
import type { SignedRound, SignedState } from '../../models/byzantine-generals/reduced-signed.ts';
import { unreducedPath, unreducedTraceFile } from '../../models/byzantine-generals/witness.ts';
import { rebuild } from '../../src/cli/replay.ts';
import { check } from '../../src/explore/check.ts';
import { instantiate, resolveParams } from '../../src/model/definition.ts';
import { InputError } from '../../src/model/errors.ts';
import { identity, type Model } from '../../src/model/model.ts';
import type { Always } from '../../src/model/property.ts';
import type { Step } from '../../src/protocol/types.ts';
import { parseTraceFile, serializeTraceFile, traceFile } from '../../src/trace/file.ts';
import { replay } from '../../src/trace/replay.ts';
import { statesAlong } from '../../src/trace/trace.ts';
import {
  bruteOutcomes,
  build,
  cellName,
  endOutcomes,
  omDirect,
  outcome,
  strategies,
  type Cell,
  type Order,
  type Strategy,
  type Variant,
} from '../support/byzantine.ts';
import { reachable } from '../support/paths.ts';

/**
 * The verdict the paper predicts with m = f and the commander ordering ATTACK:
 * - f ≥ n: no such instance;
 * - n = f + 1: IC1 and IC2 hold vacuously — with a loyal commander every lieutenant is a
 *   traitor, with a traitor commander one loyal lieutenant is left, so no two loyal
 *   lieutenants can disagree and no loyal lieutenant can disobey a loyal commander;
 * - oral: Theorem 1 (OM(m) works with more than 3m generals and at most m traitors) gives
 *   holds for n ≥ 3f + 1; below, for f + 2 ≤ n ≤ 3f, violated — the traitor strategy
 *   "always say RETREAT" makes a loyal lieutenant disobey (checked per cell below);
 * - signed: Theorem 2 (SM(m) works for any number of generals with at most m traitors): holds.
 */
function expected(variant: Variant, n: number, f: number): 'holds' | 'violated' | 'invalid' {
  if (f >= n) return 'invalid';
  if (n === f + 1 || variant === 'signed') return 'holds';
  return n >= 3 * f + 1 ? 'holds' : 'violated';
}

/** Whether "traitor lieutenants l1 … lf always say RETREAT" makes a loyal lieutenant of OM(f) disobey a loyal commander's ATTACK. */
function retreatWitness(n: number, f: number): boolean {
  const lieutenants = Array.from({ length: n - 1 }, (_, i) => i + 1);
  const traitors = new Set(lieutenants.slice(0, f));
  const decisions = omDirect(f, '0', 0, ATTACK, lieutenants, traitors, () => RETREAT);
  return lieutenants.some((i) => !traitors.has(i) && decisions[i] === RETREAT);
}

/** Steps of a reduced counterexample: the order, then (for m ≥ 1) one sub-instance per lieutenant; SM: one per round. */
const reducedLength = (variant: Variant, n: number, m: number) => (variant === 'signed' ? m + 1 : m === 0 ? 1 : n);

describe('byzantine-generals: the paper’s bounds', () => {
  it('the "always RETREAT" strategy breaks OM(f) exactly on the cells the closed form calls violated', () => {
    for (let f = 1; f <= 3; f++) {
      for (let n = f + 2; n <= 3 * f + 3; n++) expect(retreatWitness(n, f), `n=${n} f=${f}`).toBe(expected('oral', n, f) === 'violated');
    }
  });

  for (const variant of ['oral', 'signed'] as const) {
    it(`${variant}: verdicts for n = 2…10, f = 0…3 (m = f) follow the closed form`, () => {
      for (let f = 0; f <= 3; f++) {
        for (let n = 2; n <= 10; n++) {
          const want = expected(variant, n, f);
          if (want === 'invalid') {
            expect(() => build(variant, { n, f })).toThrow(InputError);
            continue;
          }
          const r = check(build(variant, { n, f }), { all: true });
          expect(r.verdict, `${variant} n=${n} f=${f}`).toBe(want);
          for (const v of r.violations) expect(v.trace!.steps.length - 1).toBe(reducedLength(variant, n, f));
          expect(r.properties.filter((p) => p.kind === 'sometimes').every((p) => p.status === 'holds')).toBe(true);
        }
      }
    });
  }

  it('the variants behave as declared at their defaults (n = 3, f = 1; oral-n9-f3: n = 9, f = 3)', () => {
    for (const v of definition.variants) {
      const params = resolveParams(definition, v, {});
      const r = check(instantiate(definition, { params, variant: v.name }));
      expect(r.verdict, v.name).toBe(v.expect);
      expect(r.verdict, v.name).toBe(expected(v.name === 'signed' ? 'signed' : 'oral', Number(params.n), Number(params.f)));
    }
  });
});

/**
 * The distinct states of the reduced models at the defaults (n = 3, f = 1, m = 1, order ATTACK),
 * counted by hand from the reductions' definitions (`reduced-oral.ts`, `reduced-signed.ts`): a
 * state is identified by the rows (rounds) done, whether the commander is a traitor, and the
 * multiset of the loyal lieutenants' codes. Traitors are placed in the order {c}, {l1}, {l2};
 * {l2}'s initial state (one loyal lieutenant, nothing known) is {l1}'s, so it adds no state.
 */
describe('byzantine-generals: distinct states at the defaults, derived from the reductions', () => {
  it('oral: 15', () => {
    // {c}, loyal l1 and l2, a code being (value received, ATTACK votes) before the lieutenant's
    // own row and its ATTACK votes after it: the start; the traitor commander's order gives
    // ATTACK to 0, 1 or 2 of them (up to symmetry): 3; l1's OM(0), l2 takes l1's value: 3, still
    // distinct (l2 holds R,R / R,A / A,A); l2's OM(0), each decides the majority of its two
    // values, a tie retreating: both RETREAT (from the first two) or both ATTACK: 2.
    const traitorCommander = 1 + 3 + 3 + 2;
    // {l1}, loyal c and l2: the start; c's ATTACK: 1; l1's OM(0), a traitor's, tells l2 ATTACK or
    // RETREAT: 2; l2's OM(0) has no loyal lieutenant in it and l2 decides: ATTACK or RETREAT: 2.
    const traitorLieutenant = 1 + 1 + 2 + 2;
    expect(check(build('oral', { n: 3, f: 1 }), { all: true }).stats.distinctStates).toBe(traitorCommander + traitorLieutenant);
  });

  it('signed: 16', () => {
    // {c}, a code being (V, relaying, decision): the start; round 1, the traitor commander sends
    // each loyal lieutenant any subset of {ATTACK, RETREAT} signed by c, up to symmetry the
    // multisets of 2 of the 4 subsets: C(5, 2) = 10; round 2, no traitor lieutenant is left to
    // sign a chain, each loyal one receives what the other relays, both end with the union and
    // decide alike: ATTACK iff it is {ATTACK}, else RETREAT: 2.
    const traitorCommander = 1 + 10 + 2;
    // {l1}: the start; round 1, l2 accepts c's ATTACK and relays it: 1; round 2, it decides ATTACK: 1.
    const traitorLieutenant = 1 + 1 + 1;
    expect(check(build('signed', { n: 3, f: 1 }), { all: true }).stats.distinctStates).toBe(traitorCommander + traitorLieutenant);
  });
});

describe('byzantine-generals: the three-generals counterexample (Lamport et al., Fig. 1)', () => {
  // The commander is loyal and orders ATTACK; lieutenant l1 is the traitor and tells l2 that the
  // commander said RETREAT. l2 holds ATTACK and RETREAT: a tie, so it retreats — IC2 fails.
  const replaySteps = <S, A>(model: Model<S, A>, initIndex: number, labels: readonly string[]) => {
    let s = model.init()[initIndex];
    const ic2 = model.properties.find((p) => p.name === 'IC2') as Always<S>;
    const states = [s];
    for (const label of labels) {
      const a = model.actions(s).find((x) => model.label(x) === label);
      expect(a, `no step "${label}" among ${model.actions(s).map((x) => model.label(x)).join(' | ')}`).toBeDefined();
      s = model.next(s, a!);
      states.push(s);
    }
    return { states, ic2: states.map((x) => ic2.holds(x)) };
  };
  const traitorL1 = 1; // placements in lexicographic order: {c}, {l1}, {l2}

  it('replays step by step in the reduced model: the order, then each lieutenant’s OM(0)', () => {
    const model = build('oral', { n: 3, f: 1 });
    const { ic2 } = replaySteps(model, traitorL1, ['c orders ATTACK', "traitor l1's OM(0): l2 decide RETREAT", "l2's OM(0): no loyal lieutenant in it"]);
    expect(ic2).toEqual([true, true, true, false]);
    const r = check(model);
    expect(r.violations[0].property).toBe('IC2');
    expect(r.violations[0].trace!.steps.length - 1).toBe(reducedLength('oral', 3, 1));
  });

  it('replays step by step in the unreduced model: a choice per (traitor, loyal general) and a round step, per round', () => {
    const model = build('oral', { n: 3, f: 1 }, false);
    const { ic2 } = replaySteps(model, traitorL1, [
      'byzantine l1 sends nothing to c',
      'byzantine l1 sends nothing to l2',
      'round',
      'byzantine l1 sends nothing to c',
      'byzantine l1 sends Relay(heard={c:RETREAT}) to l2',
      'round',
    ]);
    expect(ic2).toEqual([true, true, true, true, true, true, false]);
    const r = check(model);
    expect(r.violations[0].property).toBe('IC2');
    // Every round takes f·(n − f) choice steps and one round step, and decisions come with the last: (m + 1)·(f·(n − f) + 1).
    expect(r.violations[0].trace!.steps.length - 1).toBe(2 * (1 * 2 + 1));
  });

  it('a traitor commander (Fig. 2) cannot split l1 and l2: each holds ATTACK and RETREAT, a tie, and retreats', () => {
    const model = build('oral', { n: 3, f: 1 });
    const { states } = replaySteps(model, 0, ['traitor c: l1 get ATTACK, l2 get RETREAT', "l1's OM(0): l2 decide ATTACK", "l2's OM(0): l1 decide RETREAT"]);
    expect(model.show!(states[3])).toMatchObject({
      l1: { votes: { c: ATTACK, l2: RETREAT }, decision: RETREAT },
      l2: { votes: { c: RETREAT, l1: ATTACK }, decision: RETREAT },
    });
  });

  it('with the order RETREAT three generals suffice for OM(1): ties already go the loyal way', () => {
    expect(check(build('oral', { n: 3, f: 1, order: RETREAT })).verdict).toBe('holds');
    expect(check(build('oral', { n: 3, f: 1, order: RETREAT }, false)).verdict).toBe('holds');
  });
});

// ---- cross-checks ---------------------------------------------------------------------------------

/**
 * Cells cheap enough for the suite (the unreduced model in well under a second each); `npm run
 * bench -- byz-crosscheck` compares every cell where the unreduced model finishes.
 */
const SMALL: Cell[] = [
  { n: 2, f: 1 },
  { n: 3, f: 1 },
  { n: 4, f: 1 },
  { n: 5, f: 1 },
  { n: 3, f: 2 },
  { n: 4, f: 2 },
  { n: 4, f: 3 },
  { n: 4, f: 2, m: 1 },
  { n: 3, f: 1, m: 0 },
  { n: 4, f: 1, m: 2 },
  { n: 4, f: 1, m: 2, order: RETREAT },
  // OM(3): round 4 is delivered in slots in the unreduced model.
  { n: 4, f: 1, m: 3 },
  { n: 3, f: 1, m: 4 },
];

describe('byzantine-generals: the reduced models agree with the unreduced reference', () => {
  for (const variant of ['oral', 'signed'] as const) {
    it(`${variant}: same verdicts, same violated properties, same reachable outcomes, on every small cell`, () => {
      for (const c of variant === 'oral' ? [...SMALL, { n: 6, f: 1 }] : SMALL) {
        const what = cellName(variant, c);
        const [reduced, full] = [check(build(variant, c), { all: true }), check(build(variant, c, false), { all: true })];
        expect(reduced.verdict, what).toBe(full.verdict);
        expect(reduced.violations.map((v) => v.property).sort(), what).toEqual(full.violations.map((v) => v.property).sort());
        expect(reduced.stats.distinctStates, what).toBeLessThanOrEqual(full.stats.distinctStates);
        expect(endOutcomes(variant, c, true), what).toEqual(endOutcomes(variant, c, false));
      }
    });
  }
});

describe('byzantine-generals: OM against a brute-force evaluator (every placement, every traitor strategy)', () => {
  it('the reduced model reaches exactly the outcomes of OM run directly, f ≤ 1 up to n = 10 and f = 2 up to n = 5', () => {
    const cells: Cell[] = [
      ...Array.from({ length: 9 }, (_, i) => ({ n: i + 2, f: 1 })),
      { n: 3, f: 2 },
      { n: 4, f: 2 },
      { n: 5, f: 2 },
      { n: 4, f: 1, m: 2 },
      { n: 5, f: 1, m: 2 },
      { n: 4, f: 1, m: 3 },
      { n: 5, f: 2, m: 1 },
      { n: 4, f: 2, order: RETREAT },
    ];
    for (const c of cells) expect(endOutcomes('oral', c, true), cellName('oral', c)).toEqual(bruteOutcomes(c));
  });

  it('each memoised sub-instance outcome set is the set of ATTACK counts OM(k) can end with', () => {
    // OM(0) … OM(2) with up to 5 (OM(2): 4) lieutenants, traitors placed first (the memo's canonical form places them last).
    for (let k = 0; k <= 2; k++) {
      for (let size = 1; size <= (k === 2 ? 4 : 5); size++) {
        for (let t = 0; t < size; t++) {
          for (const commander of ['loyal ATTACK', 'loyal RETREAT', 'traitor'] as const) {
            const lieutenants = Array.from({ length: size }, (_, i) => i + 1);
            const traitors = new Set(commander === 'traitor' ? [0, ...lieutenants.slice(0, t)] : lieutenants.slice(0, t));
            const value: Order = commander === 'loyal RETREAT' ? RETREAT : ATTACK;
            const counts = new Set<number>();
            for (const strategy of strategies(k, lieutenants, traitors)) {
              const d = omDirect(k, '0', 0, value, lieutenants, traitors, strategy);
              counts.add(lieutenants.filter((i) => !traitors.has(i) && d[i] === ATTACK).length);
            }
            const key = { k, loyalCommander: commander !== 'traitor', value: commander === 'traitor' ? 0 : value === ATTACK ? 1 : 2, loyal: size - t, traitors: t };
            expect(outcomeCounts(key), `OM(${k}) ${commander}, ${size - t} loyal, ${t} traitor lieutenants`).toEqual([...counts].sort((a, b) => a - b));
          }
        }
      }
    }
  });
});

describe('byzantine-generals: the reduced OM model identifies states by what their future depends on', () => {
  /** Every reachable concrete state (no merging), with the outcomes reachable from it. */
  const futures = (c: Cell) => {
    const model = build('oral', c) as OralModel;
    const memo = new Map<string, Set<string>>();
    const fingerprint = identity(model);
    const fp = new Int32Array(2);
    const byFingerprint = new Map<string, Set<string>[]>();
    const visit = (s: OralState): Set<string> => {
      const id = JSON.stringify(s);
      const known = memo.get(id);
      if (known) return known;
      const actions = model.actions(s);
      const out = new Set<string>();
      if (actions.length === 0) {
        const decisions = s.decision.filter((_, k) => k > 0 && (s.traitors & (1 << k)) === 0).map((d) => (d === 1 ? ATTACK : RETREAT));
        out.add(outcome((s.traitors & 1) !== 0, decisions));
      }
      for (const a of actions) for (const o of visit(model.next(s, a))) out.add(o);
      memo.set(id, out);
      fingerprint(s, fp);
      const key = `${fp[0]}:${fp[1]}`;
      byFingerprint.set(key, [...(byFingerprint.get(key) ?? []), out]);
      return out;
    };
    model.init().forEach(visit);
    return { states: memo.size, byFingerprint };
  };

  for (const c of [{ n: 5, f: 2 }, { n: 5, f: 3 }, { n: 7, f: 2 }, { n: 4, f: 1, m: 3 }] as Cell[]) {
    it(`${cellName('oral', c)}: states with one fingerprint reach the same outcomes`, () => {
      const { states, byFingerprint } = futures(c);
      for (const [key, sets] of byFingerprint) {
        for (const s of sets) expect([...s].sort(), key).toEqual([...sets[0]].sort());
      }
      // The identification is not vacuous: it merges states.
      expect(byFingerprint.size).toBeLessThan(states);
    });
  }
});

// ---- counterexamples on the unreduced model ---------------------------------------------------

/** The strategy the reduced path's traitor messages make, for the brute-force evaluator. */
function strategyOf(model: OralModel, start: OralState, steps: readonly OralStep[]): Strategy {
  const told = new Map(model.traitorMessages(start, steps).map((t) => [`${t.path.join(',')}>${t.to}`, t.value === 1 ? ATTACK : RETREAT]));
  return (path, to) => {
    const v = told.get(`${path}>${to}`);
    if (v === undefined) throw new Error(`the traitor messages leave ${path} → ${to} open`);
    return v;
  };
}

describe('byzantine-generals: a reduced OM counterexample is a behaviour of the unreduced protocol', () => {
  const loyalDecisions = (w: GeneralsWorld<OralLieutenant>) => Object.fromEntries(w.nodesOf('lieutenant').flatMap((id) => (w.byzantine(id) ? [] : [[id, w.node(id).decision]])));
  const reducedDecisions = (model: OralModel, s: OralState) =>
    Object.fromEntries(model.nodes!.flatMap((id, k) => (k > 0 && (s.traitors & (1 << k)) === 0 ? [[id, s.decision[k] === 1 ? ATTACK : RETREAT]] : [])));

  it('its traitor messages, sent by the unreduced traitors (and fed to the brute-force evaluator), give the same decisions and violate the same property', () => {
    const cells: Cell[] = [{ n: 3, f: 1 }, { n: 4, f: 2 }, { n: 5, f: 2 }, { n: 4, f: 2, m: 1 }, { n: 3, f: 1, m: 0 }, { n: 4, f: 1, m: 3 }, { n: 5, f: 3 }];
    for (const c of cells) {
      const what = cellName('oral', c);
      const reduced = build('oral', c) as OralModel;
      const violation = check(reduced).violations[0];
      const { states, actions } = statesAlong(reduced, violation.path!);
      const end = states[states.length - 1];
      const full = build('oral', c, false) as Model<GeneralsWorld<OralLieutenant>, Step>;
      const path = unreducedPath(generals({ n: c.n, f: c.f, m: String(c.m ?? 'f'), order: ATTACK, reduce: true }, 'oral'), reduced, violation.path!, full);
      const worlds = statesAlong(full, path).states;
      const w = worlds[worlds.length - 1];
      expect(loyalDecisions(w), what).toEqual(reducedDecisions(reduced, end));
      expect((full.properties.find((p) => p.name === violation.property) as Always<GeneralsWorld<OralLieutenant>>).holds(w), what).toBe(false);

      const lieutenants = Array.from({ length: c.n - 1 }, (_, i) => i + 1);
      const traitors = new Set(Array.from({ length: c.n }, (_, i) => i).filter((i) => (end.traitors & (1 << i)) !== 0));
      const direct = omDirect(c.m ?? c.f, '0', 0, ATTACK, lieutenants, traitors, strategyOf(reduced, states[0], actions));
      expect(Object.fromEntries(lieutenants.filter((i) => !traitors.has(i)).map((i) => [`l${i}`, direct[i]])), what).toEqual(reducedDecisions(reduced, end));
    }
  });

  it('n = 9, f = 3: the committed report’s counterexample replays on the unreduced protocol, and OM(3) run directly agrees', () => {
    const text = readFileSync(join(import.meta.dirname, '..', '..', 'reports', 'byzantine-generals-oral-n9-f3.json'), 'utf8');
    const file = parseTraceFile(text, 'reports/byzantine-generals-oral-n9-f3.json');
    expect([file.params.n, file.params.f, file.params.reduce, file.property]).toEqual([9, 3, true, 'IC2']);
    // As `node dist/models/byzantine-generals/unreduce.js <file> > t.json && faultline replay t.json` do.
    const unreduced = parseTraceFile(serializeTraceFile(unreducedTraceFile(file)), 'translated');
    expect(unreduced.params.reduce).toBe(false);
    // OM(3) in slots: rounds 1–3 one each, round 4 one per path c → x; each slot has f·(n − f) choice steps and a round step.
    expect(unreduced.length).toBe((3 + 8) * (3 * 6 + 1));
    expect(replay(rebuild(definition, unreduced), unreduced)).toEqual({ status: 'reproduces' });

    const reduced = build('oral', { n: 9, f: 3 }) as OralModel;
    const { states, actions } = statesAlong(reduced, { initIndex: file.steps[0].actionIndex, actions: file.steps.slice(1).map((s) => s.actionIndex) });
    const lieutenants = Array.from({ length: 8 }, (_, i) => i + 1);
    const traitors = new Set(Array.from({ length: 9 }, (_, i) => i).filter((i) => (states[0].traitors & (1 << i)) !== 0));
    expect(traitors.has(0)).toBe(false);
    const direct = omDirect(3, '0', 0, ATTACK, lieutenants, traitors, strategyOf(reduced, states[0], actions));
    expect(lieutenants.some((i) => !traitors.has(i) && direct[i] === RETREAT)).toBe(true);
    expect(Object.fromEntries(lieutenants.filter((i) => !traitors.has(i)).map((i) => [`l${i}`, direct[i]]))).toEqual(reducedDecisions(reduced, states[states.length - 1]));
  });

  it('a trace file as check --report writes it (faults recorded), of either oral variant, translates and replays as faultline replay rebuilds it', () => {
    for (const [variant, c] of [['oral', { n: 5, f: 2 }], ['oral-n9-f3', { n: 4, f: 1, m: 2 }]] as const) {
      const params = { n: c.n, f: c.f, m: String('m' in c ? c.m : 'f'), order: ATTACK, reduce: true };
      const reduced = instantiate(definition, { params, variant });
      const violation = check(reduced).violations[0];
      const run = { model: definition.name, variant, params, faults: reduced.faults };
      const file = traceFile(run, { property: violation.property, kind: violation.kind, trace: violation.trace! }, reduced.nodes);
      // The reduced trace replays from its file (the recorded knobs are the reduced model's own), and so does its translation.
      expect(replay(rebuild(definition, file), file), variant).toEqual({ status: 'reproduces' });
      const unreduced = unreducedTraceFile(file);
      expect([unreduced.variant, unreduced.params.reduce, unreduced.faults], variant).toEqual([variant, false, reduced.faults]);
      expect(replay(rebuild(definition, unreduced), unreduced), variant).toEqual({ status: 'reproduces' });
    }
  });

  it('a reduced SM counterexample (m < f), translated message by message, replays in the unreduced model', () => {
    for (const c of [{ n: 4, f: 2, m: 1 }, { n: 3, f: 1, m: 0 }] as Cell[]) {
      const reduced = build('signed', c) as Model<SignedState, SignedRound>;
      const violation = check(reduced).violations[0];
      const { actions } = statesAlong(reduced, violation.path!);
      const full = build('signed', c, false) as Model<GeneralsWorld<SignedLieutenant>, Step>;
      let w = full.init()[violation.path!.initIndex];
      for (const a of actions) {
        // The unreduced model asks for one payload per (traitor, loyal general) pair, then ends the round.
        const wanted = signedPayloads(reduced.nodes!, a);
        for (;;) {
          const steps = full.actions(w);
          if (steps[0].kind === 'round') {
            w = full.next(w, steps[0]);
            break;
          }
          const b = steps[0] as Extract<Step, { kind: 'byzantine' }>;
          const want = wanted.get(`${b.from}>${b.to}`) ?? null;
          const pick = steps.find((x) => x.kind === 'byzantine' && JSON.stringify(x.payload) === JSON.stringify(want));
          expect(pick, `${cellName('signed', c)}: no step sending ${JSON.stringify(want)}`).toBeDefined();
          w = full.next(w, pick!);
        }
      }
      expect((full.properties.find((p) => p.name === violation.property) as Always<GeneralsWorld<SignedLieutenant>>).holds(w), cellName('signed', c)).toBe(false);
    }
  });
});

/** The unreduced payload each (traitor index, recipient index) pair sends for one reduced SM round. */
function signedPayloads(ids: readonly string[], a: SignedRound): Map<string, Msg> {
  const out = new Map<string, Msg>();
  if (a.chain) {
    const chain = a.chain.map((x) => ids[x]);
    const sender = a.chain[a.chain.length - 1];
    for (const [k, mask] of a.sent) {
      const items = [ATTACK, RETREAT].filter((_, i) => mask & (1 << i)).map((value) => ({ type: 'Order' as const, value, chain }));
      out.set(`${sender}>${k}`, items.length === 1 ? items[0] : { type: 'Orders', bundle: items });
    }
  }
  return out;
}

// ---- the signed model's symmetric fingerprint ------------------------------------------------------

describe('byzantine-generals: the signed model’s symmetric fingerprint', () => {
  /** Rename lieutenants by `perm` (perm[i] = new index of general i; the commander stays 0). */
  const rename = (s: SignedState, perm: readonly number[]): SignedState => {
    const move = (xs: readonly number[]) => {
      const out = Array<number>(xs.length).fill(0);
      xs.forEach((x, i) => (out[perm[i]] = x));
      return out;
    };
    let traitors = 0;
    for (let i = 0; i < perm.length; i++) if ((s.traitors >> i) & 1) traitors |= 1 << perm[i];
    return { ...s, traitors, held: move(s.held), relaying: move(s.relaying), decision: move(s.decision) };
  };
  const permutations = (xs: number[]): number[][] =>
    xs.length <= 1 ? [xs] : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));

  /**
   * Brute force: a state's class is the least JSON of its renamings (decided states: traitors
   * and decisions only). Two reachable states share a fingerprint iff they share a class —
   * sound (only renamings merge) and exact (every renaming merges).
   */
  for (const c of [{ n: 5, f: 2 }, { n: 5, f: 3, m: 2 }] as Cell[]) {
    it(`${cellName('signed', c)}: equal fingerprints exactly for renamings of one another`, () => {
      const model = build('signed', c) as Model<SignedState, SignedRound>;
      const m = c.m ?? c.f;
      const perms = permutations(Array.from({ length: c.n - 1 }, (_, i) => i + 1)).map((p) => [0, ...p]);
      const key = (s: SignedState) => JSON.stringify(s.done === m + 1 ? [s.done, s.traitors, s.decision] : [s.done, s.traitors, s.held, s.relaying, s.decision]);
      const classOf = (s: SignedState) => perms.map((p) => key(rename(s, p))).sort()[0];
      const fingerprint = identity(model);
      const fp = new Int32Array(2);
      const byFingerprint = new Map<string, string>();
      const byClass = new Map<string, string>();
      for (const s of reachable(model).states) {
        fingerprint(s, fp);
        const [f, k] = [`${fp[0]}:${fp[1]}`, classOf(s)];
        expect(byFingerprint.get(f) ?? k).toBe(k);
        expect(byClass.get(k) ?? f).toBe(f);
        byFingerprint.set(f, k);
        byClass.set(k, f);
      }
    });
  }
});

describe('byzantine-generals: bad input', () => {
  const params = (extra: Record<string, unknown>) => ({ n: 3, f: 1, m: 'f', order: ATTACK, reduce: true, ...extra });
  it.each([
    ['f ≥ n', params({ f: 3 }), /f must be less than n/],
    ['m negative', params({ m: '-1' }), /m must be an integer ≥ 0 or "f"/],
    ['m not a number', params({ m: 'two' }), /m must be an integer ≥ 0 or "f"/],
  ])('%s is an InputError', (_what, p, message) => {
    expect(() => instantiate(definition, { params: p as never, variant: 'oral' })).toThrow(message);
  });

  it('fault knobs: none on the reduced model, none that the params set, others on the unreduced one', () => {
    const at = (reduce: boolean, faults: Record<string, string>) => () =>
      instantiate(definition, { params: params({ reduce }) as never, variant: 'oral', faults });
    expect(at(true, { drop: '1' })).toThrow(/reduced model for these params, equivalent to the protocol only under network=unordered timing=rounds byzantine=1 byzantine-mode=oral/);
    // The knobs it is explored under, given again (as a replay of its trace file does), change nothing.
    expect(at(true, { timing: 'rounds', byzantine: '1', 'byzantine-mode': 'oral' })().faults).toEqual({ network: 'unordered', timing: 'rounds', byzantine: 1, 'byzantine-mode': 'oral' });
    expect(at(false, { byzantine: '2' })).toThrow(/fault byzantine is part of the byzantine-generals protocol \(byzantine=1 for these params and variant\)/);
    expect(at(false, { timing: 'async' })).toThrow(/fault timing is part of/);
    expect(at(false, { 'byzantine-mode': 'signed' })).toThrow(/fault byzantine-mode is part of/);
    expect(at(false, { drop: '1' })().faults).toMatchObject({ drop: 1, byzantine: 1, timing: 'rounds' });
    expect(() => instantiate(definition, { params: params({ reduce: false }) as never, variant: 'oral', system: 'lossy' })).toThrow(/unknown system "lossy"/);
  });

  it('only a reduced OM counterexample translates to the unreduced protocol', () => {
    const file = parseTraceFile(readFileSync(join(import.meta.dirname, '..', '..', 'reports', 'byzantine-generals-oral.json'), 'utf8'), 'oral');
    expect(() => unreducedTraceFile({ ...file, variant: 'signed' })).toThrow(InputError);
    expect(() => unreducedTraceFile({ ...file, params: { ...file.params, reduce: false } })).toThrow(/reduce=true/);
    expect(() => unreducedTraceFile({ ...file, params: { ...file.params, n: 4 } })).toThrow(/does not replay on the reduced model/);
    for (const bad of [{ n: 31 }, { f: '1' }, { order: 'WAIT' }] as Record<string, number | string>[]) expect(() => unreducedTraceFile({ ...file, params: { ...file.params, ...bad } })).toThrow(/params are not those of byzantine-generals/);
  });
});
