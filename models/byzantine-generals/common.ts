/**
 * What both implementations of the Byzantine generals share: the parameters, the generals'
 * names, the order values, and the two decision rules of Lamport, Shostak & Pease (1982) —
 * `majority` for oral messages and `choice` for signed ones.
 */
import { InputError, bool, int, oneOf, sometimes, text, type Always, type ParamValues, type Sometimes } from 'faultline';
import { ic1, ic2 } from 'faultline/invariants';

export type Order = 'ATTACK' | 'RETREAT';
export const ATTACK: Order = 'ATTACK';
/** The default order: what a missing message reads as, and what ties and conflicts decide. */
export const RETREAT: Order = 'RETREAT';
export const ORDERS: readonly Order[] = [ATTACK, RETREAT];

/** Orders as numbers in the reduced models' states: 0 none (yet), 1 ATTACK, 2 RETREAT. */
export const ATTACK_VALUE = 1;
export const RETREAT_VALUE = 2;
export const orderOf = (v: number): Order | null => (v === ATTACK_VALUE ? ATTACK : v === RETREAT_VALUE ? RETREAT : null);

export type Mode = 'oral' | 'signed';

/** The variants: the two algorithms, and OM(3) at n = 9, f = 3 — the most generals 3 traitors still defeat (n = 3f). */
export type Variant = 'oral' | 'signed' | 'oral-n9-f3';

/** The algorithm each variant runs. */
const MODES: Readonly<Record<Variant, Mode>> = { oral: 'oral', signed: 'signed', 'oral-n9-f3': 'oral' };

/** The params of an instance (`--param n=9`), typed for `build`. */
export const PARAMS = {
  n: int({ default: 3, min: 2, max: 30, description: 'generals: the commander c and lieutenants l1 … l(n−1)' }),
  f: int({ default: 1, min: 0, max: 29, description: 'traitors, anywhere (commander included); every placement is explored' }),
  m: text({ default: 'f', description: 'the algorithm OM(m) / SM(m), run in m + 1 rounds: an integer ≥ 0, or f' }),
  order: oneOf([ATTACK, RETREAT], { default: ATTACK, description: 'the order a loyal commander sends' }),
  reduce: bool({
    default: true,
    description:
      'explore the reduced model (OM: composed from memoised sub-instance outcome sets; SM: symmetry and counting); false: the unreduced protocol-layer reference',
  }),
};

export type GeneralsParams = ParamValues<typeof PARAMS>;

/** One instance of the problem, validated. */
export interface Generals {
  /** Generals: the commander `c` and the lieutenants `l1 … l(n−1)`. */
  readonly n: number;
  /** Traitors; every placement among all n generals is explored. */
  readonly f: number;
  /** The algorithm's parameter: OM(m) / SM(m) run m + 1 rounds. */
  readonly m: number;
  /** The order a loyal commander sends. */
  readonly order: Order;
  readonly mode: Mode;
}

/** Read and check the params of one instance; an `InputError` names a combination that makes no sense. */
export function generals(params: GeneralsParams, variant: Variant): Generals {
  const { n, f } = params;
  if (f >= n) throw new InputError(`f must be less than n (f=${f}, n=${n})`);
  const rawM = params.m.trim();
  if (rawM !== 'f' && !/^\d+$/.test(rawM)) throw new InputError(`param m must be an integer ≥ 0 or "f", got "${params.m}"`);
  const m = rawM === 'f' ? f : Number(rawM);
  return { n, f, m, order: params.order, mode: MODES[variant] };
}

/** A lieutenant's node id. */
export type LieutenantId = `l${number}`;
/** A general's node id: the commander `c` or a lieutenant. */
export type GeneralId = 'c' | LieutenantId;

/** The lieutenants' names, l1 … l(n−1). */
export function lieutenantIds(n: number): LieutenantId[] {
  return Array.from({ length: n - 1 }, (_, i) => `l${i + 1}` as const);
}

/** General names by index: 0 is the commander `c`, i ≥ 1 is lieutenant `li`. */
export function generalIds(n: number): GeneralId[] {
  return ['c', ...lieutenantIds(n)];
}

/** OM's rule: ATTACK if a strict majority of the values says so, else RETREAT (ties included). */
export function majority(values: readonly Order[]): Order {
  let attack = 0;
  for (const v of values) if (v === ATTACK) attack++;
  return 2 * attack > values.length ? ATTACK : RETREAT;
}

/** SM's rule: the single order received, else (none or both) RETREAT. */
export function choice(received: readonly Order[]): Order {
  return received.length === 1 ? received[0] : RETREAT;
}

/** Every placement of `f` traitors among `n` generals, as bit masks (bit 0 = the commander), in lexicographic order. */
export function placements(n: number, f: number): number[] {
  const out: number[] = [];
  const pick = (start: number, left: number, mask: number) => {
    if (left === 0) {
      out.push(mask);
      return;
    }
    for (let i = start; i <= n - left; i++) pick(i + 1, left - 1, mask | (1 << i));
  };
  pick(0, f, 0);
  return out;
}

/** What both reduced models keep that their properties read: who is a traitor. */
export interface Placement {
  /** Bit i set: general i is a traitor (bit 0: the commander). */
  readonly traitors: number;
}

export function isTraitor(s: Placement, i: number): boolean {
  return (s.traitors & (1 << i)) !== 0;
}

/** Indices of the loyal lieutenants among `n` generals. */
export function loyalLieutenants(s: Placement, n: number): number[] {
  const out: number[] = [];
  for (let k = 1; k < n; k++) if (!isTraitor(s, k)) out.push(k);
  return out;
}

/**
 * IC1, IC2 and the witnesses that keep them from holding vacuously, over a state whose loyal
 * lieutenants have decided `loyalDecisions(s)` (null while undecided) and whose commander, when
 * loyal, sent `loyalOrder(s)` (null: a traitor commander) — for the protocol and the reduced
 * models alike.
 */
export function generalsProperties<S>(
  g: Generals,
  loyalOrder: (s: S) => Order | null,
  loyalDecisions: (s: S) => readonly (Order | null)[],
): (Always<S> | Sometimes<S>)[] {
  return [
    ic1(loyalDecisions),
    ic2(loyalOrder, loyalDecisions),
    sometimes(
      'loyal-lieutenants-decide',
      (s: S) => {
        const d = loyalDecisions(s);
        return d.length > 0 && d.every((x) => x !== null);
      },
      'the rounds end with every loyal lieutenant decided',
    ),
    sometimes('order-obeyed', (s: S) => loyalDecisions(s).includes(g.order), "some loyal lieutenant decides the commander's order"),
  ];
}

/** The properties of a reduced model whose lieutenant `k` has decided `decisionOf(s, k)` (null while undecided). */
export function placementProperties<S extends Placement>(g: Generals, decisionOf: (s: S, k: number) => Order | null): (Always<S> | Sometimes<S>)[] {
  return generalsProperties(
    g,
    (s: S) => (isTraitor(s, 0) ? null : g.order),
    (s: S) => loyalLieutenants(s, g.n).map((k) => decisionOf(s, k)),
  );
}
