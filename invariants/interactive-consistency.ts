/**
 * Lamport, Shostak & Pease's interactive consistency conditions ("The Byzantine Generals
 * Problem", 1982), for any model where a commander sends an order and lieutenants decide:
 *
 * - IC1: all loyal lieutenants obey the same order;
 * - IC2: if the commander is loyal, every loyal lieutenant obeys the order it sends.
 *
 * A decision is a string, or null while undecided; only decided lieutenants are compared, so the
 * conditions can be checked on every state, not only at the end.
 */
import { always, type Always } from 'faultline';

/** IC1: the decided loyal lieutenants (as read by `loyalDecisions`) all decided alike. */
export function ic1<S>(loyalDecisions: (s: S) => readonly (string | null)[]): Always<S> {
  return always(
    'IC1',
    (s) => {
      let first: string | null = null;
      for (const d of loyalDecisions(s)) {
        if (d === null) continue;
        if (first === null) first = d;
        else if (d !== first) return false;
      }
      return true;
    },
    'all loyal lieutenants obey the same order',
  );
}

/**
 * IC2: when the commander is loyal (`loyalOrder` returns its order; null when it is a traitor),
 * every decided loyal lieutenant decided that order.
 */
export function ic2<S>(loyalOrder: (s: S) => string | null, loyalDecisions: (s: S) => readonly (string | null)[]): Always<S> {
  return always(
    'IC2',
    (s) => {
      const order = loyalOrder(s);
      return order === null || loyalDecisions(s).every((d) => d === null || d === order);
    },
    'if the commander is loyal, every loyal lieutenant obeys the order it sends',
  );
}
