/**
 * Where a person is in the state space: a path (an initial state, then one choice among the
 * enabled steps per step, as a trace file stores it) and a cursor on it. Steps behind the cursor
 * are the past, steps after it the future that Forward goes back to, as in a browser's history;
 * taking a different step than the recorded one cuts that future off.
 *
 * A position is plain data that a URL carries (`path=0.2.1.4&at=2`); a `Walk` is its
 * re-execution on a model, which is cheap for the paths a person clicks together and keeps the
 * server free of per-user state.
 */
import { InputError, ModelError, describeError } from '../model/errors.ts';
import type { Model } from '../model/model.ts';
import { buildTrace, type TraceStep } from '../trace/trace.ts';

export interface Position {
  /** Index into `init()`. */
  readonly initIndex: number;
  /** One index into `actions(state)` per step. */
  readonly actions: readonly number[];
  /** The step whose state is shown, 0 (the initial state) to `actions.length`. */
  readonly at: number;
  /** For a lasso loaded from a trace file: the step where its loop begins (kept while the path is). */
  readonly loopStart: number | null;
}

export const START: Position = { initIndex: 0, actions: [], at: 0, loopStart: null };

/** The position a URL query names: `path` (`0.2.1`: the initial state, then the choices), `at`, `loop`. */
export function positionFromQuery(q: URLSearchParams): Position {
  const raw = q.get('path') ?? '0';
  if (!/^\d+(\.\d+)*$/.test(raw)) throw new InputError(`path must be step numbers separated by dots (e.g. 0.2.1), got "${clip(raw)}"`);
  const [initIndex, ...actions] = raw.split('.').map(Number);
  const at = natural(q.get('at'), 'at') ?? actions.length;
  if (at > actions.length) throw new InputError(`at is ${at}, but the path has only ${actions.length} steps`);
  const loopStart = natural(q.get('loop'), 'loop') ?? null;
  if (loopStart !== null && loopStart >= actions.length) throw new InputError(`loop is ${loopStart}, but a loop must begin before the last of the path's ${actions.length} steps`);
  return { initIndex, actions, at, loopStart };
}

/** The query fields of a position. */
export function positionQuery(p: Position): [string, string][] {
  const out: [string, string][] = [
    ['path', [p.initIndex, ...p.actions].join('.')],
    ['at', String(p.at)],
  ];
  if (p.loopStart !== null) out.push(['loop', String(p.loopStart)]);
  return out;
}

function natural(raw: string | null, name: string): number | undefined {
  if (raw === null || raw === '') return undefined;
  if (!/^\d{1,9}$/.test(raw)) throw new InputError(`${name} must be a step number, got "${clip(raw)}"`);
  return Number(raw);
}

const clip = (s: string) => (s.length > 40 ? `${s.slice(0, 39)}…` : s);

/** The position after taking the `choice`-th enabled step at the cursor. */
export function take(p: Position, choice: number): Position {
  if (p.actions[p.at] === choice) return { ...p, at: p.at + 1 };
  return { initIndex: p.initIndex, actions: [...p.actions.slice(0, p.at), choice], at: p.at + 1, loopStart: null };
}

/** The same path with the cursor at step `at`. */
export function moveTo(p: Position, at: number): Position {
  return { ...p, at: Math.max(0, Math.min(at, p.actions.length)) };
}

/** A fresh path from another initial state. */
export function startFrom(initIndex: number): Position {
  return { ...START, initIndex };
}

/** A position re-executed: every state of the path, and each step as a trace shows it. */
export interface Walk<S, A> {
  /** The position walked: the one asked for, or its longest prefix that exists (see `invalid`). */
  readonly position: Position;
  /** `states[i]` is the state after step i (`states[0]` the initial state). */
  readonly states: readonly S[];
  readonly actions: readonly A[];
  /** Every step with the state after it as the model shows it, exactly as a trace file records it. */
  readonly steps: readonly TraceStep[];
  /** The number of initial states of the model. */
  readonly inits: number;
  /** Why the path asked for was cut short: a choice that does not exist (a hand-edited URL, another model). */
  readonly invalid?: string;
}

/** Re-execute a position, as far as its choices exist; a model that throws is a `ModelError`. */
export function walk<S, A>(model: Model<S, A>, p: Position): Walk<S, A> {
  let inits: readonly S[];
  let states: S[];
  const actions: A[] = [];
  const choices: number[] = [];
  let invalid: string | undefined;
  try {
    inits = model.init();
    const initIndex = p.initIndex < inits.length ? p.initIndex : 0;
    if (initIndex !== p.initIndex) invalid = `the path starts from initial state #${p.initIndex}, but the model has ${inits.length}`;
    let s = inits[initIndex];
    states = [s];
    for (const choice of invalid === undefined ? p.actions : []) {
      const enabled = model.actions(s);
      if (choice >= enabled.length) {
        invalid = `step ${actions.length + 1} of the path takes step #${choice}, but only ${enabled.length} are enabled there`;
        break;
      }
      s = model.next(s, enabled[choice]);
      states.push(s);
      actions.push(enabled[choice]);
      choices.push(choice);
    }
    p = invalid === undefined ? p : { initIndex, actions: choices, at: Math.min(p.at, choices.length), loopStart: null };
  } catch (e) {
    if (e instanceof ModelError) throw e;
    throw new ModelError(`the model threw while re-executing the path: ${describeError(e)}`, e);
  }
  const steps = buildTrace(model, { initIndex: p.initIndex, actions: p.actions }).steps;
  return { position: p, states, actions, steps, inits: inits.length, ...(invalid === undefined ? {} : { invalid }) };
}

/**
 * The longest prefix of a path that replays on `model` by step labels, for switching the setting
 * under a path: the same story told to another variant or fault budget. Returns the new position
 * and, when it is shorter, why it stopped.
 */
export function follow<S, A>(
  model: Model<S, A>,
  initIndex: number,
  labels: readonly string[],
): { position: Position; stoppedAt: number | null; reason?: string } {
  try {
    const inits = model.init();
    if (initIndex >= inits.length) {
      return { position: START, stoppedAt: 0, reason: `the model now has ${inits.length} initial state(s), not #${initIndex}` };
    }
    let s = inits[initIndex];
    const actions: number[] = [];
    for (let i = 0; i < labels.length; i++) {
      const enabled = model.actions(s);
      const choice = enabled.findIndex((a) => model.label(a) === labels[i]);
      if (choice < 0) {
        const position = { initIndex, actions, at: actions.length, loopStart: null };
        return { position, stoppedAt: i + 1, reason: `step ${i + 1} "${labels[i]}" is not enabled there` };
      }
      actions.push(choice);
      s = model.next(s, enabled[choice]);
    }
    return { position: { initIndex, actions, at: actions.length, loopStart: null }, stoppedAt: null };
  } catch (e) {
    throw new ModelError(`the model threw while following the path: ${describeError(e)}`, e);
  }
}
