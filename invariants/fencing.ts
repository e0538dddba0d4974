/**
 * Fencing tokens (Kleppmann, "How to do distributed locking", 2016): the lock service hands out
 * a strictly increasing token with every lease, and storage must never accept a write whose token
 * is older than one it already accepted. These properties read storage's log of accepted writes.
 */
import { always, transition, type Always, type Transition } from 'faultline';

/** One write storage accepted: the fencing token it carried and the client that sent it. */
export interface AcceptedWrite {
  readonly token: number;
  readonly client: string;
}

/** Every step that appends to storage's log appends tokens no lower than any accepted before. */
export function acceptedTokensNeverDecrease<S, A>(accepted: (s: S) => readonly AcceptedWrite[]): Transition<S, A> {
  return transition(
    'accepted-tokens-never-decrease',
    (s, _a, t) => {
      const before = accepted(s);
      const after = accepted(t);
      let highest = Math.max(0, ...before.map((x) => x.token));
      for (let i = before.length; i < after.length; i++) {
        if (after[i].token < highest) return false;
        highest = after[i].token;
      }
      return true;
    },
    'storage accepted a write whose fencing token is lower than one it had already accepted (a stale lease holder wrote)',
  );
}

/** No fencing token is used by two clients in storage's log. */
export function oneClientPerToken<S>(accepted: (s: S) => readonly AcceptedWrite[]): Always<S> {
  return always(
    'one-client-per-token',
    (s) => {
      const owner = new Map<number, string>();
      for (const { token, client } of accepted(s)) {
        if ((owner.get(token) ?? client) !== client) return false;
        owner.set(token, client);
      }
      return true;
    },
    'storage accepted writes from two clients under the same fencing token, so it cannot tell them apart',
  );
}
