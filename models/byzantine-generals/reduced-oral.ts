/**
 * OM(m), reduced: the oral-messages algorithm as its own `Model`, explored as Lamport, Shostak &
 * Pease define it — recursively. One step is the commander's order, then one step per
 * lieutenant j: the outcome of the OM(m − 1) sub-instance j commands, i.e. which loyal
 * lieutenants take ATTACK as j's value. The outcomes a step may pick are the sub-instance's
 * outcome set, computed once per kind of sub-instance (`composition.ts`). The properties get
 * the verdicts of the unreduced reference (`protocol.ts`) because the reachable outcomes —
 * placement, and which loyal lieutenants decide what — are the same. Each reduction and why it
 * is sound:
 *
 * 1. **Messages to traitors are not modelled, and silence is RETREAT.** An oral traitor may say
 *    anything whatever it heard, and a loyal lieutenant reads a missing value as RETREAT, so
 *    every traitor message is one of two values.
 * 2. **Sub-instances are folded from their outcome sets** (`composition.ts`): the traitors'
 *    choices in different sub-instances concern disjoint paths, so what they can cause together
 *    is the product of what they can cause in each; an outcome set is closed under renaming its
 *    loyal lieutenants, so it is a set of ATTACK counts, memoised by (depth, commander loyalty
 *    and value, numbers of loyal and traitor lieutenants).
 * 3. **Choices up to symmetry.** In each step, loyal lieutenants alike so far (same value from
 *    the commander while their own row is ahead, same number of ATTACK votes) are
 *    interchangeable: only how many of each kind get ATTACK is chosen (the first ones).
 * 4. **States are identified by what their future depends on** (the model's `view`): the rows
 *    done, whether the commander is a traitor, and the multiset of loyal lieutenants' (row done,
 *    value received while it matters, ATTACK votes); decided states by their decisions. The
 *    remaining rows' outcomes combine in any order, so such states reach the same outcomes up to
 *    renaming; no property names a lieutenant. BFS keeps the concrete state it met first, so
 *    traces stay concrete.
 *
 * A counterexample translates back to concrete traitor messages (`traitorMessages`), which
 * `witness.ts` replays on the unreduced protocol.
 */
import { model, type Model } from 'faultline';
import { ATTACK, ATTACK_VALUE, RETREAT_VALUE, generalIds, isTraitor, orderOf, placementProperties, placements, type Generals } from './common.ts';
import { Fold, traitorMessages, type FoldState, type FoldStep, type Told } from './composition.ts';

export type OralState = FoldState;
export type OralStep = FoldStep;

export type OralModel = Model<OralState, OralStep> & {
  /** The traitor messages of a behaviour from `start` (an initial state) along `steps`, by general index. */
  readonly traitorMessages: (start: OralState, steps: readonly OralStep[]) => Told[];
};

export function reducedOral(g: Generals): OralModel {
  const { n, m } = g;
  const ids = generalIds(n);
  const fold = new Fold(n, m, g.order === ATTACK ? ATTACK_VALUE : RETREAT_VALUE);
  const names = (xs: readonly number[]) => xs.map((x) => ids[x]).join(' ');

  /** Who gets ATTACK and who RETREAT in a step. */
  const split = (a: OralStep, verb: string): string => {
    const parts = [
      ...(a.attack.length > 0 ? [`${names(a.attack)} ${verb} ATTACK`] : []),
      ...(a.retreat.length > 0 ? [`${names(a.retreat)} ${verb} RETREAT`] : []),
    ];
    return parts.length > 0 ? parts.join(', ') : 'no loyal lieutenant in it';
  };

  /**
   * `c orders ATTACK`; `traitor c: l1 l3 get ATTACK, l2 get RETREAT`; `l2's OM(1): l1 l3 decide
   * ATTACK, l4 decide RETREAT` (what l1, l3 and l4 take l2's value to be).
   */
  const label = (a: OralStep): string => {
    if (a.row === 0) return a.traitor ? `traitor c: ${split(a, 'get')}` : `c orders ${g.order}`;
    return `${a.traitor ? 'traitor ' : ''}${ids[a.row]}'s OM(${m - 1}): ${split(a, 'decide')}`;
  };

  const show = (s: OralState): unknown => {
    const out: Record<string, unknown> = { traitors: ids.filter((_, i) => isTraitor(s, i)) };
    ids.forEach((id, i) => {
      if (isTraitor(s, i)) out[id] = 'traitor';
      else if (i === 0) out[id] = `orders ${g.order}`;
      else {
        // The values known so far, by source: c (the order as received) and each lieutenant
        // whose sub-instance is done; empty while nothing is known.
        const votes: Record<string, string> = {};
        s.votes[i]!.forEach((v, j) => {
          if (v !== 0) votes[ids[j]] = orderOf(v)!;
        });
        out[id] = { ...(Object.keys(votes).length > 0 ? { votes } : {}), decision: orderOf(s.decision[i]) };
      }
    });
    return out;
  };

  const reduced = model(
    {
      init: () => placements(n, g.f).map((traitors) => fold.init(traitors)),
      actions: (s: OralState) => fold.steps(s),
      next: (s, a) => fold.next(s, a),
      label,
      step: (a) => ({ kind: 'action', node: ids[a.row], name: a.row === 0 ? 'order' : `OM(${m - 1})` }),
      view: (s) => fold.key(s),
      show,
      nodes: ids,
      terminal: (s) => fold.final(s),
    },
    { properties: placementProperties(g, (s: OralState, k) => orderOf(s.decision[k])) },
  );
  return { ...reduced, traitorMessages: (start, steps) => traitorMessages(fold, start, steps) };
}
