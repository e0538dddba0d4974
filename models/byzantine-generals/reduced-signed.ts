/**
 * SM(m), reduced: the signed-messages algorithm as its own `Model`, one step per round, keeping
 * of each loyal lieutenant only its set V of accepted orders, the orders it relays next, and
 * its decision. Why that loses nothing (the outcomes — placement and loyal decisions — are
 * those of the unreduced reference, `protocol.ts`):
 *
 * 1. **Chains of loyal relays are not kept.** A loyal lieutenant relays a new order v on chain
 *    σ to every lieutenant off σ; the loyal ones on σ signed v, so they hold it already. Either
 *    way every loyal lieutenant holds v one round later, whichever chain was relayed.
 * 2. **Signatures traitors saw are useless to them, so their knowledge is not kept.** A chain a
 *    traitor forwards in round r has r signers and ends with a traitor. If its last loyal signer
 *    is at position p < r, that lieutenant relayed v in round p, so every loyal lieutenant holds
 *    v by round p < r; the loyal commander signs only its order, which everyone holds after
 *    round 1. Such a message changes no V. What traitors can still do is send chains signed
 *    by traitors alone: with a traitor commander, `v:c:t1:…:t(r−1)` in round r, for any v, as
 *    long as there are r − 1 traitor lieutenants to sign.
 * 3. **Messages a recipient cannot use are not offered**: orders it holds or receives from
 *    loyal relays this round; and messages to traitors are not modelled.
 * 4. **The last round is collapsed per recipient**: nothing is relayed after it, so of the
 *    traitors' choices for one recipient only the distinct decisions they cause are kept.
 * 5. **Symmetry over lieutenants**: a state is identified by the multiset of its loyal
 *    lieutenants' (V, relaying, decision) and whether the commander is a traitor — lieutenants
 *    are interchangeable and no property names one; decided states by their decisions alone.
 *    Lieutenants alike in a state get the traitors' choices in non-decreasing order only (one
 *    successor per orbit, `symmetry.ts`). BFS keeps the concrete state it met first, so traces
 *    stay concrete and replayable.
 */
import { model, type Model } from 'faultline';
import { ATTACK, RETREAT, generalIds, isTraitor, loyalLieutenants as loyalOf, placementProperties, placements, type Generals, type Order } from './common.ts';
import { classesBy, symmetricChoices } from './symmetry.ts';

/** The most successors of one state. */
const MAX_SUCCESSORS = 1 << 22;

/** Sets of orders as bit masks: 1 ATTACK, 2 RETREAT, 3 both. A decision is 0 (none), 1 or 2. */
const A = 1;
const R = 2;
const ordersIn = (mask: number): Order[] => [...(mask & A ? [ATTACK] : []), ...(mask & R ? [RETREAT] : [])];
const choice = (mask: number) => (mask === A ? A : R);

export interface SignedState {
  /** Bit i set: general i is a traitor (bit 0: the commander). */
  readonly traitors: number;
  /** Rounds run so far (0 … m+1). */
  readonly done: number;
  /** By general: the orders it accepted (V). */
  readonly held: readonly number[];
  /** By general: the orders it accepted in the last round and relays in the next. */
  readonly relaying: readonly number[];
  readonly decision: readonly number[];
}

export interface SignedRound {
  readonly round: number;
  /** The traitors' chain this round (`c:t1:…`, the last signer sends), or null when they can send nothing new. */
  readonly chain: readonly number[] | null;
  /** What the traitors send each recipient on that chain: [recipient, orders]. */
  readonly sent: readonly (readonly [recipient: number, orders: number])[];
}

