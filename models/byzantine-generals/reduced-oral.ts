/**
 * OM(m), reduced: the oral-messages algorithm as its own `Model`, one step per round, with
 * reductions that keep exactly the outcomes that matter — which loyal lieutenants decide what,
 * under which traitor placement — so IC1, IC2 and the witnesses get the verdicts the unreduced
 * reference (`protocol.ts`) gets. Each reduction and why it is sound:
 *
 * 1. **Messages to traitors are not modelled.** An oral traitor may send any value anyway, so
 *    what it hears neither widens nor narrows its choices.
 * 2. **Silence is not a separate choice.** A missing value reads as RETREAT, so a loyal
 *    lieutenant is in the same state after silence as after hearing RETREAT.
 * 3. **Loyal relays are computed, not chosen**: a loyal lieutenant relays what it heard.
 * 4. **The last round is collapsed per recipient, by counting.** In round m+1 nothing is relayed
 *    afterwards, so what traitors tell lieutenant k affects k's decision only. That decision is
 *    a composition of majorities, each monotone (ATTACK iff more ATTACK than RETREAT votes), so
 *    it is monotone in every traitor value: the decisions traitors can cause are exactly those
 *    of "RETREAT on every path" and "ATTACK on every path", independently per recipient — at
 *    most 2 successors per recipient instead of 2^(paths × traitors). Last-round values are
 *    never stored: each innermost majority counts ATTACK votes among k's own value, the loyal
 *    relayers' values (read from their state) and the traitors' votes.
 * 5. **Symmetry over lieutenants.** Lieutenants have one role and no property names one, and
 *    every placement is explored, so renaming lieutenants (traitors with them) maps behaviours
 *    to behaviours. A state's fingerprint is that of its least image under such renamings
 *    (`canonical`). Every candidate is a true image, so only symmetric states are merged; BFS
 *    keeps the concrete state it met first, so traces stay concrete and replayable.
 * 6. **Choices up to symmetry.** Lieutenants alike in a state (equal own rows; before round 1,
 *    all of them) get the traitors' choices in non-decreasing order only: the successors of
 *    other orders are renamings of kept ones (`symmetry.ts`).
 * 7. **Decided states are identified by their decisions**: they have no successors, and the
 *    properties read only the decisions and whether the commander is loyal.
 *
 * Earlier rounds are enumerated in full, up to 6: every traitor value on every path to every
 * loyal lieutenant (2 choices each), all chosen in the round's one step.
 */
import type { Model, StepInfo } from '../../src/model/model.ts';
import { IntHasher } from '../../src/state/fingerprint.ts';
import { ATTACK, RETREAT, generalIds, placements, generalsProperties, isTraitor, loyalLieutenants as loyalOf, type Generals, type Order } from './common.ts';
import { classesBy, compareArrays, least, orderings, symmetricChoices } from './symmetry.ts';

/** Values as numbers in states: 0 nothing (yet), 1 ATTACK, 2 RETREAT. */
const A = 1;
const R = 2;
const orderOf = (v: number): Order | null => (v === A ? ATTACK : v === R ? RETREAT : null);

export interface OralState {
  /** Bit i set: general i is a traitor (bit 0: the commander). */
  readonly traitors: number;
  /** Rounds run so far (0 … m+1). */
  readonly done: number;
  /** By general: the value heard on each stored path (by path id); null for the commander and traitors. */
  readonly heard: readonly (readonly number[] | null)[];
  /** By general: 0 undecided, else the decided value. */
  readonly decision: readonly number[];
}

/**
 * One value a traitor tells a loyal lieutenant: sender, recipient, the path it claims the value
 * came along (a stored path id; -1 for the commander's own order) and the value.
 */
export type Told = readonly [sender: number, recipient: number, via: number, value: number];

export interface OralRound {
  readonly round: number;
  /** Every value traitors tell loyal lieutenants this round (in the last round: one representative choice per recipient). */
  readonly told: readonly Told[];
  /** The last round: the decision of each general (0 where none), else null. */
  readonly decisions: readonly number[] | null;
}

/** The most renamings tried per state (8!); beyond, the fingerprint is still sound but merges fewer states. */
const CANDIDATE_LIMIT = 40320;
/** The most values traitors tell one lieutenant in a round (2^MAX options for it). */
const MAX_CHOICES = 20;
/** The most successors of one state. */
const MAX_SUCCESSORS = 1 << 22;

