import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { definition } from '../../models/byzantine-generals/index.ts';
import { ATTACK, RETREAT, type Order } from '../../models/byzantine-generals/common.ts';
import type { Msg } from '../../models/byzantine-generals/protocol.ts';
import type { OralRound, OralState } from '../../models/byzantine-generals/reduced-oral.ts';
import type { SignedRound, SignedState } from '../../models/byzantine-generals/reduced-signed.ts';
import { check } from '../../src/explore/check.ts';
import { instantiate } from '../../src/model/definition.ts';
import { InputError } from '../../src/model/errors.ts';
import type { Model } from '../../src/model/model.ts';
import type { Always } from '../../src/model/property.ts';
import type { Step } from '../../src/protocol/types.ts';
import type { World } from '../../src/protocol/world.ts';
import { statesAlong } from '../../src/trace/trace.ts';
import { reachable } from '../support/paths.ts';

type Variant = 'oral' | 'signed';
interface Cell {
  n: number;
  f: number;
  m?: number | 'f';
  order?: Order;
}
const build = (variant: Variant, c: Cell, reduce = true) =>
  instantiate(definition, { params: { n: c.n, f: c.f, m: String(c.m ?? 'f'), order: c.order ?? ATTACK, reduce }, variant });

/**
 * OM(m) exactly as the paper states it, over sub-instances rather than paths (independent of
 * both models): the commander sends `value` (a traitor commander: RETREAT); each lieutenant
 * then acts as commander of OM(m − 1) towards the others and decides by majority, ties RETREAT.
 * Traitors follow one fixed strategy: say RETREAT whenever they speak.
 */
function omDecisions(m: number, commander: number, lieutenants: readonly number[], value: Order, traitors: ReadonlySet<number>): Map<number, Order> {
  const received = new Map(lieutenants.map((i) => [i, traitors.has(commander) ? RETREAT : value] as const));
  if (m === 0) return received;
  const sub = new Map(
    lieutenants.map((j) => [j, omDecisions(m - 1, j, lieutenants.filter((x) => x !== j), received.get(j)!, traitors)] as const),
  );
  return new Map(
    lieutenants.map((i) => {
      const votes = [received.get(i)!, ...lieutenants.filter((j) => j !== i).map((j) => sub.get(j)!.get(i)!)];
      const attack = votes.filter((v) => v === ATTACK).length;
      return [i, 2 * attack > votes.length ? ATTACK : RETREAT] as const;
    }),
  );
}

/** Whether "traitor lieutenants always say RETREAT" makes some loyal lieutenant of OM(f) disobey a loyal commander's ATTACK. */
function retreatWitness(n: number, f: number): boolean {
  const lieutenants = Array.from({ length: n - 1 }, (_, i) => i + 1);
  const traitors = new Set(lieutenants.slice(0, f));
  const decisions = omDecisions(f, 0, lieutenants, ATTACK, traitors);
  return lieutenants.some((i) => !traitors.has(i) && decisions.get(i) === RETREAT);
}

/**
 * The verdict the paper predicts with m = f and the commander ordering ATTACK:
 * - f ≥ n: no such instance;
 * - n = f + 1: IC1 and IC2 hold vacuously — with a loyal commander every lieutenant is a
 *   traitor, with a traitor commander one loyal lieutenant is left, so no two loyal
 *   lieutenants can disagree and no loyal lieutenant can disobey a loyal commander;
 * - oral: Theorem 1 (OM(m) works with more than 3m generals and at most m traitors) gives
 *   holds for n ≥ 3f + 1; below, for f + 2 ≤ n ≤ 3f, violated — the traitor strategy
 *   "always say RETREAT" makes a loyal lieutenant disobey (checked per cell by `retreatWitness`);
 * - signed: Theorem 2 (SM(m) works for any number of generals with at most m traitors): holds.
 */
function expected(variant: Variant, n: number, f: number): 'holds' | 'violated' | 'invalid' {
  if (f >= n) return 'invalid';
  if (n === f + 1 || variant === 'signed') return 'holds';
  return n >= 3 * f + 1 ? 'holds' : 'violated';
}

const loyalDecisionsOf = (w: World) => w.loyal('lieutenant').map((id) => w.node<{ durable: { decision: Order | null }; volatile: unknown }>(id).durable.decision);

