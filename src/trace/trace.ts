/**
 * Traces: a behaviour of a model, stored as the choice made at each step (which initial state,
 * then which enabled action) and rebuilt by re-executing those choices. Explorers keep only the
 * choices; full states exist again only for the few traces a person reads.
 */
import { ModelError } from '../model/errors.ts';
import { guarded } from '../model/guard.ts';
import { stepInfo, type Model, type StepKind } from '../model/model.ts';

/** A behaviour as choices: an index into `init()`, then one index into `actions(s)` per step. */
export interface Path {
  readonly initIndex: number;
  readonly actions: readonly number[];
  /** For a lasso: the index of the step (0 = the initial state) at which the loop begins. */
  readonly loopStart?: number | null;
}

export interface TraceStep {
  /** 0 for the initial state, then 1, 2, … */
  readonly index: number;
  readonly kind: StepKind;
  /** The action's label (`init` for the initial state). */
  readonly action: string;
  /** Index into `actions(previous state)`; for the initial state, the index into `init()`. */
  readonly actionIndex: number;
  readonly node?: string;
  readonly from?: string;
  readonly to?: string;
  readonly message?: string;
  /** The action's name without its arguments (`StepInfo.name`). */
  readonly name?: string;
  /** The state after the step, as the model shows it. */
  readonly state: unknown;
}

export interface Trace {
  readonly steps: readonly TraceStep[];
  /** For a lasso, the step index where the loop begins: the last state returns to it. */
  readonly loopStart: number | null;
}

/** Number of actions in a trace (its initial state is not a step). */
export function traceLength(trace: Trace): number {
  return trace.steps.length - 1;
}

/**
 * The concrete states along a path, by re-execution. Throws a `ModelError` when a choice does not
 * exist (the model changed since the path was recorded).
 */
export function statesAlong<S, A>(model: Model<S, A>, path: Path): { states: S[]; actions: A[] } {
  const inits = model.init();
  if (path.initIndex < 0 || path.initIndex >= inits.length) {
    throw new ModelError(`trace starts from initial state #${path.initIndex}, but the model has ${inits.length}`);
  }
  let s = inits[path.initIndex];
  const states = [s];
  const actions: A[] = [];
  for (let i = 0; i < path.actions.length; i++) {
    const enabled = model.actions(s);
    const ai = path.actions[i];
    if (ai < 0 || ai >= enabled.length) {
      throw new ModelError(`trace step ${i + 1} chooses action #${ai}, but only ${enabled.length} are enabled there`);
    }
    const a = enabled[ai];
    s = model.next(s, a);
    actions.push(a);
    states.push(s);
  }
  return { states, actions };
}

/** Rebuild the readable trace of a path by re-executing it. */
export function buildTrace<S, A>(raw: Model<S, A>, path: Path): Trace {
  const model = guarded(raw);
  const replayed = statesAlong(model, path);
  const show = (s: S): unknown => (model.show ? model.show(s) : s);
  const steps: TraceStep[] = [
    { index: 0, kind: 'init', action: 'init', actionIndex: path.initIndex, state: show(replayed.states[0]) },
  ];
  replayed.actions.forEach((a, i) => {
    const info = stepInfo(model, a);
    steps.push({
      index: i + 1,
      ...info,
      action: model.label(a),
      actionIndex: path.actions[i],
      state: show(replayed.states[i + 1]),
    });
  });
  return { steps, loopStart: path.loopStart ?? null };
}
