/**
 * OM(m) composed from its OM(m − 1) sub-instances (Lamport, Shostak & Pease 1982, §3): the
 * commander sends its value to the lieutenants; then every lieutenant j acts as the commander of
 * an OM(m − 1) instance among the other lieutenants, sending the value it received; lieutenant i
 * decides by majority over the value it received and its decisions in the other lieutenants'
 * sub-instances. OM(0): every lieutenant decides the value it received.
 *
 * A *fold* runs one instance row by row: row 0 is the commander's order, row j the outcome of
 * the sub-instance lieutenant j commands — which loyal lieutenants decide ATTACK in it. Those
 * outcomes are not explored message by message: they are taken from the sub-instance's
 * *outcome set*, the numbers of loyal lieutenants its traitors can make decide ATTACK, which is
 * itself computed by folding the sub-instance (memoised). Why this loses nothing:
 *
 * - **Sub-instances are independent.** The messages of j's sub-instance are exactly those sent
 *   along paths c → j → …, so the traitors' choices in different sub-instances are disjoint,
 *   and the sub-instance outcomes a row-by-row fold can pick are exactly the outcome vectors the
 *   traitors can cause together (their product).
 * - **An outcome set is a set of counts.** Renaming the loyal lieutenants of an instance among
 *   themselves maps it to itself (they run one algorithm and receive one value from a loyal
 *   commander), so its achievable decision vectors are closed under such renamings: a vector is
 *   achievable iff its number of ATTACK decisions is.
 * - **Outcome sets are memoised by what they depend on**: the depth k, whether the commander is
 *   loyal and (if so) its value, and the numbers of loyal and traitor lieutenants — any two
 *   instances alike in these are renamings of each other.
 * - **Witnesses are kept.** Each achievable count keeps the fold that reached it; renamed and
 *   expanded recursively it gives the concrete traitor messages (`Told`) that cause it, so a
 *   counterexample found on the fold can be replayed on the unreduced protocol.
 */
import { ATTACK_VALUE as A, RETREAT_VALUE as R, isTraitor } from './common.ts';
import { classesBy } from './symmetry.ts';

/**
 * One fold state. General 0 is the instance's commander, 1 … size−1 its lieutenants. Values are
 * numbers: 0 not yet known, 1 ATTACK, 2 RETREAT.
 */
export interface FoldState {
  /** Bit i set: general i is a traitor. */
  readonly traitors: number;
  /** Rows folded: 0 none; 1 the commander's order; 1 + j the sub-instances of lieutenants 1 … j. */
  readonly done: number;
  /**
   * By loyal lieutenant i (null for the commander and traitors), by source: [0] the value the
   * commander sent i, [j] i's decision in lieutenant j's sub-instance.
   */
  readonly votes: readonly (readonly number[] | null)[];
  /** By general: 0 undecided, else the decided value. */
  readonly decision: readonly number[];
}

/** One row of a fold: the commander's order (row 0), or the outcome of lieutenant `row`'s sub-instance. */
export interface FoldStep {
  readonly row: number;
  /** Whether the row's commander (the instance's commander, or lieutenant `row`) is a traitor. */
  readonly traitor: boolean;
  /** The loyal lieutenants that receive (row 0) or decide (row j) ATTACK … */
  readonly attack: readonly number[];
  /** … and those that get RETREAT: together every loyal lieutenant, j excepted. */
  readonly retreat: readonly number[];
}

/** A traitor's message: along `path` (the instance's commander first, the traitor that sends last) it tells `to` the value. */
export interface Told {
  readonly path: readonly number[];
  readonly to: number;
  readonly value: number;
}

/** What an instance's outcome set depends on (any two instances alike in it are renamings of each other). */
export interface InstanceKey {
  /** OM(k). */
  readonly k: number;
  readonly loyalCommander: boolean;
  /** The loyal commander's value (0 for a traitor commander: it sends whatever it likes). */
  readonly value: number;
  readonly loyal: number;
  readonly traitors: number;
}

/** How a count of ATTACK decisions is reached in an instance's canonical form, and what its traitors say. */
interface Witness {
  /** The canonical form's lieutenants' decisions (by general; 0 for the commander and traitors). */
  readonly decision: readonly number[];
  readonly told: readonly Told[];
}

const attackCount = (votes: readonly number[]) => votes.reduce((acc, v) => acc + (v === A ? 1 : 0), 0);

/**
 * The fold of an OM(k) instance of `size` generals whose loyal commander sends `value`: its
 * steps, and a key under which states with the same reachable outcomes are identified.
 */