describe('byzantine-generals: the paper’s bounds', () => {
  it('the "always RETREAT" strategy breaks OM(f) exactly on the cells the closed form calls violated', () => {
    for (let f = 1; f <= 3; f++) {
      for (let n = f + 2; n <= 3 * f + 3; n++) expect(retreatWitness(n, f)).toBe(expected('oral', n, f) === 'violated');
    }
  });

  for (const variant of ['oral', 'signed'] as const) {
    it(`${variant}: verdicts for n = 2…7, f = 0…2 (m = f) follow the closed form`, () => {
      for (let f = 0; f <= 2; f++) {
        for (let n = 2; n <= 7; n++) {
          const want = expected(variant, n, f);
          if (want === 'invalid') {
            expect(() => build(variant, { n, f })).toThrow(InputError);
            continue;
          }
          const r = check(build(variant, { n, f }));
          expect(r.verdict, `${variant} n=${n} f=${f}`).toBe(want);
          // Decisions are made in the last of the m + 1 rounds, one step each: every counterexample has m + 1 steps.
          for (const v of r.violations) expect(v.trace!.steps.length - 1).toBe(f + 1);
          expect(r.properties.filter((p) => p.kind === 'sometimes').every((p) => p.status === 'holds')).toBe(true);
        }
      }
    });
  }

  it('the variants behave as declared at their defaults (n = 3, f = 1)', () => {
    for (const v of definition.variants) {
      const r = check(instantiate(definition, { params: Object.fromEntries(definition.params.map((p) => [p.name, p.default])), variant: v.name }));
      expect(r.verdict).toBe(v.expect);
    }
  });
});

describe('byzantine-generals: the three-generals counterexample (Lamport et al., Fig. 1)', () => {
  // The commander is loyal and orders ATTACK; lieutenant l1 is the traitor and tells l2 that the
  // commander said RETREAT. l2 holds ATTACK and RETREAT: a tie, so it retreats — IC2 fails.
  const replay = <S, A>(model: Model<S, A>, initIndex: number, labels: readonly string[]) => {
    let s = model.init()[initIndex];
    const ic2 = model.properties.find((p) => p.name === 'IC2') as Always<S>;
    const states = [s];
    for (const label of labels) {
      const a = model.actions(s).find((x) => model.label(x) === label);
      expect(a, `no step "${label}"`).toBeDefined();
      s = model.next(s, a!);
      states.push(s);
    }
    return states.map((x) => ic2.holds(x));
  };
  const traitorL1 = 1; // placements in lexicographic order: {c}, {l1}, {l2}

  it('replays step by step in the reduced model: one step per round, IC2 fails at the end', () => {
    const model = build('oral', { n: 3, f: 1 });
    expect(replay(model, traitorL1, ['round 1', 'round 2: l1→l2 c:RETREAT'])).toEqual([true, true, false]);
    const r = check(model);
    expect(r.violations[0].property).toBe('IC2');
    // Minimal: the decision is taken in round m + 1 = 2, i.e. at step 2, in every behaviour.
    expect(r.violations[0].trace!.steps.length - 1).toBe(2);
  });

  it('replays step by step in the unreduced model: a choice per (traitor, loyal general) and a round step, per round', () => {
    const model = build('oral', { n: 3, f: 1 }, false);
    const states = replay(model, traitorL1, [
      'byzantine l1 sends nothing to c',
      'byzantine l1 sends nothing to l2',
      'round',
      'byzantine l1 sends nothing to c',
      'byzantine l1 sends Relay(heard={c:RETREAT}) to l2',
      'round',
    ]);
    expect(states).toEqual([true, true, true, true, true, true, false]);
    const r = check(model);
    expect(r.violations[0].property).toBe('IC2');
    // Every round takes f·(n − f) choice steps and one round step, and decisions come with the last: (m + 1)·(f·(n − f) + 1).
    expect(r.violations[0].trace!.steps.length - 1).toBe(2 * (1 * 2 + 1));
  });

  it('a traitor commander (Fig. 2) cannot split l1 and l2: each hears ATTACK and RETREAT, a tie, and retreats', () => {
    const model = build('oral', { n: 3, f: 1 });
    const [c] = model.init();
    let s = model.next(c, model.actions(c).find((a) => model.label(a) === 'round 1: c→l1 ATTACK, c→l2 RETREAT')!);
    s = model.next(s, model.actions(s)[0]);
    expect(model.show!(s)).toMatchObject({ l1: { decision: RETREAT }, l2: { decision: RETREAT } });
  });

  it('with the order RETREAT three generals suffice for OM(1): ties already go the loyal way', () => {
    expect(check(build('oral', { n: 3, f: 1, order: RETREAT })).verdict).toBe('holds');
    expect(check(build('oral', { n: 3, f: 1, order: RETREAT }, false)).verdict).toBe('holds');
  });
});

// ---- reduced vs unreduced -----------------------------------------------------------------------

