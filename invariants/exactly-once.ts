/**
 * Exactly-once processing, split into its two safety halves. Networks lose and duplicate
 * messages and timeouts cannot tell "lost" from "slow", so a client retries (at-least-once) and
 * the server must recognise the copies (at-most-once); only together do they give exactly-once.
 * Both helpers read request identities (ids, keys, anything comparable with `===`).
 */
import { always, type Always } from 'faultline';

/**
 * At most once: no request appears twice in `applied(s)`, the list of requests whose effect the
 * server has applied, one entry per application (a ledger, an event log).
 */
export function atMostOnce<S, R>(name: string, applied: (s: S) => readonly R[], description?: string): Always<S> {
  return always(
    name,
    (s: S) => {
      const xs = applied(s);
      return new Set(xs).size === xs.length;
    },
    description ?? 'no request is applied more than once',
  );
}

/**
 * At least once, as a safety property: every request in `acknowledged(s)` (the client was told it
 * is done) is in `applied(s)`. A server that acknowledges a duplicate without having applied the
 * original fails it.
 */
export function acknowledgedApplied<S, R>(
  name: string,
  acknowledged: (s: S) => readonly R[],
  applied: (s: S) => readonly R[],
  description?: string,
): Always<S> {
  return always(
    name,
    (s: S) => {
      const done = new Set(applied(s));
      return acknowledged(s).every((r) => done.has(r));
    },
    description ?? 'every acknowledged request has been applied',
  );
}