export class Fold {
  /** Rows after the commander's order: one per lieutenant, none for OM(0). */
  readonly rows: number;
  /** How many values a loyal lieutenant's decision is the majority of. */
  private readonly voters: number;

  constructor(
    readonly size: number,
    readonly k: number,
    readonly value: number,
  ) {
    this.rows = k === 0 ? 0 : size - 1;
    this.voters = k === 0 ? 1 : size - 1;
  }

  /** The state before the commander's order, for one placement of the traitors. */
  init(traitors: number): FoldState {
    const votes = Array.from({ length: this.size }, (_, i) => (i === 0 || (traitors & (1 << i)) !== 0 ? null : Array<number>(this.size).fill(0)));
    return { traitors, done: 0, votes, decision: Array<number>(this.size).fill(0) };
  }

  final(s: FoldState): boolean {
    return s.done === 1 + this.rows;
  }

  loyalLieutenants(s: FoldState): number[] {
    const out: number[] = [];
    for (let i = 1; i < this.size; i++) if (!isTraitor(s, i)) out.push(i);
    return out;
  }

  private traitorLieutenants(s: FoldState, except: number): number[] {
    const out: number[] = [];
    for (let i = 1; i < this.size; i++) if (i !== except && isTraitor(s, i)) out.push(i);
    return out;
  }

  /** The sub-instance lieutenant j commands at row j: OM(k − 1) among the other lieutenants. */
  subInstance(s: FoldState, j: number): InstanceKey {
    const loyalCommander = !isTraitor(s, j);
    return {
      k: this.k - 1,
      loyalCommander,
      value: loyalCommander ? s.votes[j]![0] : 0,
      loyal: this.loyalLieutenants(s).length - (loyalCommander ? 1 : 0),
      traitors: this.traitorLieutenants(s, j).length,
    };
  }

  /**
   * A loyal lieutenant as the fold's future sees it: once its own row is folded, only its
   * ATTACK votes count; before, also the value it received (its sub-instance's value).
   */
  private code(s: FoldState, i: number): number {
    const attack = attackCount(s.votes[i]!);
    return i < s.done ? 1000 + attack : 100 * s.votes[i]![0] + attack;
  }

  /**
   * The next row's possible outcomes, up to symmetry: loyal lieutenants alike (equal `code`)
   * are interchangeable, so only how many of each class get ATTACK matters — the first ones.
   */
  steps(s: FoldState): FoldStep[] {
    if (this.final(s)) return [];
    const loyal = this.loyalLieutenants(s);
    const step = (row: number, attack: readonly number[]): FoldStep => ({
      row,
      traitor: isTraitor(s, row),
      attack,
      retreat: loyal.filter((i) => i !== row && !attack.includes(i)),
    });
    if (s.done === 0) {
      if (!isTraitor(s, 0)) return [step(0, this.value === A ? loyal : [])];
      // Nobody has heard anything yet: all loyal lieutenants are alike.
      return Array.from({ length: loyal.length + 1 }, (_, a) => step(0, loyal.slice(0, a)));
    }
    const j = s.done;
    const counts = outcomeCounts(this.subInstance(s, j));
    const classes = classesBy(
      loyal.filter((i) => i !== j),
      (i) => this.code(s, i),
    );
    const out: FoldStep[] = [];
    const pick = (c: number, attack: number[]) => {
      if (c === classes.length) {
        if (counts.includes(attack.length)) out.push(step(j, [...attack].sort((x, y) => x - y)));
        return;
      }
      for (let x = 0; x <= classes[c].length; x++) pick(c + 1, [...attack, ...classes[c].slice(0, x)]);
    };
    pick(0, []);
    return out;
  }

  next(s: FoldState, step: FoldStep): FoldState {
    const votes = s.votes.slice();
    const set = (i: number, v: number) => {
      const row = votes[i]!.slice();
      row[step.row] = v;
      votes[i] = row;
    };
    for (const i of step.attack) set(i, A);
    for (const i of step.retreat) set(i, R);
    const done = s.done + 1;
    let decision = s.decision;
    if (done === 1 + this.rows) {
      decision = votes.map((row) => (row === null ? 0 : 2 * attackCount(row) > this.voters ? A : R));
    }
    return { traitors: s.traitors, done, votes, decision };
  }

