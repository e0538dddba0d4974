/**
 * References for the Byzantine generals tests (and the bench's cross-check): the reachable
 * outcomes of either model, and a brute-force OM(m) evaluator written from the paper alone —
 * it shares no code with the models.
 */
import { definition } from '../../models/byzantine-generals/index.ts';
import type { GeneralsWorld, OralLieutenant, SignedLieutenant } from '../../models/byzantine-generals/protocol.ts';
import type { SignedState } from '../../models/byzantine-generals/reduced-signed.ts';
import type { OralState } from '../../models/byzantine-generals/reduced-oral.ts';
import { instantiate } from '../../src/model/definition.ts';
import { identity, type Model } from '../../src/model/model.ts';

export type Variant = 'oral' | 'signed';
export type Order = 'ATTACK' | 'RETREAT';

export interface Cell {
  readonly n: number;
  readonly f: number;
  readonly m?: number;
  readonly order?: Order;
}

export const cellName = (variant: Variant, c: Cell) => `${variant} n=${c.n} f=${c.f}${c.m === undefined ? '' : ` m=${c.m}`}${c.order === 'RETREAT' ? ' order=RETREAT' : ''}`;

export const build = (variant: Variant, c: Cell, reduce = true): Model<any, any> =>
  instantiate(definition, { params: { n: c.n, f: c.f, m: String(c.m ?? 'f'), order: c.order ?? 'ATTACK', reduce }, variant });

/** An outcome up to renaming lieutenants: whether the commander is a traitor, and the loyal lieutenants' decisions, sorted. */
export const outcome = (commanderTraitor: boolean, decisions: readonly (Order | null)[]) =>
  `${commanderTraitor ? 'traitor' : 'loyal'} c: ${[...decisions].sort().join(' ')}`;

/**
 * The outcomes of every end state reachable in `model`, states identified as the model
 * identifies them (its fingerprint): what the explorer's verdicts rest on.
 */
export function endOutcomes(variant: Variant, c: Cell, reduce: boolean): Set<string> {
  const model = build(variant, c, reduce);
  const fingerprint = identity(model);
  const fp = new Int32Array(2);
  const seen = new Set<string>();
  const out = new Set<string>();
  const stack: unknown[] = [];
  const push = (s: unknown) => {
    fingerprint(s, fp);
    const id = `${fp[0]}:${fp[1]}`;
    if (seen.has(id)) return;
    seen.add(id);
    stack.push(s);
  };
  model.init().forEach(push);
  while (stack.length > 0) {
    const s = stack.pop();
    const actions = model.actions(s);
    if (actions.length === 0) out.add(reduce ? reducedOutcome(c.n, s as OralState | SignedState) : unreducedOutcome(s as GeneralsWorld<OralLieutenant | SignedLieutenant>));
    for (const a of actions) push(model.next(s, a));
  }
  return out;
}

function reducedOutcome(n: number, s: OralState | SignedState): string {
  const decisions: Order[] = [];
  for (let k = 1; k < n; k++) if ((s.traitors & (1 << k)) === 0) decisions.push(s.decision[k] === 1 ? 'ATTACK' : 'RETREAT');
  return outcome((s.traitors & 1) !== 0, decisions);
}

function unreducedOutcome(w: GeneralsWorld<OralLieutenant | SignedLieutenant>): string {
  const decisions = w.nodesOf('lieutenant').flatMap((id) => (w.byzantine(id) ? [] : [w.node(id).decision]));
  return outcome(w.byzantine('c'), decisions);
}

// ---- brute force ------------------------------------------------------------------------------

/**
 * A traitor strategy: what the traitor last on a path (`0,3,1`: the commander first, then the
 * generals that relayed) tells loyal lieutenant `to`, as the commander of the sub-instance at
 * that path.
 */
export type Strategy = (path: string, to: number) => Order;

/**
 * OM(m) by its recursive definition (Lamport, Shostak & Pease 1982, §3): `commander`, at the
 * end of `path`, sends `value` (a traitor: whatever the strategy says); with m > 0 each
 * lieutenant j then commands OM(m − 1) among the others with the value it received; each
 * lieutenant decides the majority of its received value and its decisions in the others'
 * sub-instances, a tie meaning RETREAT. Returns every lieutenant's decision, by general.
 */
export function omDirect(
  m: number,
  path: string,
  commander: number,
  value: Order,
  lieutenants: readonly number[],
  traitors: ReadonlySet<number>,
  strategy: Strategy,
): Order[] {
  const received: Order[] = [];
  for (const i of lieutenants) received[i] = !traitors.has(commander) ? value : traitors.has(i) ? 'RETREAT' : strategy(path, i);
  if (m === 0) return received;
  const sub: Order[][] = [];
  for (const j of lieutenants) sub[j] = omDirect(m - 1, `${path},${j}`, j, received[j], lieutenants.filter((x) => x !== j), traitors, strategy);
  const decision: Order[] = [];
  for (const i of lieutenants) {
    let attack = received[i] === 'ATTACK' ? 1 : 0;
    for (const j of lieutenants) if (j !== i && sub[j][i] === 'ATTACK') attack++;
    decision[i] = 2 * attack > lieutenants.length ? 'ATTACK' : 'RETREAT';
  }
  return decision;
}

/** Every traitor strategy for OM(m) with these generals: one per assignment of a value to every (path, loyal recipient) it decides. */
export function* strategies(m: number, lieutenants: readonly number[], traitors: ReadonlySet<number>): Generator<Strategy> {
  // Slots: paths of up to m + 1 generals from the commander (0) with a traitor last, and each loyal lieutenant off the path.
  const slot = new Map<string, number[]>();
  let count = 0;
  const walk = (path: number[]) => {
    if (traitors.has(path[path.length - 1])) {
      const to: number[] = [];
      for (const r of lieutenants) if (!path.includes(r) && !traitors.has(r)) to[r] = count++;
      slot.set(path.join(','), to);
    }
    if (path.length === m + 1) return;
    for (const j of lieutenants) if (!path.includes(j)) walk([...path, j]);
  };
  walk([0]);
  if (count > 16) throw new Error(`${2 ** count} strategies: too many for brute force`);
  for (let bits = 0; bits < 2 ** count; bits++) yield (path, to) => ((bits >> slot.get(path)![to]) & 1 ? 'RETREAT' : 'ATTACK');
}

/** Every k-subset of `items`. */
function subsetsOf<T>(items: readonly T[], k: number): T[][] {
  if (k === 0) return [[]];
  if (items.length < k) return [];
  const [first, ...rest] = items;
  return [...subsetsOf(rest, k - 1).map((s) => [first, ...s]), ...subsetsOf(rest, k)];
}

/** The outcomes of OM(m) with n generals and f traitors, over every placement and every traitor strategy. */
export function bruteOutcomes(c: Cell): Set<string> {
  const m = c.m ?? c.f;
  const generals = Array.from({ length: c.n }, (_, i) => i);
  const lieutenants = generals.slice(1);
  const out = new Set<string>();
  for (const placed of subsetsOf(generals, c.f)) {
    const traitors = new Set(placed);
    for (const strategy of strategies(m, lieutenants, traitors)) {
      const decisions = omDirect(m, '0', 0, c.order ?? 'ATTACK', lieutenants, traitors, strategy);
      out.add(
        outcome(
          traitors.has(0),
          lieutenants.filter((i) => !traitors.has(i)).map((i) => decisions[i]),
        ),
      );
    }
  }
  return out;
}
