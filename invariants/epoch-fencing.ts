/**
 * Epoch fencing: a storage service that leaders write to accepts no write from a stale epoch,
 * i.e. none stamped with an epoch (term) older than one it has already accepted. A leader that
 * was deposed without knowing it keeps serving writes; only the storage's check of the epoch
 * stops them (Kleppmann's fencing tokens, with the election term as the token).
 */
import { always, type Always } from 'faultline';

/**
 * The epochs of the writes the storage accepted, in the order it accepted them, never go down.
 * `accepted(s)` is that history (a ghost the model keeps next to the storage's data).
 */
export function noStaleEpochWrite<S>(name: string, accepted: (s: S) => readonly number[], description?: string): Always<S> {
  return always(
    name,
    (s: S) => {
      const epochs = accepted(s);
      for (let i = 1; i < epochs.length; i++) if (epochs[i] < epochs[i - 1]) return false;
      return true;
    },
    description ?? 'no write from a stale epoch is accepted after a write from a newer one',
  );
}