export function reducedSigned(g: Generals): Model<SignedState, SignedRound> {
  const { n, m } = g;
  const ids = generalIds(n);
  const order = g.order === ATTACK ? A : R;
  const traitor = isTraitor;
  const loyalLieutenants = (s: SignedState) => loyalOf(s, n);

  /** Orders every loyal lieutenant receives from loyal generals in `round`. */
  const fromLoyal = (s: SignedState, round: number): number => {
    if (round === 1) return traitor(s, 0) ? 0 : order;
    let relayed = 0;
    for (let k = 1; k < n; k++) relayed |= s.relaying[k];
    return relayed;
  };

  /** The all-traitor chain of `round` (`c`, then r − 1 traitor lieutenants), if there is one. */
  const traitorChain = (s: SignedState, round: number): number[] | null => {
    if (!traitor(s, 0)) return null;
    const chain = [0];
    for (let k = 1; k < n && chain.length < round; k++) if (traitor(s, k)) chain.push(k);
    return chain.length === round ? chain : null;
  };

  const init = (): SignedState[] =>
    placements(n, g.f).map((traitors) => ({
      traitors,
      done: 0,
      held: Array<number>(n).fill(0),
      relaying: Array<number>(n).fill(0),
      decision: Array<number>(n).fill(0),
    }));

  const actions = (s: SignedState): SignedRound[] => {
    const round = s.done + 1;
    if (round > m + 1) return [];
    const chain = traitorChain(s, round);
    if (chain === null) return [{ round, chain: null, sent: [] }];
    const loyal = fromLoyal(s, round);
    const options = (k: number): number[] => {
      const missing = 3 & ~(s.held[k] | loyal);
      const all = [0, A, R, A | R].filter((x) => (x & ~missing) === 0);
      if (round <= m) return all;
      // Last round: one representative per decision it leads to.
      const decisions = all.map((x) => choice(s.held[k] | loyal | x));
      return all.filter((_, i) => decisions.indexOf(decisions[i]) === i);
    };
    // Lieutenants with equal (V, relaying, decision) are interchangeable: their choices up to symmetry.
    const classes = classesBy(loyalLieutenants(s), (k) => code(s, k));
    return symmetricChoices(classes, options, MAX_SUCCESSORS, `round ${round}`).map((c) => ({
      round,
      chain,
      sent: c.filter(([, x]) => x !== 0).sort((a, b) => a[0] - b[0]),
    }));
  };

  const next = (s: SignedState, a: SignedRound): SignedState => {
    const loyal = fromLoyal(s, a.round);
    const sent = new Map(a.sent);
    const held = s.held.slice();
    const relaying = s.relaying.slice();
    const decision = s.decision.slice();
    for (let k = 1; k < n; k++) {
      if (traitor(s, k)) continue;
      const fresh = (loyal | (sent.get(k) ?? 0)) & ~s.held[k];
      held[k] = s.held[k] | fresh;
      relaying[k] = a.round <= m ? fresh : 0;
      if (a.round === m + 1) decision[k] = choice(held[k]);
    }
    return { traitors: s.traitors, done: a.round, held, relaying, decision };
  };

  /** A loyal lieutenant as a number: all that distinguishes it (no other lieutenant is named). */
  const code = (s: SignedState, k: number) => s.held[k] | (s.relaying[k] << 2) | (s.decision[k] << 4);

  /** What identifies a state up to renaming lieutenants (reduction 5). */
  const view = (s: SignedState): number[] => {
    const decided = s.done === m + 1;
    const codes: number[] = [];
    for (let k = 1; k < n; k++) codes.push(traitor(s, k) ? -1 : decided ? s.decision[k] : code(s, k));
    return [s.done, s.traitors & 1, ...codes.sort((x, y) => x - y)];
  };

  /** `round 2: l2→l1 RETREAT:c:l2` (the paper's notation: the order, then its signers). */
  const label = (a: SignedRound): string => {
    const parts: string[] = [];
    if (a.chain !== null) {
      const signed = a.chain.map((x) => ids[x]).join(':');
      const sender = ids[a.chain[a.chain.length - 1]];
      for (const [k, x] of a.sent) parts.push(`${sender}→${ids[k]} ${ordersIn(x).map((v) => `${v}:${signed}`).join(' + ')}`);
      if (a.sent.length === 0) parts.push(`${sender} sends nothing`);
    }
    return parts.length > 0 ? `round ${a.round}: ${parts.join(', ')}` : `round ${a.round}`;
  };

  const show = (s: SignedState): unknown => {
    const out: Record<string, unknown> = { traitors: ids.filter((_, i) => traitor(s, i)), round: s.done };
    ids.forEach((id, i) => {
      if (traitor(s, i)) out[id] = 'traitor';
      else if (i === 0) out[id] = `orders ${g.order}`;
      else {
        // Empty sets are left out, so a trace shows orders as they arrive.
        out[id] = {
          ...(s.held[i] ? { orders: ordersIn(s.held[i]) } : {}),
          ...(s.relaying[i] ? { relaying: ordersIn(s.relaying[i]) } : {}),
          decision: s.decision[i] === 0 ? null : s.decision[i] === A ? ATTACK : RETREAT,
        };
      }
    });
    return out;
  };

  return model(
    {
      init,
      actions,
      next,
      label,
      step: (a) => ({ kind: 'round', name: `round ${a.round}` }),
      view,
      show,
      nodes: ids,
      terminal: (s) => s.done === m + 1,
    },
    { properties: placementProperties(g, (s: SignedState, k) => (s.decision[k] === 0 ? null : s.decision[k] === A ? ATTACK : RETREAT)) },
  );
}
