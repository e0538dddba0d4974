/**
 * One behaviour of a conformance test: a path of the model, driven step by step on a fresh
 * implementation and compared after every step. Steps the implementation takes by itself are
 * never driven; after each driven step the model may take up to `maxInternal` of them to reach
 * the state the implementation is in.
 *
 * A behaviour is a generator that yields each value an adapter function returns and is resumed
 * with it — at once for a synchronous implementation (`runSync`), awaited for an asynchronous one
 * (`runAsync`) — so one piece of code drives both.
 */
import { ModelError, describeError } from '../model/errors.ts';
import { stepInfo, type Model } from '../model/model.ts';
import type { Path } from '../trace/trace.ts';
import { handlerOf, stepView, type AdapterStart, type AnyAdapter, type Driver } from './adapter.ts';
import type { Observer } from './observation.ts';

/** Why a behaviour failed. */
export type DivergenceReason = 'diverged' | 'invariant' | 'threw' | 'unhandled';

export interface Failure {
  readonly reason: DivergenceReason;
  /** One sentence: what went wrong where. */
  readonly summary: string;
  /** Where the implementation's state differs from the model's, one line each. */
  readonly details: readonly string[];
  /** For `invariant`: the property the implementation's state violates. */
  readonly property?: string;
}

/** What one behaviour did. */
export interface Outcome {
  /** Its path in the model, the implementation's own steps included. */
  readonly path: Path;
  /** The steps (numbered as in its trace, from 1) the implementation took by itself. */
  readonly internal: readonly number[];
  /** The labels of the steps driven on the implementation, in order. */
  readonly driven: readonly string[];
  /** The behaviour asked for a step the model does not enable where it was asked for. */
  readonly impossible?: boolean;
  readonly failure?: Failure;
}

/** A conformance test's model, adapter and settings, and what its behaviours have covered so far. */
export interface Bridge<S, A> {
  readonly model: Model<S, A>;
  readonly adapter: AnyAdapter;
  readonly observer: Observer<S, unknown>;
  readonly start: Omit<AdapterStart<unknown, unknown>, 'state'>;
  /** Check the model's invariants on the observed state rather than equality with the model's. */
  readonly invariants: boolean;
  readonly maxInternal: number;
  /** A state's identity, as the explorer fingerprints it. */
  readonly identify: (s: S, out: Int32Array) => void;
  /** Fingerprints of the model states reached. */
  readonly covered: Set<string>;
  /** How often each handler (`messages.Prepared`) was taken. */
  readonly taken: Map<string, number>;
  /** Steps driven on the implementation. */
  steps: number;
}

/** A step that may be driven: its label, and where its handler is declared (`messages.Prepared`). */
export interface Option {
  readonly label: string;
  readonly where: string;
}

/**
 * Which step to drive next, given the steps that may be driven here and how many were driven so
 * far: an index into them, null to end the behaviour, or -1 when the step wanted is not there.
 */
export type Pick = (options: readonly Option[], driven: number) => number | null;

/**
 * Pick by fast-check's choices, each one modulo the number of steps that may be driven, leaving
 * out the handlers this behaviour excludes (swarm testing: a behaviour in which, say, nobody
 * aborts gets much further than one in which every kind of step competes at every turn). The
 * behaviour ends when every step that may be driven is excluded.
 */
export const byChoices =
  (choices: readonly number[], excluded: ReadonlySet<string>): Pick =>
  (options, n) => {
    if (n >= choices.length) return null;
    const allowed = options.flatMap((o, i) => (excluded.has(o.where) ? [] : [i]));
    return allowed.length === 0 ? null : allowed[choices[n] % allowed.length];
  };

/** Pick the steps with these labels, in order. */
export const byLabels =
  (wanted: readonly string[]): Pick =>
  (options, n) =>
    n < wanted.length ? options.findIndex((o) => o.label === wanted[n]) : null;

/** Run a model's code, turning what it throws into a `ModelError` (the model's fault, not the implementation's). */
export function modelCall<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ModelError) throw e;
    throw new ModelError(`the model threw while ${what}: ${describeError(e)}`, e);
  }
}

