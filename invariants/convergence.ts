/**
 * Convergence of replicas (eventual consistency as a safety property): once nothing is in
 * flight, every replica holds the same value. On a network that neither loses nor duplicates,
 * an empty network means every update has reached every replica, so divergence then is final.
 */
import { always, type Always, type IdsOf, type NodesOf, type ProtocolWorld, type Roles } from 'faultline';

/** When no message is in flight, `value` is the same at every node of `role`. */
export function convergesWhenQuiet<R extends Roles, N extends NodesOf<R>, K extends keyof N & keyof R & string>(
  role: K,
  value: (w: ProtocolWorld<R, N>, id: IdsOf<N, K>) => string | number | null,
): Always<ProtocolWorld<R, N>> {
  return always(
    'converges-when-quiet',
    (w) => {
      if (w.inFlight().length > 0) return true;
      const [first, ...rest] = w.nodesOf(role);
      const v = value(w, first);
      return rest.every((id) => value(w, id) === v);
    },
    `no message is in flight, yet two ${role}s hold different values`,
  );
}