export type OralModel = Model<OralState, OralRound> & {
  /** The general indices along a stored path. */
  readonly pathOf: (id: number) => readonly number[];
};

export function reducedOral(g: Generals): OralModel {
  const { n, m } = g;
  const ids = generalIds(n);
  const order = g.order === ATTACK ? A : R;

  // Stored paths: c → x1 → … of length 1 … m (the paths a lieutenant hears on before the last round).
  const paths: number[][] = [];
  const masks: number[] = [];
  const byLength: number[][] = [[]];
  const childId: number[] = []; // childId[p * n + j]: the id of p → j (-1 when not stored)
  const key = (p: readonly number[]) => p.join(',');
  const idOf = new Map<string, number>();
  if (m >= 1) {
    let level = [[0]];
    for (let len = 1; len <= m && level.length > 0; len++) {
      byLength.push([]);
      for (const p of level) {
        idOf.set(key(p), paths.length);
        byLength[len].push(paths.length);
        paths.push(p);
        masks.push(p.reduce((acc, x) => acc | (1 << x), 0));
      }
      level = level.flatMap((p) => Array.from({ length: n - 1 }, (_, i) => i + 1).filter((x) => !p.includes(x)).map((x) => [...p, x]));
    }
  }
  for (let p = 0; p < paths.length; p++) {
    for (let j = 0; j < n; j++) childId[p * n + j] = idOf.get(key([...paths[p], j])) ?? -1;
  }
  const prefixId = paths.map((p) => (p.length === 1 ? -1 : idOf.get(key(p.slice(0, -1)))!));
  const lastOf = paths.map((p) => p[p.length - 1]);
  const P = paths.length;

  const traitor = isTraitor;
  const loyalLieutenants = (s: OralState) => loyalOf(s, n);

  /** Lieutenant k's decision when every traitor tells it `x` on every path in the last round. */
  const decide = (s: OralState, k: number, x: number): number => {
    const heard = s.heard;
    const val = (p: number, mask: number, len: number): number => {
      let attack = heard[k]![p] === A ? 1 : 0;
      let votes = 1;
      for (let j = 1; j < n; j++) {
        if (j === k || (mask & (1 << j)) !== 0) continue;
        const v = len === m ? (traitor(s, j) ? x : heard[j]![p]) : val(childId[p * n + j], mask | (1 << j), len + 1);
        votes++;
        if (v === A) attack++;
      }
      return 2 * attack > votes ? A : R;
    };
    if (m === 0) return traitor(s, 0) ? x : order;
    return val(0, 1, 1);
  };

  /**
   * What traitors may tell loyal lieutenants in `round`, as (sender, recipient, via) triples: the
   * commander's order in round 1, later a value for every path `via` of length round − 1 that
   * avoids both the traitor and the recipient.
   */
  const choicesOf = (s: OralState, round: number): [number, number, number][] => {
    const out: [number, number, number][] = [];
    const loyal = loyalLieutenants(s);
    if (round === 1) {
      if (traitor(s, 0)) for (const k of loyal) out.push([0, k, -1]);
      return out;
    }
    for (const via of byLength[round - 1] ?? []) {
      for (let j = 1; j < n; j++) {
        if (!traitor(s, j) || (masks[via] & (1 << j)) !== 0) continue;
        for (const k of loyal) if ((masks[via] & (1 << k)) === 0) out.push([j, k, via]);
      }
    }
    return out;
  };

  const init = (): OralState[] =>
    placements(n, g.f).map((traitors) => ({
      traitors,
      done: 0,
      heard: ids.map((_, i) => (i === 0 || (traitors & (1 << i)) !== 0 ? null : Array<number>(P).fill(0))),
      decision: Array<number>(n).fill(0),
    }));

  const traitorLieutenants = (s: OralState) => {
    const out: number[] = [];
    for (let k = 1; k < n; k++) if (traitor(s, k)) out.push(k);
    return out;
  };

  /**
   * What a loyal lieutenant knows that is not derived from others' states (for m ≤ 2): its
   * decision, the commander's value, and what each traitor (in the order `traitors`) relayed.
   * Values relayed by loyal lieutenants are theirs, so the rows of all loyal lieutenants and the
   * traitor set determine the state.
   */
  const ownRow = (s: OralState, x: number, traitors: readonly number[]): number[] => {
    const row = [s.decision[x]];
    if (m >= 1) row.push(s.heard[x]![0]);
    if (m >= 2) for (const t of traitors) row.push(s.heard[x]![childId[t]]);
    return row;
  };

  /**
   * Classes of interchangeable loyal lieutenants: equal own rows (m ≤ 2), or — before any round,
   * when nobody has heard anything — all of them.
   */
  const interchangeable = (s: OralState): number[][] => {
    const loyal = loyalLieutenants(s);
    if (s.done === 0) return loyal.length > 0 ? [loyal] : [];
    if (m > 2) return loyal.map((k) => [k]);
    const traitors = traitorLieutenants(s);
    return classesBy(loyal, (k) => ownRow(s, k, traitors).join(','));
  };

  const actions = (s: OralState): OralRound[] => {
    const round = s.done + 1;
    if (round > m + 1) return [];
    const triples = choicesOf(s, round);
    const to = new Map<number, [number, number, number][]>();
    for (const t of triples) to.set(t[1], [...(to.get(t[1]) ?? []), t]);
    const telling = (k: number, value: (i: number) => number): Told[] => (to.get(k) ?? []).map(([j, , via], i) => [j, k, via, value(i)] as const);
    const classes = interchangeable(s);
    if (round <= m) {
      // Every value on every path to every loyal lieutenant, as one number per recipient (bit i: i-th value is RETREAT).
      const options = (k: number) => {
        const t = to.get(k)?.length ?? 0;
        if (t > MAX_CHOICES) throw new Error(`round ${round}: ${t} traitor values for one lieutenant, too many to explore`);
        return Array.from({ length: 1 << t }, (_, x) => x);
      };
      return symmetricChoices(classes, options, MAX_SUCCESSORS, `round ${round}`).map((choice) => ({
        round,
        told: choice.flatMap(([k, x]) => telling(k, (i) => ((x >> i) & 1 ? R : A))),
        decisions: null,
      }));
    }
    // The last round: per loyal lieutenant, the decisions "all ATTACK" and "all RETREAT" cause
    // (RETREAT stands for both when they agree).
    const options = (k: number) => {
      const [dA, dR] = [decide(s, k, A), decide(s, k, R)];
      return dA === dR ? [{ v: R, d: dR }] : [{ v: A, d: dA }, { v: R, d: dR }];
    };
    return symmetricChoices(classes, options, MAX_SUCCESSORS, `round ${round}`).map((choice) => {
      const decisions = Array<number>(n).fill(0);
      for (const [k, o] of choice) decisions[k] = o.d;
      return { round, told: choice.flatMap(([k, o]) => telling(k, () => o.v)), decisions };
    });
  };

  const next = (s: OralState, a: OralRound): OralState => {
    if (a.decisions) return { ...s, done: a.round, decision: a.decisions };
    const chosen = new Map(a.told.map(([j, k, via, v]) => [(via < 0 ? 0 : childId[via * n + j]) * n + k, v]));
    const heard = s.heard.map((row, k) => {
      if (row === null) return null;
      const out = row.slice();
      for (const p of byLength[a.round] ?? []) {
        if ((masks[p] & (1 << k)) !== 0) continue;
        const sender = lastOf[p];
        out[p] = traitor(s, sender) ? chosen.get(p * n + k)! : sender === 0 ? order : s.heard[sender]![prefixId[p]];
      }
      return out;
    });
    return { ...s, done: a.round, heard };
  };

  // ---- symmetry: the least image under renamings of lieutenants -------------------------------

  /**
   * The least encoding of the state over renamings of lieutenants. For m ≤ 2 a state is its
   * traitor set and its loyal lieutenants' own rows, which name no loyal lieutenant: the least
   * image over renamings of the traitors, with the rows sorted. For m ≥ 3 rows name loyal
   * lieutenants too, and whole rows are compared over renamings of every lieutenant.
   */
  const canonical = (s: OralState): number[] => {
    const loyal = loyalLieutenants(s);
    if (m <= 2) {
      const told = (t: number) => [loyal.filter((x) => s.heard[x]![childId[t]] === A).length];
      return least(
        orderings(traitorLieutenants(s), m >= 2 ? told : () => [], CANDIDATE_LIMIT).map((traitors) =>
          loyal
            .map((x) => ownRow(s, x, traitors))
            .sort(compareArrays)
            .flat(),
        ),
      );
    }
    const signature = (x: number): number[] => {
      if (traitor(s, x)) return [1];
      const sig = [0, s.decision[x]];
      for (let len = 1; len < byLength.length; len++) sig.push(byLength[len].filter((p) => s.heard[x]![p] === A).length);
      return sig;
    };
    const lieutenants = Array.from({ length: n - 1 }, (_, i) => i + 1);
    const newName = Array<number>(n).fill(0);
    const renamed = Array<number>(P);
    const inverse = Array<number>(P);
    const encode = (ordering: readonly number[]): number[] => {
      ordering.forEach((x, q) => (newName[x] = q + 1));
      // renamed[p]: the id of p renamed (a prefix has a smaller id than its extensions); inverse[p'] = the path renamed to p'.
      for (let p = 0; p < P; p++) {
        renamed[p] = p === 0 ? 0 : childId[renamed[prefixId[p]] * n + newName[lastOf[p]]];
        inverse[renamed[p]] = p;
      }
      const out: number[] = [];
      for (const x of ordering) {
        if (traitor(s, x)) {
          out.push(-1);
          continue;
        }
        out.push(s.decision[x]);
        const row = s.heard[x]!;
        for (let p = 0; p < P; p++) out.push(row[inverse[p]]);
      }
      return out;
    };
    return least(orderings(lieutenants, signature, CANDIDATE_LIMIT).map(encode));
  };

  const hasher = new IntHasher();
  const fingerprint = (s: OralState, out: Int32Array): void => {
    const h = hasher.start();
    h.int(s.done);
    h.int(s.traitors & 1);
    if (s.done === m + 1) {
      const codes: number[] = [];
      for (let k = 1; k < n; k++) codes.push(traitor(s, k) ? -1 : s.decision[k]);
      for (const c of codes.sort((a, b) => a - b)) h.int(c);
    } else {
      for (const x of canonical(s)) h.int(x);
    }
    h.end(out);
  };

  // ---- display ---------------------------------------------------------------------------------

  const pathText = (p: number) => paths[p].map((x) => ids[x]).join('>');

  /**
   * `round 2: l2→l1 c:RETREAT` — l2 tells l1 that c said RETREAT (round 1: `c→l1 ATTACK`, the
   * order itself). A traitor telling one recipient the same value on several paths reads `all V`.
   */
  const label = (a: OralRound): string => {
    const byPair = new Map<string, Told[]>();
    for (const t of a.told) {
      const pair = `${ids[t[0]]}→${ids[t[1]]}`;
      byPair.set(pair, [...(byPair.get(pair) ?? []), t]);
    }
    const parts = [...byPair].map(([pair, told]) => {
      const same = told.every((t) => t[3] === told[0][3]);
      if (told.length > 1 && same) return `${pair} all ${orderOf(told[0][3])}`;
      return `${pair} ${told.map(([, , via, v]) => (via < 0 ? orderOf(v) : `${pathText(via)}:${orderOf(v)}`)).join(' ')}`;
    });
    return parts.length > 0 ? `round ${a.round}: ${parts.join(', ')}` : `round ${a.round}`;
  };

  const show = (s: OralState): unknown => {
    const out: Record<string, unknown> = { traitors: ids.filter((_, i) => traitor(s, i)), round: s.done };
    ids.forEach((id, i) => {
      if (traitor(s, i)) out[id] = 'traitor';
      else if (i === 0) out[id] = `orders ${g.order}`;
      else {
        const heard: Record<string, Order> = {};
        s.heard[i]!.forEach((v, p) => {
          if (v !== 0) heard[pathText(p)] = orderOf(v)!;
        });
        // Empty parts are left out, so a trace shows what a lieutenant hears as it hears it.
        out[id] = { ...(Object.keys(heard).length > 0 ? { heard } : {}), decision: orderOf(s.decision[i]) };
      }
    });
    return out;
  };

  return {
    init,
    actions,
    next,
    label,
    step: (a): StepInfo => ({ kind: 'round', name: `round ${a.round}` }),
    fingerprint,
    show,
    nodes: ids,
    terminal: (s) => s.done === m + 1,
    properties: generalsProperties(g, (s: OralState, k) => orderOf(s.decision[k])),
    pathOf: (id) => paths[id],
  };
}