/** The step's handler and where it is declared, or would be. */
function handler<S, A>(b: Bridge<S, A>, a: A) {
  return modelCall('describing a step', () => handlerOf(b.adapter, stepInfo(b.model, a), b.model.label(a)));
}

/** Run one behaviour from initial state `initIndex`, driving the steps `pick` chooses, until it ends or fails. */
export function* behave<S, A>(b: Bridge<S, A>, initIndex: number, pick: Pick): Generator<unknown, Outcome, any> {
  const { model, adapter } = b;
  let s = modelCall('building its initial states', () => model.init())[initIndex];
  const actions: number[] = [];
  const labels: string[] = [];
  const internal: number[] = [];
  const driven: string[] = [];
  let failure: Failure | undefined;
  let impossible = false;
  const outcome = (): Outcome => ({
    path: { initIndex, actions: [...actions] },
    internal,
    driven,
    ...(impossible ? { impossible } : {}),
    ...(failure ? { failure } : {}),
  });
  /** `after step 4 (tm: commit)`: where the behaviour is, numbered as in its trace. */
  const at = () => (actions.length === 0 ? 'in the initial state' : `after step ${actions.length} (${labels[labels.length - 1]})`);
  const reach = (t: S) => {
    const out = new Int32Array(2);
    modelCall('fingerprinting a state', () => b.identify(t, out));
    b.covered.add(`${out[0]}:${out[1]}`);
  };
  const take = (i: number, a: A, where: string) => {
    actions.push(i);
    labels.push(modelCall('labelling a step', () => model.label(a)));
    b.taken.set(where, (b.taken.get(where) ?? 0) + 1);
  };

  let impl: unknown;
  try {
    impl = yield adapter.create({ ...b.start, state: s } as AdapterStart<any, any>);
  } catch (e) {
    failure = { reason: 'threw', summary: `the implementation threw while being created: ${describeError(e)}`, details: [] };
    return outcome();
  }

  /** Observe the implementation, let the model catch up with its internal steps, and check. */
  const afterStep = function* (): Generator<unknown, Failure | undefined, any> {
    let observed: unknown;
    try {
      observed = yield adapter.observe(impl);
    } catch (e) {
      return { reason: 'threw', summary: `the implementation threw while being observed ${at()}: ${describeError(e)}`, details: [] };
    }
    const caught = catchUp(b, s, observed);
    if (caught) {
      for (const [i, a, t] of caught) {
        take(i, a, handler(b, a).where);
        internal.push(actions.length);
        s = t;
        reach(s);
      }
    } else if (!b.invariants) {
      const own = modelCall('listing enabled steps', () => model.actions(s).filter((a) => handler(b, a).handler === 'internal').map((a) => model.label(a)));
      const summary =
        actions.length === 0
          ? "the implementation does not start in the model's initial state"
          : `the implementation is not in the model's state ${at()}` + (own.length > 0 ? `, and no step it takes by itself (${own.join(', ')}) leads the model there` : '');
      return { reason: 'diverged', summary, details: modelCall('comparing states', () => b.observer.differences(s, observed)) };
    }
    if (b.invariants) {
      const seen = b.observer.asState(s, observed);
      for (const p of model.properties) {
        if (p.kind === 'always' && !modelCall(`checking ${p.name}`, () => p.holds(seen))) {
          return {
            reason: 'invariant',
            property: p.name,
            summary: `the implementation's state violates ${p.name} ${at()}${p.description ? `: ${p.description}` : ''}`,
            details: modelCall('comparing states', () => b.observer.differences(s, observed)),
          };
        }
      }
    }
    return undefined;
  };

  try {
    reach(s);
    failure = yield* afterStep();
    while (!failure) {
      const enabled = modelCall('listing enabled steps', () => model.actions(s));
      const drivable = enabled.map((a, i) => ({ a, i, h: handler(b, a) })).filter((x) => x.h.handler !== 'internal');
      if (drivable.length === 0) break;
      const k = pick(
        drivable.map((x) => ({ label: modelCall('labelling a step', () => model.label(x.a)), where: x.h.where })),
        driven.length,
      );
      if (k === null) break;
      if (k < 0) {
        impossible = true;
        break;
      }
      const { a, i, h } = drivable[k];
      const view = modelCall('describing a step', () => stepView(model, stepInfo(model, a), s, a));
      take(i, a, h.where);
      driven.push(view.label);
      if (h.handler === undefined) {
        failure = { reason: 'unhandled', summary: `the adapter has no handler for step ${actions.length} (${view.label}): add ${h.where}`, details: [] };
        break;
      }
      b.steps++;
      try {
        yield (h.handler as Driver<unknown, unknown>)(impl, view);
      } catch (e) {
        failure = { reason: 'threw', summary: `the implementation threw in step ${actions.length} (${view.label}): ${describeError(e)}`, details: [] };
        break;
      }
      s = modelCall(`taking ${view.label}`, () => model.next(s, a));
      reach(s);
      failure = yield* afterStep();
    }
    return outcome();
  } finally {
    if (adapter.dispose) yield adapter.dispose(impl);
  }
}

