/**
 * Find: breadth-first search from the state a person is looking at to the nearest state that
 * violates a safety property (or the deadlock check), or that reaches a `sometimes` property —
 * the explorer's own BFS, run on a view of the model whose only initial state is the current one,
 * so "nearest" means fewest steps from here and the path found is a shortest one.
 */
import { bfs, StateStore } from '../explore/bfs.ts';
import { runToEnd } from '../explore/drive.ts';
import { SafetyMonitor } from '../explore/monitor.ts';
import type { Bound } from '../explore/result.ts';
import { InputError, ModelError, describeError } from '../model/errors.ts';
import { identity, type Model } from '../model/model.ts';
import { always, type Property, type PropertyKind } from '../model/property.ts';
import { DEADLOCK } from '../explore/monitor.ts';

/** What Find looks for: any safety violation, or one property by name. */
export const ANY_VIOLATION = '';

export interface FindTarget {
  /** `ANY_VIOLATION`, a safety property's name, `deadlock`, or a `sometimes` property's name. */
  readonly value: string;
  /** What the page's menu says. */
  readonly title: string;
}

/** The targets a model offers, in the page's order: any violation, each invariant, deadlock, each witness. */
export function findTargets<S, A>(model: Model<S, A>): FindTarget[] {
  const out: FindTarget[] = [{ value: ANY_VIOLATION, title: 'any violation' }];
  for (const p of model.properties) if (p.kind === 'always' || p.kind === 'transition') out.push({ value: p.name, title: `violate ${p.name}` });
  if (model.checkDeadlock !== false) out.push({ value: DEADLOCK, title: 'a deadlock' });
  for (const p of model.properties) if (p.kind === 'sometimes') out.push({ value: p.name, title: `reach ${p.name}` });
  return out;
}

export interface Found {
  /** The property violated (or, for `sometimes`, reached). */
  readonly property: string;
  readonly kind: PropertyKind;
  /** The choices from the start state to the state found (empty: the start state itself). */
  readonly actions: readonly number[];
}

export interface FindResult {
  readonly found: Found | null;
  /** Distinct states the search stored. */
  readonly distinctStates: number;
  /** Null when the search covered every state reachable from the start (within the model's constraint). */
  readonly cutBy: Bound | null;
}

/** The model as Find searches it: `from` as the only initial state, and only the target's properties. */
function searchView<S, A>(model: Model<S, A>, from: S, target: string): Model<S, A> {
  let properties: Property<S, A>[];
  let deadlock = false;
  if (target === ANY_VIOLATION) {
    properties = model.properties.filter((p) => p.kind === 'always' || p.kind === 'transition');
    deadlock = model.checkDeadlock !== false;
  } else if (target === DEADLOCK && model.checkDeadlock !== false) {
    properties = [];
    deadlock = true;
  } else {
    const p = model.properties.find((x) => x.name === target);
    if (!p) throw new InputError(`Find: the model has no property "${target}"`);
    if (p.kind === 'sometimes') {
      // A witness is a state where the predicate holds: the first "violation" of its negation.
      properties = [always(p.name, (s: S) => !p.holds(s))];
    } else if (p.kind === 'always' || p.kind === 'transition') {
      properties = [p];
    } else {
      throw new InputError(`Find: ${p.name} is a liveness property (${p.kind}); a search to a state cannot show it violated`);
    }
  }
  // A view, not a copy: hooks defined on a prototype stay reachable (as check's property selection does).
  return Object.create(model, {
    init: { value: () => [from], enumerable: true },
    properties: { value: properties, enumerable: true },
    checkDeadlock: { value: deadlock, enumerable: true },
  }) as Model<S, A>;
}

/** Search from `from` for `target`, storing at most `maxStates` states. */
export function findNearest<S, A>(model: Model<S, A>, from: S, target: string, maxStates: number): FindResult {
  const view = searchView(model, from, target);
  const monitor = new SafetyMonitor(view, false);
  let outcome;
  try {
    outcome = runToEnd(bfs(view, monitor, { maxStates }, new StateStore(identity(view))));
  } catch (e) {
    if (e instanceof ModelError) throw e;
    throw new ModelError(`the model threw during Find: ${describeError(e)}`, e);
  }
  const hit = monitor.found[0];
  // A witness was found as a violation of its negation: report it under its own kind.
  const kind = (name: string, k: PropertyKind) => (k === 'deadlock' ? k : (model.properties.find((p) => p.name === name)?.kind ?? k));
  return {
    found: hit ? { property: hit.property, kind: kind(hit.property, hit.kind), actions: hit.path.actions } : null,
    distinctStates: outcome.distinctStates,
    cutBy: outcome.cutBy,
  };
}