  /**
   * What identifies a state for the outcomes it can still reach: the rows folded, whether the
   * commander is a traitor, and the multiset of loyal lieutenants' codes (decided: of their
   * decisions) — which also tells how many loyal rows, and so how many traitor rows, remain.
   * The outcome set is a product over the remaining rows, in any order, and each row's factor
   * depends only on its sub-instance key, so states alike in this reach the same outcomes up
   * to renaming.
   */
  key(s: FoldState): number[] {
    const loyal = this.loyalLieutenants(s);
    const codes = this.final(s) ? loyal.map((i) => s.decision[i]) : loyal.map((i) => this.code(s, i));
    return [s.done, s.traitors & 1, ...codes.sort((x, y) => x - y)];
  }
}

/**
 * The outcome sets of OM(k) instances, memoised by `InstanceKey` for the life of the process
 * (they depend on nothing else), each count with a witness.
 */
const memo = new Map<string, Map<number, Witness>>();

const keyText = (key: InstanceKey) => `${key.k}:${key.loyalCommander ? key.value : 't'}:${key.loyal}:${key.traitors}`;

/** An instance's canonical form: commander 0, loyal lieutenants 1 … loyal, traitors after them. */
function canonical(key: InstanceKey): { fold: Fold; traitors: number } {
  let traitors = key.loyalCommander ? 0 : 1;
  for (let i = 0; i < key.traitors; i++) traitors |= 1 << (1 + key.loyal + i);
  return { fold: new Fold(1 + key.loyal + key.traitors, key.k, key.value), traitors };
}

function witnesses(key: InstanceKey): Map<number, Witness> {
  const text = keyText(key);
  let out = memo.get(text);
  if (out) return out;
  out = new Map();
  if (key.loyal === 0) {
    out.set(0, { decision: Array<number>(1 + key.traitors).fill(0), told: [] });
  } else {
    // Depth-first over the canonical form's fold, states identified by their key; the first
    // fold reaching each count is its witness.
    const { fold, traitors } = canonical(key);
    const seen = new Set<string>();
    const path: FoldStep[] = [];
    const found = new Map<number, { steps: FoldStep[]; decision: readonly number[] }>();
    const visit = (s: FoldState) => {
      const id = fold.key(s).join(',');
      if (seen.has(id)) return;
      seen.add(id);
      if (fold.final(s)) {
        const count = s.decision.filter((d) => d === A).length;
        if (!found.has(count)) found.set(count, { steps: [...path], decision: s.decision });
        return;
      }
      for (const step of fold.steps(s)) {
        path.push(step);
        visit(fold.next(s, step));
        path.pop();
      }
    };
    const start = fold.init(traitors);
    visit(start);
    for (const count of [...found.keys()].sort((x, y) => x - y)) {
      const w = found.get(count)!;
      out.set(count, { decision: w.decision, told: traitorMessages(fold, start, w.steps) });
    }
  }
  memo.set(text, out);
  return out;
}

/** The numbers of loyal lieutenants the traitors of an instance can make decide ATTACK, ascending. */
export function outcomeCounts(key: InstanceKey): number[] {
  return [...witnesses(key).keys()];
}

/**
 * The traitor messages that make a fold's steps happen, from state `start`: a traitor
 * commander's order as row 0 says, and in each row j the messages of j's sub-instance — its
 * canonical witness for the row's count, renamed onto the row's lieutenants.
 */
export function traitorMessages(fold: Fold, start: FoldState, steps: readonly FoldStep[]): Told[] {
  const told: Told[] = [];
  let s = start;
  for (const step of steps) {
    if (step.row === 0) {
      if (step.traitor) {
        for (const i of step.attack) told.push({ path: [0], to: i, value: A });
        for (const i of step.retreat) told.push({ path: [0], to: i, value: R });
      }
    } else {
      const j = step.row;
      const key = fold.subInstance(s, j);
      const w = witnesses(key).get(step.attack.length);
      if (!w) throw new Error(`row ${j}: ${step.attack.length} ATTACK decisions are not an outcome of OM(${key.k}) ${keyText(key)}`);
      // Canonical general → this instance's general: the commander to j, the loyal lieutenants
      // deciding ATTACK to those the row names, the others to the rest, traitors to traitors.
      const attack = [...step.attack];
      const retreat = [...step.retreat];
      const rename = [j];
      for (let c = 1; c <= key.loyal; c++) rename.push((w.decision[c] === A ? attack : retreat).shift()!);
      for (let i = 1; i < fold.size; i++) if (i !== j && isTraitor(s, i)) rename.push(i);
      for (const t of w.told) told.push({ path: [0, ...t.path.map((x) => rename[x])], to: rename[t.to], value: t.value });
    }
    s = fold.next(s, step);
  }
  return told;
}
