/**
 * Properties: named expectations about a model's behaviour. Safety kinds are checked by every
 * search strategy; liveness kinds (`eventually`, `leadsTo`, `alwaysEventually`) need the state
 * graph and fairness, and are checked by the liveness explorer.
 */

/** Every property kind, as it appears in `faultline list --json` and in results. */
export type PropertyKind =
  | 'always'
  | 'transition'
  | 'sometimes'
  | 'eventually'
  | 'leadsTo'
  | 'alwaysEventually'
  | 'deadlock';

interface Named {
  readonly name: string;
  /** One sentence for reports: what it means when this property fails. */
  readonly description?: string;
}

/** An invariant: `holds` on every reachable state. */
export interface Always<S> extends Named {
  readonly kind: 'always';
  readonly holds: (s: S) => boolean;
}

/** A step invariant: `holds` on every transition s —a→ t (e.g. fencing tokens never decrease). */
export interface Transition<S, A> extends Named {
  readonly kind: 'transition';
  readonly holds: (s: S, a: A, t: S) => boolean;
}

/**
 * A reachability witness: some reachable state satisfies `holds`. A complete search that never
 * reaches one reports it, so a check cannot pass vacuously (e.g. "a commit happens at all").
 */
export interface Sometimes<S> extends Named {
  readonly kind: 'sometimes';
  readonly holds: (s: S) => boolean;
}

/** Every fair behaviour reaches a state satisfying `goal`. */
export interface Eventually<S> extends Named {
  readonly kind: 'eventually';
  readonly goal: (s: S) => boolean;
}

/** Whenever `trigger` holds, a state satisfying `goal` follows (now or later) on every fair behaviour. */
export interface LeadsTo<S> extends Named {
  readonly kind: 'leadsTo';
  readonly trigger: (s: S) => boolean;
  readonly goal: (s: S) => boolean;
}

/** On every fair behaviour `goal` holds infinitely often. */
export interface AlwaysEventually<S> extends Named {
  readonly kind: 'alwaysEventually';
  readonly goal: (s: S) => boolean;
}

export type SafetyProperty<S, A> = Always<S> | Transition<S, A> | Sometimes<S>;
export type LivenessProperty<S> = Eventually<S> | LeadsTo<S> | AlwaysEventually<S>;
export type Property<S, A> = SafetyProperty<S, A> | LivenessProperty<S>;

/** `name` holds in every reachable state. */
export function always<S>(name: string, holds: (s: S) => boolean, description?: string): Always<S> {
  return { kind: 'always', name, holds, description };
}

/** `name` holds for every step s —a→ t. */
export function transition<S, A>(
  name: string,
  holds: (s: S, a: A, t: S) => boolean,
  description?: string,
): Transition<S, A> {
  return { kind: 'transition', name, holds, description };
}

/** Some reachable state satisfies `holds`; reported when never reached. */
export function sometimes<S>(name: string, holds: (s: S) => boolean, description?: string): Sometimes<S> {
  return { kind: 'sometimes', name, holds, description };
}

/** Every fair behaviour eventually reaches `goal`. */
export function eventually<S>(name: string, goal: (s: S) => boolean, description?: string): Eventually<S> {
  return { kind: 'eventually', name, goal, description };
}

/** Whenever `trigger` holds, `goal` eventually follows on every fair behaviour. */
export function leadsTo<S>(
  name: string,
  trigger: (s: S) => boolean,
  goal: (s: S) => boolean,
  description?: string,
): LeadsTo<S> {
  return { kind: 'leadsTo', name, trigger, goal, description };
}

/** `goal` holds infinitely often on every fair behaviour. */
export function alwaysEventually<S>(name: string, goal: (s: S) => boolean, description?: string): AlwaysEventually<S> {
  return { kind: 'alwaysEventually', name, goal, description };
}

export function isSafety<S, A>(p: Property<S, A>): p is SafetyProperty<S, A> {
  return p.kind === 'always' || p.kind === 'transition' || p.kind === 'sometimes';
}
