/**
 * Counterexample minimisation: shrink a trace to the fewest injected faults, then the fewest
 * steps, still violating the same property. Candidates are subsequences of the recorded action
 * labels, re-executed from the same initial state: at each step the first enabled action with the
 * recorded label is taken (indices shift when earlier steps are gone); a label that is not enabled
 * makes the candidate invalid. Delta debugging (Zeller's ddmin) first over the fault steps alone,
 * then over all steps; every accepted candidate is cut right after its first violating state.
 * A lasso keeps its loop as it is and only its prefix is shrunk.
 */
import { ModelError } from '../model/errors.ts';
import { guarded } from '../model/guard.ts';
import { FAULT_STEP_KINDS, stepInfo, type Model } from '../model/model.ts';
import { buildTrace, statesAlong, type Path, type Trace } from './trace.ts';
import { findTarget, firstViolation, violates, type Target } from './violation.ts';

export interface Minimized {
  readonly path: Path;
  readonly trace: Trace;
  /** Steps and injected faults before and after. */
  readonly before: { readonly length: number; readonly faults: number };
  readonly after: { readonly length: number; readonly faults: number };
  /** Candidates re-executed. */
  readonly tries: number;
}

/** One recorded step: its label, and whether it is an injected fault. */
interface Recorded {
  readonly label: string;
  readonly fault: boolean;
}

/** A candidate that re-executed and still violates: its real choices and its steps. */
interface Accepted {
  readonly path: Path;
  readonly steps: readonly Recorded[];
}

/** "12 → 7 steps (3 → 1 faults)". */
export function describeMinimized(m: Minimized): string {
  return `${m.before.length} → ${m.after.length} steps (${m.before.faults} → ${m.after.faults} faults)`;
}

/** Shrink the counterexample `path` of `target`; throws a `ModelError` if `path` does not violate it. */
export function minimize<S, A>(model: Model<S, A>, target: Target<S, A>, path: Path): Minimized {
  const checked = guarded(model);
  // The target as the guarded model has it, so that a property that throws is blamed by name.
  return shrink(checked, findTarget(checked, target.name, target.kind) ?? target, path);
}

function shrink<S, A>(model: Model<S, A>, target: Target<S, A>, path: Path): Minimized {
  const original = statesAlong(model, path);
  const loopStart = path.loopStart ?? null;
  if (!violates(model, target, { ...original, loopStart })) {
    throw new ModelError(`cannot minimise: the trace does not violate ${target.name}`);
  }
  const recorded: Recorded[] = original.actions.map((a) => ({ label: model.label(a), fault: FAULT_STEP_KINDS.has(stepInfo(model, a).kind) }));
  const faults = (steps: readonly Recorded[]) => steps.filter((s) => s.fault).length;
  // A lasso's loop is kept whole; only the prefix before it is a candidate for removal.
  const loop = loopStart === null ? [] : recorded.slice(loopStart);
  let tries = 0;

  /** Re-execute `prefix` (+ the loop) by label; the accepted, cut candidate or null. */
  const attempt = (prefix: readonly Recorded[]): Accepted | null => {
    tries++;
    const steps = [...prefix, ...loop];
    let s = model.init()[path.initIndex];
    const states = [s];
    const actions: A[] = [];
    const choices: number[] = [];
    for (const step of steps) {
      const enabled = model.actions(s);
      const ai = enabled.findIndex((a) => model.label(a) === step.label);
      if (ai < 0) return null;
      s = model.next(s, enabled[ai]);
      states.push(s);
      actions.push(enabled[ai]);
      choices.push(ai);
    }
    const behaviour = { states, actions, loopStart: loopStart === null ? null : prefix.length };
    const end = firstViolation(model, target, behaviour);
    if (end === null) return null;
    return {
      path: { initIndex: path.initIndex, actions: choices.slice(0, end), loopStart: behaviour.loopStart },
      steps: steps.slice(0, end),
    };
  };

  const prefixOf = (a: Accepted) => (loopStart === null ? a.steps : a.steps.slice(0, a.steps.length - loop.length));
  const start = attempt(loopStart === null ? recorded : recorded.slice(0, loopStart));
  // Labels can be ambiguous (two enabled actions with one label): then keep the trace as found.
  let best: Accepted = start ?? { path: { ...path, loopStart }, steps: recorded };
  if (start) {
    best = ddmin(best, (a) => prefixOf(a).map((s) => s.fault), (a, drop) => attempt(prefixOf(a).filter((_, i) => !drop.has(i))));
    best = ddmin(best, (a) => prefixOf(a).map(() => true), (a, drop) => attempt(prefixOf(a).filter((_, i) => !drop.has(i))));
  }
  return {
    path: best.path,
    trace: buildTrace(model, best.path),
    before: { length: recorded.length, faults: faults(recorded) },
    after: { length: best.steps.length, faults: faults(best.steps) },
    tries,
  };
}

/**
 * Delta debugging over the positions `removable(current)` marks: try removing chunks of them
 * (first each chunk's complement, as ddmin does, then each chunk), refining the chunks until no
 * single removable position can go. `without(current, positions)` is the re-executed candidate.
 */
function ddmin<T>(current: T, removable: (c: T) => readonly boolean[], without: (c: T, drop: ReadonlySet<number>) => T | null): T {
  let n = 2;
  for (;;) {
    const units = removable(current).flatMap((r, i) => (r ? [i] : []));
    if (units.length === 0) return current;
    n = Math.min(n, units.length);
    const chunks = split(units, n);
    let next: T | null = null;
    // Keep only one chunk (remove all the others) ...
    if (n > 1) {
      for (const chunk of chunks) {
        const keep = new Set(chunk);
        next = without(current, new Set(units.filter((u) => !keep.has(u))));
        if (next) {
          n = 2;
          break;
        }
      }
    }
    // ... or remove one chunk.
    if (!next) {
      for (const chunk of chunks) {
        next = without(current, new Set(chunk));
        if (next) {
          n = Math.max(n - 1, 2);
          break;
        }
      }
    }
    if (next) {
      current = next;
      continue;
    }
    if (n >= units.length) return current;
    n = Math.min(2 * n, units.length);
  }
}

/** `items` in `n` contiguous chunks of nearly equal size. */
function split<T>(items: readonly T[], n: number): T[][] {
  const chunks: T[][] = [];
  let from = 0;
  for (let k = 0; k < n; k++) {
    const to = from + Math.floor((items.length - from) / (n - k));
    chunks.push(items.slice(from, to));
    from = to;
  }
  return chunks;
}