/** Outcomes up to renaming lieutenants: whether the commander is a traitor, and the loyal lieutenants' decisions. */
function outcomes(variant: Variant, c: Cell, reduce: boolean): Set<string> {
  const model = build(variant, c, reduce);
  const out = new Set<string>();
  for (const s of reachable(model).deadEnds) {
    if (reduce) {
      const st = s as OralState | SignedState;
      const loyal = st.decision.filter((_, k) => k > 0 && (st.traitors & (1 << k)) === 0);
      out.add(`${st.traitors & 1}:${[...loyal].sort().join('')}`);
    } else {
      const w = s as World;
      const ds = loyalDecisionsOf(w).map((d) => (d === ATTACK ? 1 : 2));
      out.add(`${w.byzantine('c') ? 1 : 0}:${ds.sort().join('')}`);
    }
  }
  return out;
}

const SMALL: Cell[] = [
  { n: 2, f: 1 },
  { n: 3, f: 1 },
  { n: 4, f: 1 },
  { n: 5, f: 1 },
  { n: 6, f: 1 },
  { n: 3, f: 2 },
  { n: 4, f: 2 },
  { n: 4, f: 2, m: 1 },
  { n: 3, f: 1, m: 0 },
  { n: 4, f: 1, m: 2 },
  { n: 4, f: 1, m: 2, order: RETREAT },
  { n: 4, f: 3 },
];

describe('byzantine-generals: the reduced model agrees with the unreduced reference', () => {
  for (const variant of ['oral', 'signed'] as const) {
    it(`${variant}: same verdicts, same reachable outcomes on every small cell`, () => {
      for (const c of SMALL) {
        const what = `${variant} ${JSON.stringify(c)}`;
        const [reduced, full] = [check(build(variant, c)), check(build(variant, c, false))];
        expect(reduced.verdict, what).toBe(full.verdict);
        expect(reduced.violations.map((v) => v.property), what).toEqual(full.violations.map((v) => v.property));
        expect(reduced.stats.distinctStates, what).toBeLessThanOrEqual(full.stats.distinctStates);
        expect(outcomes(variant, c, true), what).toEqual(outcomes(variant, c, false));
      }
    });
  }

  it('a reduced counterexample, translated message by message, replays in the unreduced model', () => {
    const cases: [Variant, Cell][] = [
      ['oral', { n: 3, f: 1 }],
      ['oral', { n: 4, f: 2 }],
      ['oral', { n: 4, f: 1, m: 2 }],
      ['oral', { n: 4, f: 1, m: 0 }],
      ['signed', { n: 4, f: 2, m: 1 }],
      ['signed', { n: 3, f: 1, m: 0 }],
    ];
    for (const [variant, c] of cases) {
      const reduced = build(variant, c);
      const violation = check(reduced).violations[0];
      const { actions } = statesAlong(reduced, violation.path!);
      const full = build(variant, c, false) as Model<World, Step>;
      let w = full.init()[violation.path!.initIndex];
      for (const a of actions) {
        // The unreduced model asks for one payload per (traitor, loyal general) pair, then ends the round.
        const wanted = payloads(variant, reduced.nodes!, a as OralRound & SignedRound);
        for (;;) {
          const steps = full.actions(w);
          if (steps[0].kind === 'round') {
            w = full.next(w, steps[0]);
            break;
          }
          const b = steps[0] as Extract<Step, { kind: 'byzantine' }>;
          const want = wanted.get(`${b.from}>${b.to}`) ?? null;
          const pick = steps.find((x) => x.kind === 'byzantine' && canonical(x.payload) === canonical(want));
          expect(pick, `${variant} ${JSON.stringify(c)}: no step sending ${JSON.stringify(want)}`).toBeDefined();
          w = full.next(w, pick!);
        }
      }
      const property = full.properties.find((p) => p.name === violation.property) as Always<World>;
      expect(property.holds(w), `${variant} ${JSON.stringify(c)}`).toBe(false);
    }
  });
});

const canonical = (x: unknown): string => JSON.stringify(x, (_, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v));

/** The unreduced payload each (traitor index, recipient index) pair sends for one reduced round. */
function payloads(variant: Variant, ids: readonly string[], a: OralRound & SignedRound): Map<string, Msg> {
  const out = new Map<string, Msg>();
  if (variant === 'oral') {
    const heard = new Map<string, Record<string, Order>>();
    for (const [j, k, via, v] of a.told) {
      const value = v === 1 ? ATTACK : RETREAT;
      if (via < 0) out.set(`${j}>${k}`, { type: 'Order', value });
      else {
        const path = (build('oral', { n: ids.length, f: 0, m: a.round - 1 }) as unknown as { pathOf: (id: number) => number[] }).pathOf(via);
        const key = `${j}>${k}`;
        heard.set(key, { ...(heard.get(key) ?? {}), [path.map((x) => ids[x]).join('>')]: value });
      }
    }
    for (const [key, h] of heard) out.set(key, { type: 'Relay', heard: h });
  } else if (a.chain) {
    const chain = a.chain.map((x) => ids[x]);
    const sender = a.chain[a.chain.length - 1];
    for (const [k, mask] of a.sent) {
      const items = [ATTACK, RETREAT].filter((_, i) => mask & (1 << i)).map((value) => ({ type: 'Order' as const, value, chain }));
      out.set(`${sender}>${k}`, items.length === 1 ? items[0] : { type: 'Orders', bundle: items });
    }
  }
  return out;
}

