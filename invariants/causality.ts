/**
 * Causal safety of a replicated register: no causally later write is ever overwritten by (or
 * discarded in favour of) one it causally follows.
 *
 * A write happens-before another when the other read it, directly or transitively (each write
 * records the writes it causally follows). A replica that has seen a write w knows every write w
 * follows; holding one of those means a causally later write was lost there.
 */
import { always, type Always } from 'faultline';

/** What the property reads of one replica. */
export interface CausalReplica {
  readonly id: string;
  /** The write the replica currently holds (null before any). */
  readonly holds: string | null;
  /** Every write that happened-before some write this replica has seen (applied or discarded). */
  readonly superseded: readonly string[];
}

/** No replica holds a write that a write it has seen causally supersedes. */
export function noCausallyLaterWriteLost<S>(replicas: (s: S) => readonly CausalReplica[]): Always<S> {
  return always(
    'no-causally-later-write-lost',
    (s) => replicas(s).every((r) => r.holds === null || !r.superseded.includes(r.holds)),
    'a replica holds a write although it has seen a write that causally follows it: the later write was lost',
  );
}
