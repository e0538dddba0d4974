/**
 * Election safety (Raft's first guarantee): at most one leader is elected in any given term.
 * Generic over the state type: the model says who was elected in which term — usually from a
 * ghost record that survives crashes, since a leader that crashed still *was* the leader of its
 * term, and a second one elected after the crash is exactly the bug to catch.
 */
import { always, type Always } from 'faultline';

/** One election won: `leader` became leader in `term`. */
export interface Election {
  readonly leader: string;
  readonly term: number;
}

/** No two different nodes among `elections(s)` were elected in the same term. */
export function electionSafety<S>(name: string, elections: (s: S) => Iterable<Election>, description?: string): Always<S> {
  return always(
    name,
    (s: S) => {
      const winner = new Map<number, string>();
      for (const { leader, term } of elections(s)) {
        const other = winner.get(term);
        if (other !== undefined && other !== leader) return false;
        winner.set(term, leader);
      }
      return true;
    },
    description ?? 'at most one leader is elected in each term',
  );
}
