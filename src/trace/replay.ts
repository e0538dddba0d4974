/**
 * Replay: re-execute a trace file's choices against the current model and check that every step
 * is the same action reaching the same state, and that the recorded violation happens again.
 * States are compared as stored (JSON form of what the model shows), so Sets, Maps and key order
 * do not cause false alarms.
 */
import { guarded } from '../model/guard.ts';
import { stepInfo, type Model } from '../model/model.ts';
import { fingerprintHex } from '../state/fingerprint.ts';
import { asStored } from '../state/json.ts';
import type { TraceFile } from './file.ts';
import { findTarget, violates } from './violation.ts';

export type ReplayOutcome =
  /** Every step matches and the violation reproduces. */
  | { readonly status: 'reproduces' }
  /** Step `step` differs from the file (0 = the initial state). */
  | { readonly status: 'diverges'; readonly step: number; readonly expected: string; readonly got: string }
  /** Every step matches, but the property is not violated (or no longer exists). */
  | { readonly status: 'not-reproduced'; readonly reason: string };

/** One line for a person: what the replay found. */
export function describeReplay(file: TraceFile, outcome: ReplayOutcome): string {
  const n = file.length;
  switch (outcome.status) {
    case 'reproduces':
      return `reproduces: all ${n} steps match and ${file.property} (${file.kind}) is violated again`;
    case 'diverges':
      return `diverges at step ${outcome.step}: expected ${outcome.expected}, got ${outcome.got}`;
    case 'not-reproduced':
      return `does not reproduce: all ${n} steps match, but ${outcome.reason}`;
  }
}

export function replay<S, A>(raw: Model<S, A>, file: TraceFile): ReplayOutcome {
  const model = guarded(raw);
  const stored = (s: S) => asStored(model.show ? model.show(s) : s);
  const differs = (i: number, s: S): ReplayOutcome | null => {
    const expected = file.steps[i].state;
    const got = stored(s);
    if (fingerprintHex(expected) === fingerprintHex(got)) return null;
    const d = firstDifference(expected, got, '');
    return { status: 'diverges', step: i, expected: `${d.path} = ${d.expected}`, got: d.got };
  };

  const inits = model.init();
  const first = file.steps[0].actionIndex;
  if (first >= inits.length) {
    return { status: 'diverges', step: 0, expected: `initial state #${first}`, got: `${inits.length} initial state(s)` };
  }
  let s = inits[first];
  const states: S[] = [s];
  const actions: A[] = [];
  const mismatch = differs(0, s);
  if (mismatch) return mismatch;

  for (let i = 1; i < file.steps.length; i++) {
    const step = file.steps[i];
    const enabled = model.actions(s);
    if (step.actionIndex >= enabled.length) {
      return {
        status: 'diverges',
        step: i,
        expected: `action #${step.actionIndex} "${step.action}"`,
        got: `${enabled.length} enabled action(s)`,
      };
    }
    const a = enabled[step.actionIndex];
    const label = model.label(a);
    if (label !== step.action) return { status: 'diverges', step: i, expected: `action "${step.action}"`, got: `"${label}"` };
    const kind = stepInfo(model, a).kind;
    if (kind !== step.kind) return { status: 'diverges', step: i, expected: `a ${step.kind} step`, got: `a ${kind} step` };
    s = model.next(s, a);
    const diverged = differs(i, s);
    if (diverged) return diverged;
    states.push(s);
    actions.push(a);
  }

  const target = findTarget(model, file.property, file.kind);
  if (!target) {
    const reason =
      file.kind === 'sometimes'
        ? 'a sometimes property fails by never being reached: no behaviour shows that'
        : file.kind === 'deadlock'
          ? 'the model no longer checks for deadlocks'
          : `the model has no ${file.kind} property named "${file.property}"`;
    return { status: 'not-reproduced', reason };
  }
  if (!violates(model, target, { states, actions, loopStart: file.loopStart })) {
    return { status: 'not-reproduced', reason: `${file.property} (${file.kind}) is not violated by this behaviour` };
  }
  return { status: 'reproduces' };
}

/** The first place where two JSON values differ, as a path (`rmState[1]`) and both renderings. */
function firstDifference(expected: unknown, got: unknown, path: string): { path: string; expected: string; got: string } {
  const here = { path: path || 'the state', expected: show(expected), got: show(got) };
  if (Array.isArray(expected) && Array.isArray(got)) {
    if (expected.length !== got.length) return here;
    for (let i = 0; i < expected.length; i++) {
      if (fingerprintHex(expected[i]) !== fingerprintHex(got[i])) return firstDifference(expected[i], got[i], `${path}[${i}]`);
    }
    return here;
  }
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(expected) && isObject(got)) {
    for (const k of new Set([...Object.keys(expected), ...Object.keys(got)])) {
      if (!(k in expected) || !(k in got)) return { path: path ? `${path}.${k}` : k, expected: show(expected[k]), got: show(got[k]) };
      if (fingerprintHex(expected[k]) !== fingerprintHex(got[k])) return firstDifference(expected[k], got[k], path ? `${path}.${k}` : k);
    }
  }
  return here;
}

function show(v: unknown): string {
  const text = v === undefined ? '(absent)' : JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
