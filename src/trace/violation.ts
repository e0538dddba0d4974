/**
 * Does a concrete behaviour violate a property? Replay asks it of a re-executed trace file, and
 * minimisation asks it of every candidate, so both agree on what "still violates" means.
 */
import { identity, type Model } from '../model/model.ts';
import type { LivenessProperty, Property, PropertyKind } from '../model/property.ts';

/** A property as a trace can violate it: one of the model's, or the built-in deadlock check. */
export type Target<S, A> = Exclude<Property<S, A>, { kind: 'sometimes' }> | { readonly kind: 'deadlock'; readonly name: string };

/** A behaviour: states[0] is initial, actions[i] leads from states[i] to states[i + 1]. */
export interface Behaviour<S, A> {
  readonly states: readonly S[];
  readonly actions: readonly A[];
  /** For a lasso, the state index where the loop begins: the last state returns to it. */
  readonly loopStart: number | null;
}

/**
 * The property a counterexample names, looked up on a (possibly changed) model; null when the
 * model no longer has it. `sometimes` properties have no counterexample behaviour.
 */
export function findTarget<S, A>(model: Model<S, A>, name: string, kind: PropertyKind): Target<S, A> | null {
  if (kind === 'deadlock') return model.checkDeadlock === false ? null : { kind: 'deadlock', name };
  if (kind === 'sometimes') return null;
  const p = model.properties.find((x) => x.name === name && x.kind === kind);
  return p && p.kind !== 'sometimes' ? p : null;
}

/**
 * Whether two states are the same state of the model, as the explorer identifies them (its own
 * `fingerprint`, else its `view`, else the state): a protocol's world is not plain data and is
 * identified only by its fingerprint.
 */
export function sameState<S, A>(model: Model<S, A>, a: S, b: S): boolean {
  const id = identity(model);
  const x = new Int32Array(2);
  const y = new Int32Array(2);
  id(a, x);
  id(b, y);
  return x[0] === y[0] && x[1] === y[1];
}

/** A state with no enabled action that is not a legal end state. */
function deadlocked<S, A>(model: Model<S, A>, s: S): boolean {
  return model.actions(s).length === 0 && !model.terminal?.(s);
}

/**
 * Whether the behaviour, taken as a whole, violates `target`: for `always` its last state fails
 * the invariant, for `transition` its last step does, for deadlock its last state is stuck; for
 * liveness it is a fair-looking infinite behaviour (a lasso, or a run that ends where nothing is
 * enabled and so stutters forever) along which the goal is never reached when it must be.
 * Fairness of the loop is the liveness checker's business and is not re-checked here.
 */
export function violates<S, A>(model: Model<S, A>, target: Target<S, A>, b: Behaviour<S, A>): boolean {
  const last = b.states.length - 1;
  switch (target.kind) {
    case 'always':
      return b.loopStart === null && !target.holds(b.states[last]);
    case 'transition':
      return b.loopStart === null && last >= 1 && !target.holds(b.states[last - 1], b.actions[last - 1], b.states[last]);
    case 'deadlock':
      return b.loopStart === null && deadlocked(model, b.states[last]);
    default:
      return livenessViolated(model, target, b);
  }
}

/**
 * The first state index at which the behaviour already violates `target` (so everything after
 * it can be cut), or null. Deadlock and liveness violations need the whole behaviour.
 */
export function firstViolation<S, A>(model: Model<S, A>, target: Target<S, A>, b: Behaviour<S, A>): number | null {
  if (b.loopStart === null && target.kind === 'always') {
    const i = b.states.findIndex((s) => !target.holds(s));
    return i < 0 ? null : i;
  }
  if (b.loopStart === null && target.kind === 'transition') {
    for (let i = 1; i < b.states.length; i++) if (!target.holds(b.states[i - 1], b.actions[i - 1], b.states[i])) return i;
    return null;
  }
  return violates(model, target, b) ? b.states.length - 1 : null;
}

function livenessViolated<S, A>(model: Model<S, A>, p: LivenessProperty<S>, b: Behaviour<S, A>): boolean {
  const last = b.states.length - 1;
  // The states visited forever: the loop, or the final state a stuck run stutters in.
  let forever: number;
  if (b.loopStart !== null) {
    if (b.loopStart >= last || !sameState(model, b.states[last], b.states[b.loopStart])) return false;
    forever = b.loopStart;
  } else {
    if (model.actions(b.states[last]).length > 0) return false;
    forever = last;
  }
  const goalNeverFrom = (from: number) => b.states.slice(from).every((s) => !p.goal(s));
  switch (p.kind) {
    case 'eventually':
      return goalNeverFrom(0);
    case 'alwaysEventually':
      return goalNeverFrom(forever);
    case 'leadsTo':
      // Some trigger state after which (itself included) the goal never holds again.
      return b.states.some((s, i) => p.trigger(s) && goalNeverFrom(Math.min(i, forever)));
  }
}
