/**
 * Real-time order for a versioned register: the part of linearizability that stale reads break.
 * This is not a full linearizability checker (it does not search for a linearization); it checks
 * the one condition every linearizable register with increasing write versions must meet: once a
 * write has completed, every read that starts afterwards returns that version or a later one.
 */
import { always, type Always } from 'faultline';

/**
 * One operation on a register, with its real-time interval given as positions in a global order
 * of events (any increasing numbering: a ghost counter, or a single client's own sequence of
 * steps when one client issues every operation). `completedAt` is null while it is pending.
 */
export interface RegisterOp {
  readonly kind: 'write' | 'read';
  /** The version written, or the version the read returned (meaningful once completed). */
  readonly version: number;
  readonly invokedAt: number;
  readonly completedAt: number | null;
}

/**
 * No stale read: for every completed read r and every write w that completed before r was
 * invoked (w.completedAt < r.invokedAt), r.version ≥ w.version.
 */
export function noStaleRead<S>(name: string, history: (s: S) => readonly RegisterOp[], description?: string): Always<S> {
  return always(
    name,
    (s: S) => {
      const ops = history(s);
      for (const r of ops) {
        if (r.kind !== 'read' || r.completedAt === null) continue;
        for (const w of ops) {
          if (w.kind === 'write' && w.completedAt !== null && w.completedAt < r.invokedAt && r.version < w.version) return false;
        }
      }
      return true;
    },
    description ?? 'a read that starts after a write completed returns that write or a later one',
  );
}
