/**
 * Replaying a hand-derived scenario step by step, by label: each step must be enabled where the
 * scenario says it is taken (else the error lists what was enabled), and a safety property can be
 * evaluated on every state along the way.
 */
import type { Model } from '../../src/model/model.ts';

/** The states along `labels` from the (first) initial state: `labels.length + 1` states. */
export function replay<S, A>(model: Model<S, A>, labels: readonly string[]): S[] {
  let s = model.init()[0];
  const states = [s];
  labels.forEach((label, i) => {
    const enabled = model.actions(s);
    const a = enabled.find((x) => model.label(x) === label);
    if (a === undefined) {
      throw new Error(`step ${i + 1} "${label}" is not enabled; enabled: ${enabled.map((x) => model.label(x)).join(' | ')}`);
    }
    s = model.next(s, a);
    states.push(s);
  });
  return states;
}

/** Whether the `always` property `name` holds in `s`. */
export function holds<S, A>(model: Model<S, A>, name: string, s: S): boolean {
  const p = model.properties.find((x) => x.name === name);
  if (!p || p.kind !== 'always') throw new Error(`no always-property "${name}"`);
  return p.holds(s);
}

/** The index of the first state along `states` where `name` fails, or -1. */
export function firstFailure<S, A>(model: Model<S, A>, name: string, states: readonly S[]): number {
  return states.findIndex((s) => !holds(model, name, s));
}
