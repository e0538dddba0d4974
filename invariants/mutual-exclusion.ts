/**
 * Mutual exclusion: at most one node is in its critical section at any moment. What counts as
 * the critical section is the model's choice (e.g. a client that has checked its lease and has
 * not yet written).
 */
import { always, type Always } from '../src/model/property.ts';
import type { World } from '../src/protocol/world.ts';

/** At most one node of `role` satisfies `inCriticalSection`. */
export function mutualExclusion(
  name: string,
  role: string,
  inCriticalSection: (w: World, id: string) => boolean,
  description: string,
): Always<World> {
  return always(name, (w) => w.nodesOf(role).filter((id) => inCriticalSection(w, id)).length <= 1, description);
}