// ---- symmetry --------------------------------------------------------------------------------

describe('byzantine-generals: the symmetric fingerprint', () => {
  /** Rename lieutenants by `perm` (perm[i] = new index of lieutenant i; the commander stays 0). */
  const renameOral = (s: OralState, perm: readonly number[], pathOf: (id: number) => readonly number[]): OralState => {
    const size = s.heard.find((r) => r !== null)?.length ?? 0;
    const idOf = new Map(Array.from({ length: size }, (_, p) => [pathOf(p).join(','), p]));
    const heard = Array<(number[] | null)>(s.heard.length).fill(null);
    const decision = Array<number>(s.decision.length).fill(0);
    let traitors = s.traitors & 1;
    s.heard.forEach((row, i) => {
      const j = perm[i];
      if ((s.traitors >> i) & 1) traitors |= 1 << j;
      decision[j] = s.decision[i];
      if (row === null) return;
      const out = Array<number>(size).fill(0);
      row.forEach((v, p) => (out[idOf.get(pathOf(p).map((x) => perm[x]).join(','))!] = v));
      heard[j] = out;
    });
    return { ...s, traitors, heard, decision };
  };
  const renameSigned = (s: SignedState, perm: readonly number[]): SignedState => {
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
  const fp = (model: Model<any, any>, s: unknown) => {
    const out = new Int32Array(2);
    model.fingerprint!(s, out);
    return `${out[0]}:${out[1]}`;
  };

  /**
   * Brute force: a state's class is the least JSON of its renamings (decided states: traitors
   * and decisions only). Two reachable states share a fingerprint iff they share a class —
   * sound (only renamings merge) and exact (every renaming merges).
   */
  for (const [variant, c] of [
    ['oral', { n: 5, f: 1 }],
    ['oral', { n: 5, f: 2 }],
    ['oral', { n: 4, f: 1, m: 3 }],
    ['oral', { n: 4, f: 2, m: 3 }],
    ['signed', { n: 5, f: 2 }],
    ['signed', { n: 5, f: 3, m: 2 }],
  ] as [Variant, Cell][]) {
    it(`${variant} ${JSON.stringify(c)}: equal fingerprints exactly for renamings of one another`, () => {
      const model = build(variant, c) as Model<any, any> & { pathOf?: (id: number) => number[] };
      const m = c.m === undefined || c.m === 'f' ? c.f : c.m;
      const perms = permutations(Array.from({ length: c.n - 1 }, (_, i) => i + 1)).map((p) => [0, ...p]);
      const key = (s: OralState & SignedState) =>
        JSON.stringify(
          s.done === m + 1
            ? [s.done, s.traitors, s.decision]
            : variant === 'oral'
              ? [s.done, s.traitors, s.heard, s.decision]
              : [s.done, s.traitors, s.held, s.relaying, s.decision],
        );
      const rename = (s: any, p: number[]): any => (variant === 'oral' ? renameOral(s, p, model.pathOf!) : renameSigned(s, p));
      const classOf = (s: any) => perms.map((p) => key(rename(s, p))).sort()[0];
      const byFingerprint = new Map<string, string>();
      const byClass = new Map<string, string>();
      for (const s of reachable(model).states) {
        const [f, k] = [fp(model, s), classOf(s)];
        expect(byFingerprint.get(f) ?? k).toBe(k);
        expect(byClass.get(k) ?? f).toBe(f);
        byFingerprint.set(f, k);
        byClass.set(k, f);
      }
    });
  }

  it('any renaming of a reachable state keeps its fingerprint (fast-check)', () => {
    const model = build('oral', { n: 6, f: 2 }) as Model<OralState, OralRound> & { pathOf: (id: number) => number[] };
    const states = reachable(model).states;
    fc.assert(
      fc.property(fc.nat(states.length - 1), fc.shuffledSubarray([1, 2, 3, 4, 5], { minLength: 5, maxLength: 5 }), (i, order) => {
        const perm = [0, ...order];
        expect(fp(model, renameOral(states[i], perm, model.pathOf))).toBe(fp(model, states[i]));
      }),
    );
  });
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
    expect(at(true, { drop: '1' })).toThrow(/reduce=false/);
    expect(at(false, { byzantine: '2' })).toThrow(/set by the params/);
    expect(at(false, { drop: '1' })().faults).toMatchObject({ drop: 1, byzantine: 1, timing: 'rounds' });
  });
});
