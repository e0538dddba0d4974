/**
 * Random simulation: seeded random walks from the initial states, for spaces too big to
 * enumerate. It can find violations but never prove their absence, so without one its verdict is
 * `incomplete`. The walks come from fast-check's seeded generator (pure-rand's xoroshiro128+):
 * the same seed replays the same walks.
 */
import fc from 'fast-check';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { identity, type Model } from '../model/model.ts';
import { FingerprintSet } from '../state/fingerprint-set.ts';
import type { Path } from '../trace/trace.ts';
import { ModelError } from '../model/errors.ts';
import type { Search } from './drive.ts';
import type { SafetyMonitor } from './monitor.ts';
import { POLL_EVERY, SearchBudget, type SearchOptions, type SearchOutcome } from './options.ts';
import type { Bound } from './result.ts';

export interface RandomOptions extends SearchOptions {
  readonly seed: number;
  /** Number of walks (default 1000). */
  readonly walks?: number;
}

export const DEFAULT_WALKS = 1000;
/** Walk length when no `maxDepth` is given. */
export const DEFAULT_WALK_DEPTH = 100;

/** A generator that yields at every poll of its budget (see drive.ts). */
export function* randomWalks<S, A>(model: Model<S, A>, monitor: SafetyMonitor<S, A>, options: RandomOptions): Search<SearchOutcome> {
  const budget = new SearchBudget(options);
  const rng = new fc.Random(xoroshiro128plus(options.seed));
  const walks = options.walks ?? DEFAULT_WALKS;
  const maxDepth = options.maxDepth ?? DEFAULT_WALK_DEPTH;
  const maxStates = options.maxStates ?? Infinity;
  const within = model.within?.bind(model);
  const seen = new FingerprintSet();
  const fp = new Int32Array(2);
  const fingerprintOf = identity(model);
  let generated = 0;
  let deepest = 0;
  let boundary = 0;
  let cutBy: Bound | null = 'random-walks';
  let pollCountdown = POLL_EVERY;
  let walksLeft = walks;
  /** The current walk's choices: its length is the step being taken, for errors of the model. */
  let choices: number[] = [];

  const record = (s: S): void => {
    fingerprintOf(s, fp);
    if (seen.size < maxStates) seen.add(fp[0], fp[1]);
  };
  const progress = () => ({
    distinctStates: seen.size,
    generatedStates: generated,
    depth: deepest,
    queue: walksLeft,
    elapsedMs: budget.elapsed(),
  });

  try {
    const inits = model.init();
    walking: for (; walksLeft > 0 && !monitor.done; walksLeft--) {
      const initIndex = rng.nextInt(0, inits.length - 1);
      const taken: number[] = (choices = []);
      const path = (): Path => ({ initIndex, actions: [...taken] });
      let s = inits[initIndex];
      generated++;
      record(s);
      monitor.state(s, 1, path);
      for (let steps = 0; steps < maxDepth && !monitor.done; steps++) {
        if (within && !within(s)) {
          boundary++;
          break;
        }
        const enabled = model.actions(s);
        if (enabled.length === 0) {
          monitor.stuck(s, path);
          break;
        }
        const ai = rng.nextInt(0, enabled.length - 1);
        taken.push(ai);
        const t = model.next(s, enabled[ai]);
        generated++;
        deepest = Math.max(deepest, taken.length + 1);
        if (monitor.checksSteps) monitor.step(s, enabled[ai], t, path);
        record(t);
        monitor.state(t, taken.length + 1, path);
        s = t;
        if (--pollCountdown === 0) {
          pollCountdown = POLL_EVERY;
          yield;
          const cut = budget.poll(progress);
          if (cut !== null) {
            cutBy = cut;
            break walking;
          }
        }
      }
    }
  } catch (e) {
    throw e instanceof ModelError ? e.atStep(choices.length) : e;
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
