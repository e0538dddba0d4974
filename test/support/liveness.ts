/**
 * Checks of a liveness counterexample against the definitions, by re-executing it on the model
 * (never trusting the trace's own states): a lasso really returns to the state where its loop
 * starts (same fingerprint, as the model identifies states), a run that stops really ends where no
 * action is enabled, and the goal is pending from the trigger to the end.
 */
import { expect } from 'vitest';
import type { Violation } from '../../src/explore/result.ts';
import { identity, type Model } from '../../src/model/model.ts';
import { statesAlong } from '../../src/trace/trace.ts';

export interface Replayed<S, A> {
  readonly states: S[];
  readonly actions: A[];
  readonly labels: string[];
  /** Index of the state where the loop starts, or null for a run that stops. */
  readonly loopStart: number | null;
}

/** The model's fingerprint of a state, as a string. */
export function fingerprintOf<S, A>(model: Model<S, A>, s: S): string {
  const out = new Int32Array(2);
  identity(model)(s, out);
  return `${out[0]}:${out[1]}`;
}

/**
 * Replay `v` and check its shape. `goal` must fail in every state from the start (for
 * `eventually`, without a `trigger`), or from the last state at or before the loop start where
 * `trigger` holds (for `leadsTo`), to the end; for a lasso that covers the whole loop.
 */
export function expectGenuineCounterexample<S, A>(
  model: Model<S, A>,
  v: Violation,
  goal: (s: S) => boolean,
  trigger?: (s: S) => boolean,
): Replayed<S, A> {
  const { states, actions } = statesAlong(model, v.path!);
  const loopStart = v.path!.loopStart ?? null;
  const last = states.length - 1;
  if (loopStart === null) {
    expect(v.liveness!.end).not.toBe('loop');
    expect(model.actions(states[last])).toHaveLength(0);
  } else {
    expect(v.liveness!.end).toBe('loop');
    expect(last).toBeGreaterThan(loopStart);
    expect(v.liveness!.loopLength).toBe(last - loopStart);
    expect(fingerprintOf(model, states[last])).toBe(fingerprintOf(model, states[loopStart]));
  }
  const from = loopStart ?? last;
  let fired = trigger ? -1 : 0;
  for (let i = from; trigger && i >= 0 && fired < 0; i--) if (trigger(states[i])) fired = i;
  expect(fired).toBeGreaterThanOrEqual(0);
  for (let i = fired; i <= last; i++) expect(goal(states[i]), `goal holds at step ${i}`).toBe(false);
  return { states, actions, labels: actions.map((a) => model.label(a)), loopStart };
}
