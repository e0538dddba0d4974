/**
 * Replaying a hand-derived scenario by its step labels, independently of the explorer: each step
 * must match exactly one enabled action, and the safety properties are evaluated along the way
 * so a test can say where the first one fails.
 */
import type { Model } from '../../src/model/model.ts';

export interface Run<S, A> {
  readonly states: S[];
  readonly actions: A[];
}

/** Follow `labels` from the initial state chosen by `start` (default: the first one). */
export function replay<S, A>(model: Model<S, A>, labels: readonly string[], start: (s: S) => boolean = () => true): Run<S, A> {
  const init = model.init().filter(start);
  if (init.length === 0) throw new Error('no initial state matches');
  const states = [init[0]];
  const actions: A[] = [];
  for (const [i, label] of labels.entries()) {
    const s = states[states.length - 1];
    const enabled = model.actions(s);
    const matches = enabled.filter((a) => model.label(a) === label);
    if (matches.length !== 1) {
      const options = enabled.map((a) => `  ${model.label(a)}`).join('\n');
      throw new Error(`step ${i + 1} "${label}" matches ${matches.length} enabled actions; enabled:\n${options}`);
    }
    actions.push(matches[0]);
    states.push(model.next(s, matches[0]));
  }
  return { states, actions };
}

/**
 * The first step (1-based; 0 = the initial state) after which an `always` or `transition`
 * property fails, with the properties failing there; null when every state and step is fine.
 */
export function firstFailure<S, A>(model: Model<S, A>, run: Run<S, A>): { step: number; properties: string[] } | null {
  for (let i = 0; i < run.states.length; i++) {
    const failing: string[] = [];
    for (const p of model.properties) {
      if (p.kind === 'always' && !p.holds(run.states[i])) failing.push(p.name);
      if (p.kind === 'transition' && i > 0 && !p.holds(run.states[i - 1], run.actions[i - 1], run.states[i])) failing.push(p.name);
    }
    if (failing.length > 0) return { step: i, properties: failing };
  }
  return null;
}

/** The states along `labels` from the first initial state: `labels.length + 1` states. */
export function replayStates<S, A>(model: Model<S, A>, labels: readonly string[]): S[] {
  return replay(model, labels).states;
}

/** Whether the `always` property `name` holds in `s`. */
export function holds<S, A>(model: Model<S, A>, name: string, s: S): boolean {
  const p = model.properties.find((x) => x.name === name);
  if (!p || p.kind !== 'always') throw new Error(`no always-property "${name}"`);
  return p.holds(s);
}

/** The index of the first state along `states` where the `always` property `name` fails, or -1. */
export function firstFailing<S, A>(model: Model<S, A>, name: string, states: readonly S[]): number {
  return states.findIndex((s) => !holds(model, name, s));
}
