/**
 * Mutual exclusion: at most one node is in its critical section at any moment. What counts as
 * the critical section is the model's choice (e.g. a client that has checked its lease and has
 * not yet written).
 */
import { always, type Always, type ProtocolWorld } from 'faultline';

/** At most one node of `role` satisfies `inCriticalSection`. */
export function mutualExclusion<W extends ProtocolWorld<any, any>>(
  name: string,
  role: string,
  inCriticalSection: (w: W, id: string) => boolean,
  description: string,
): Always<W> {
  return always(name, (w) => w.nodesOf(role).filter((id) => inCriticalSection(w, id)).length <= 1, description);
}