/**
 * The internal steps (index among the enabled steps, the step, the state after) that take the
 * model from `s` to a state the observation matches — none when it already does — or null when
 * no sequence of at most `maxInternal` of them does. Breadth first: the fewest such steps.
 */
function catchUp<S, A>(b: Bridge<S, A>, s: S, observed: unknown): [number, A, S][] | null {
  const { model } = b;
  let frontier: { s: S; path: [number, A, S][] }[] = [{ s, path: [] }];
  for (let depth = 0; frontier.length > 0; depth++) {
    for (const node of frontier) if (modelCall('comparing states', () => b.observer.same(node.s, observed))) return node.path;
    if (depth === b.maxInternal) break;
    const next: typeof frontier = [];
    for (const node of frontier) {
      modelCall('listing enabled steps', () => model.actions(node.s)).forEach((a, i) => {
        if (handler(b, a).handler !== 'internal') return;
        const t = modelCall(`taking ${model.label(a)}`, () => model.next(node.s, a));
        next.push({ s: t, path: [...node.path, [i, a, t]] });
      });
    }
    frontier = next;
  }
  return null;
}

/**
 * Remove driven steps, one at a time, while the behaviour still fails the same way. fast-check
 * shrinks choices, and a choice means "the k-th enabled step": removing an early step shifts what
 * the later choices pick, so its result can keep a step the failure does not need. Removal by
 * label keeps the later steps as they were. Deterministic, so a failure's seed and path still
 * lead to this very result.
 */
export function* minimise<S, A>(b: Bridge<S, A>, found: Outcome): Generator<unknown, Outcome, any> {
  const same = (o: Outcome) => !o.impossible && o.failure?.reason === found.failure!.reason && o.failure.property === found.failure!.property;
  let best = found;
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = 0; i < best.driven.length && !changed; i++) {
      const o: Outcome = yield* behave(b, best.path.initIndex, byLabels(best.driven.filter((_, j) => j !== i)));
      if (same(o)) (best = o), (changed = true);
    }
  }
  return best;
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return (typeof x === 'object' || typeof x === 'function') && x !== null && typeof (x as PromiseLike<unknown>).then === 'function';
}

/** Run a behaviour of a synchronous implementation. */
export function runSync<T>(g: Generator<unknown, T, unknown>): T {
  let r = g.next();
  while (!r.done) {
    if (isThenable(r.value)) throw new TypeError('the adapter returned a promise: use checkConformanceAsync for an asynchronous implementation');
    r = g.next(r.value);
  }
  return r.value;
}

/** Run a behaviour of an asynchronous implementation, awaiting each adapter function in turn. */
export async function runAsync<T>(g: Generator<unknown, T, unknown>): Promise<T> {
  let r = g.next();
  while (!r.done) {
    let value: unknown;
    try {
      value = await r.value;
    } catch (e) {
      r = g.throw(e);
      continue;
    }
    r = g.next(value);
  }
  return r.value;
}
