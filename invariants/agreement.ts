/**
 * Agreement and validity: the safety half of consensus (and of its relatives, such as the two
 * generals' coordinated attack). Generic over the state type, so a hand-written `Model` can use
 * them as well as a protocol (whose states are `World`s).
 */
import { always, type Always } from 'faultline';

/** Whether two decided values are the same: `===` for primitives, equal JSON for plain data. */
export function sameDecision(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Agreement: all the values in `decisions(s)` are the same (so at most one value is decided).
 * `decisions` lists what every participant decided (or every value counted as chosen), with
 * repetitions allowed; it is empty or has one entry while nothing can disagree yet. Examples:
 * Paxos passes every chosen and every learned value; the two generals pass both plans, at dawn.
 */
export function agreement<S>(name: string, decisions: (s: S) => readonly unknown[], description?: string): Always<S> {
  return always(
    name,
    (s: S) => {
      const ds = decisions(s);
      for (let i = 1; i < ds.length; i++) if (!sameDecision(ds[0], ds[i])) return false;
      return true;
    },
    description ?? 'no two participants decide different values',
  );
}

/**
 * Validity: every value in `decisions(s)` is one of `proposed(s)` — nothing is decided that no
 * one proposed (a protocol that invents, corrupts or defaults a value fails it).
 */
export function validity<S>(
  name: string,
  decisions: (s: S) => readonly unknown[],
  proposed: (s: S) => readonly unknown[],
  description?: string,
): Always<S> {
  return always(
    name,
    (s: S) => {
      const ps = proposed(s);
      return decisions(s).every((d) => ps.some((p) => sameDecision(p, d)));
    },
    description ?? 'only proposed values are decided',
  );
}
