/**
 * Mutual exclusion: at most one node is in its critical section at any moment. What counts as
 * the critical section is the model's choice (e.g. a client that has checked its lease and has
 * not yet written).
 */
import { always, type Always, type IdsOf, type NodesOf, type ProtocolWorld, type Roles } from 'faultline';

/** At most one node of `role` satisfies `inCriticalSection`, which is given the node's id (typed by the protocol). */
export function mutualExclusion<R extends Roles, N extends NodesOf<R>, K extends keyof N & string>(
  name: string,
  role: K,
  inCriticalSection: (w: ProtocolWorld<R, N>, id: IdsOf<N, K>) => boolean,
  description: string,
): Always<ProtocolWorld<R, N>> {
  return always(name, (w) => w.nodesOf(role).filter((id) => inCriticalSection(w, id)).length <= 1, description);
}
