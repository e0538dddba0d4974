/**
 * Depth-first search with an explicit stack (no recursion, so no depth limit but memory).
 * It finds a violation whenever one is reachable, though not a shortest one; it keeps only the
 * current path's states, which suits deep, narrow spaces.
 *
 * With a depth bound, a state first met deep down may later be met higher up; its depth is
 * stored and it is expanded again when reached by a shorter path, so the bound cuts exactly the
 * states beyond it.
 */
import { identity, type Model } from '../model/model.ts';
import { FingerprintSet, IntColumn } from '../state/fingerprint-set.ts';
import type { Path } from '../trace/trace.ts';
import { ModelError } from '../model/errors.ts';
import type { Search } from './drive.ts';
import type { SafetyMonitor } from './monitor.ts';
import { POLL_EVERY, SearchBudget, type SearchOptions, type SearchOutcome } from './options.ts';
import type { Bound } from './result.ts';

interface Frame<S, A> {
  readonly state: S;
  enabled: readonly A[];
  next: number;
  /** Index of the action that led here from the frame below (or the init index). */
  readonly via: number;
}

/** A generator that yields at every poll of its budget (see drive.ts). */
export function* dfs<S, A>(model: Model<S, A>, monitor: SafetyMonitor<S, A>, options: SearchOptions): Search<SearchOutcome> {
  const budget = new SearchBudget(options);
  const maxDepth = options.maxDepth ?? Infinity;
  const maxStates = options.maxStates ?? Infinity;
  const within = model.within?.bind(model);
  const seen = new FingerprintSet();
  /** Shortest known distance (in steps) of each state id; only needed with a depth bound. */
  const distance = new IntColumn();
  const fp = new Int32Array(2);
  const fingerprintOf = identity(model);
  const stack: Frame<S, A>[] = [];
  let generated = 0;
  let deepest = 0;
  let boundary = 0;
  let cutBy: Bound | null = null;
  let pollCountdown = POLL_EVERY;
  /** The step being taken (0: an initial state), for errors of the model. */
  let step = 0;
  /** Fingerprints met just past the depth bound; the bound cut something iff one is never reached within it. */
  const beyond: number[] = [];

  const pathOf = (...then: number[]): Path => ({
    initIndex: stack[0].via,
    actions: [...stack.slice(1).map((f) => f.via), ...then],
  });
  const progress = () => ({
    distinctStates: seen.size,
    generatedStates: generated,
    depth: deepest,
    queue: stack.length,
    elapsedMs: budget.elapsed(),
  });

  /** Visit `s` at `steps` from init: returns true when it should be expanded. */
  const visit = (s: S, steps: number): boolean => {
    fingerprintOf(s, fp);
    const known = seen.get(fp[0], fp[1]);
    if (known >= 0) {
      if (maxDepth === Infinity || distance.get(known) <= steps) return false;
      distance.set(known, steps); // reached by a shorter path: expand again within the bound
    } else {
      if (seen.size >= maxStates) {
        cutBy = 'max-states';
        return false;
      }
      seen.add(fp[0], fp[1]);
      distance.push(steps);
      deepest = Math.max(deepest, steps + 1);
      monitor.state(s, steps + 1, () => pathOf());
    }
    return true;
  };

  const push = (s: S, via: number): void => {
    const steps = stack.length;
    step = steps;
    const frame: Frame<S, A> = { state: s, enabled: [], next: 0, via };
    stack.push(frame);
    if (!visit(s, steps) || monitor.done) {
      stack.pop();
      return;
    }
    if (within && !within(s)) {
      boundary++;
      stack.pop();
      return;
    }
    const enabled = model.actions(s);
    if (enabled.length === 0) {
      monitor.stuck(s, () => pathOf());
      stack.pop();
      return;
    }
    if (steps >= maxDepth) {
      // Beyond the depth bound: only learn whether the bound cut anything off.
      step = steps + 1;
      enabled.forEach((a, ai) => {
        generated++;
        const t = model.next(s, a);
        fingerprintOf(t, fp);
        if (seen.get(fp[0], fp[1]) < 0) beyond.push(fp[0], fp[1]);
        else if (monitor.checksSteps) monitor.step(s, a, t, () => pathOf(ai));
      });
      stack.pop();
      return;
    }
    frame.enabled = enabled;
  };

  try {
    const inits = model.init();
    outer: for (let i = 0; i < inits.length && !monitor.done; i++) {
      generated++;
      push(inits[i], i);
      while (stack.length > 0 && !monitor.done) {
        const top = stack[stack.length - 1];
        if (top.next === top.enabled.length) {
          stack.pop();
          continue;
        }
        const ai = top.next++;
        const a = top.enabled[ai];
        step = stack.length;
        const t = model.next(top.state, a);
        generated++;
        if (--pollCountdown === 0) {
          pollCountdown = POLL_EVERY;
          yield;
          const cut = budget.poll(progress);
          if (cut !== null) {
            cutBy = cut;
            break outer;
          }
        }
        if (monitor.checksSteps) {
          monitor.step(top.state, a, t, () => pathOf(ai));
          if (monitor.done) break outer;
        }
        push(t, ai);
        if (cutBy === 'max-states') break outer;
      }
    }
  } catch (e) {
    throw e instanceof ModelError ? e.atStep(step) : e;
  }

  if (cutBy === null) {
    for (let i = 0; i < beyond.length && cutBy === null; i += 2) if (seen.get(beyond[i], beyond[i + 1]) < 0) cutBy = 'max-depth';
  }
  return {
    distinctStates: seen.size,
    generatedStates: generated,
    depth: deepest,
    boundaryStates: boundary,
    cutBy,
    stoppedEarly: monitor.done,
    durationMs: budget.elapsed(),
  };
}
