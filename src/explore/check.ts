/**
 * `check`: run one search strategy over a model and turn its findings into a result: verdict,
 * statistics, a status per property and a readable trace per counterexample. `checkAsync` may
 * run a breadth-first safety search on worker threads instead (parallel/coordinator.ts).
 */
import { availableParallelism } from 'node:os';
import { InputError, ModelError } from '../model/errors.ts';
import { unknownFairnessNode } from '../model/fairness.ts';
import { guarded } from '../model/guard.ts';
import { identity, type Fairness, type Model } from '../model/model.ts';
import { isSafety } from '../model/property.ts';
import { buildTrace } from '../trace/trace.ts';
import { bfs, StateStore } from './bfs.ts';
import { dfs } from './dfs.ts';
import { runToEnd, runYielding, type Search } from './drive.ts';
import { LivenessChecker, livenessProperties, livenessSkipped, type LivenessReport } from './liveness.ts';
import { DEADLOCK, SafetyMonitor } from './monitor.ts';
import { selectProperties } from './properties.ts';
import type { SearchOptions, SearchOutcome } from './options.ts';
import { randomWalks } from './random.ts';
import { memoryHint } from './stop.ts';
import { parallelBfs, type ChunkedOptions, type ParallelOptions } from './parallel/coordinator.ts';
import {
  collisionProbability,
  type CheckResult,
  type PropertyStatus,
  type Strategy,
  type Verdict,
  type Violation,
} from './result.ts';

export interface CheckOptions extends SearchOptions, ChunkedOptions {
  readonly strategy?: Strategy;
  /** Seed for `random` (default: derived from the clock, and reported). */
  readonly seed?: number;
  /** Walks for `random`. */
  readonly walks?: number;
  /** Fairness for liveness properties, replacing the model's own (`--fairness`). */
  readonly fairness?: readonly Fairness[];
  /**
   * Check only these properties (`--property`), as a TLC config chooses its invariants; `deadlock`
   * names the deadlock check. Without a liveness property among them no state graph is recorded.
   */
  readonly properties?: readonly string[];
  /**
   * Threads of a breadth-first search of safety properties — the calling one and `workers - 1`
   * worker threads (`--workers`; `checkAsync`
   * only). `'auto'`: the machine's cores when the search can use them, else one thread, silently.
   * A number above 1 that cannot be used (liveness, DFS, a model no worker can rebuild) runs on
   * one thread with a warning. Default 1: the single-threaded engine.
   */
  readonly workers?: number | 'auto';
}

/** Seeds of the random simulation: what its generator takes (an unsigned 32-bit integer). */
export const MAX_SEED = 2 ** 32 - 1;

/** A fresh seed for a random simulation when the user gave none. */
export function freshSeed(): number {
  return (Date.now() ^ (process.pid << 16)) >>> 0;
}

/**
 * Check `model` synchronously: explore it with the chosen strategy, then report verdict,
 * statistics, a status per property and a trace per counterexample. A stop can still be
 * requested from inside the search (an `onProgress` callback); `checkAsync` also lets signal
 * handlers and timers run.
 */
export function check<S, A>(model: Model<S, A>, options: CheckOptions = {}): CheckResult {
  return runToEnd(checking(model, options));
}

/**
 * `check`, yielding to the event loop every few tens of milliseconds, so that Ctrl-C (a handler
 * raising `options.stop`), timers and I/O are served while the search runs.
 */
export async function checkAsync<S, A>(raw: Model<S, A>, options: CheckOptions = {}): Promise<CheckResult> {
  const model = selectProperties(guarded(raw), options.properties);
  const { parallel, warnings } = parallelism(model, options);
  if (parallel === null) {
    const result = await runYielding(checking(raw, options));
    return warnings.length === 0 ? result : { ...result, warnings: [...warnings, ...result.warnings] };
  }
  const monitor = new SafetyMonitor(model, options.all ?? false);
  const outcome = await parallelBfs(model, monitor, options, parallel);
  const result = summarise(model, monitor, 'bfs', outcome, undefined, livenessSkipped(model, 'bfs', []));
  return { ...result, warnings: [...warnings, ...result.warnings] };
}

/**
 * Whether and how a check runs on worker threads (parallel/coordinator.ts): a breadth-first
 * search of safety properties of a model that worker threads can rebuild. The frontier on disk
 * and checkpoints need the chunked engine too (with its work done in this thread when there are
 * no worker threads). Liveness needs the state graph, which the single-threaded search records.
 */
function parallelism<S, A>(model: Model<S, A>, options: CheckOptions): { parallel: ParallelOptions | null; warnings: string[] } {
  const strategy = options.strategy ?? 'bfs';
  const chunked = options.memory !== undefined || options.checkpoint !== undefined || options.resume !== undefined;
  const flag = options.resume !== undefined ? '--resume' : options.checkpoint !== undefined ? '--checkpoint' : '--memory';
  const liveness = livenessProperties(model).map((p) => p.name);
  if (chunked && strategy !== 'bfs') throw new InputError(`${flag} applies to --strategy bfs, not ${strategy}`);
  if (chunked && liveness.length > 0) {
    throw new InputError(
      `${flag} checks safety properties only, and ${liveness.join(', ')} is a liveness property (it needs the state graph, which the single-threaded search keeps in memory): leave it out with --property, or drop ${flag}`,
    );
  }
  if ((options.checkpoint !== undefined || options.resume !== undefined) && options.source === undefined) {
    throw new InputError(`${flag} needs a model named by a shipped name or a module, so that a resumed run can be checked to be the same`);
  }
  const asked = options.workers ?? 1;
  const cores = availableParallelism();
  let workers = asked === 'auto' ? cores : asked;
  const warnings: string[] = [];
  const refuse = (why: string) => {
    if (asked !== 'auto' && workers > 1) warnings.push(`--workers ${workers} not used: ${why}; searched on one thread`);
    workers = 1;
  };
  if (strategy !== 'bfs') refuse(`--strategy ${strategy} is single-threaded`);
  else if (liveness.length > 0) refuse(`liveness (${liveness.join(', ')}) needs the state graph, which the single-threaded search records`);
  else if (options.source === undefined) refuse('the model was given as an object, which worker threads cannot rebuild (give a shipped name or a module)');
  if (workers <= 1 && !chunked) return { parallel: null, warnings };
  const { source, memory, checkpoint, checkpointEveryMs, resume, chunkStates } = options;
  return { parallel: { workers: workers > 1 ? workers : 0, source, memory, checkpoint, checkpointEveryMs, resume, chunkStates }, warnings };
}

/** A check as a search a driver runs (see drive.ts): what `check` and `checkAsync` run, and a sweep runs cell by cell. */
export function* checking<S, A>(raw: Model<S, A>, options: CheckOptions): Search<CheckResult> {
  const model = selectProperties(guarded(raw), options.properties);
  const eventual = livenessProperties(model);
  if (model.safetyOnly !== undefined && eventual.length > 0) {
    const names = eventual.map((p) => p.name).join(', ');
    const what = eventual.length === 1 ? 'is a liveness property' : 'are liveness properties';
    throw new InputError(`${model.safetyOnly}; ${names} ${what}: choose safety properties with --property, or check liveness without --symmetry`);
  }
  const strategy = options.strategy ?? 'bfs';
  const seed = strategy === 'random' ? (options.seed ?? freshSeed()) : undefined;
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED)) {
    throw new InputError(`the seed must be an integer from 0 to ${MAX_SEED} (2^32 - 1), got ${seed}`);
  }
  const monitor = new SafetyMonitor(model, options.all ?? false);
  const fairness = options.fairness ?? model.fairness ?? [];
  const unknownNode = unknownFairnessNode(fairness, model.nodes);
  if (unknownNode !== null) throw options.fairness ? new InputError(`--${unknownNode}`) : new ModelError(`the model's ${unknownNode}`);
  // Liveness needs the state graph, which only BFS records (its ids come in expansion order).
  const liveness = strategy === 'bfs' && eventual.length > 0 ? new LivenessChecker(model, fairness, options.fairness !== undefined) : null;
  let outcome: SearchOutcome;
  let live: LivenessReport;
  if (strategy === 'bfs') {
    const store = new StateStore(identity(model));
    outcome = yield* bfs(model, monitor, options, store, liveness?.recorder);
    if (liveness) {
      live = yield* liveness.analyse(store, outcome, options.all ?? false, options.stop);
      if (live.interrupted) outcome = { ...outcome, cutBy: 'interrupted' };
    } else live = livenessSkipped(model, strategy, fairness);
    outcome = { ...outcome, durationMs: outcome.durationMs + live.durationMs };
  } else {
    outcome = strategy === 'dfs' ? yield* dfs(model, monitor, options) : yield* randomWalks(model, monitor, { ...options, seed: seed! });
    live = livenessSkipped(model, strategy, fairness);
  }
  return summarise(model, monitor, strategy, outcome, seed, live);
}

function summarise<S, A>(
  model: Model<S, A>,
  monitor: SafetyMonitor<S, A>,
  strategy: Strategy,
  outcome: SearchOutcome,
  seed: number | undefined,
  live: LivenessReport,
): CheckResult {
  const complete = outcome.cutBy === null && !outcome.stoppedEarly;
  const violated = new Set(monitor.found.map((v) => v.property));
  const violations: Violation[] = monitor.found.map((v) => ({ ...v, trace: buildTrace(model, v.path) }));
  for (const v of live.found) violations.push({ ...v, trace: buildTrace(model, v.path) });

  const properties: PropertyStatus[] = [];
  for (const p of model.properties) {
    if (!isSafety(p)) {
      properties.push({ name: p.name, kind: p.kind, status: live.status.get(p.name) ?? 'unknown', description: p.description });
      continue;
    }
    if (p.kind === 'sometimes') {
      const witnessDepth = monitor.witnessDepth.get(p.name);
      if (witnessDepth !== undefined) {
        properties.push({ name: p.name, kind: p.kind, status: 'holds', description: p.description, witnessDepth });
      } else if (complete) {
        properties.push({ name: p.name, kind: p.kind, status: 'violated', description: p.description });
        violations.push({ property: p.name, kind: 'sometimes', description: p.description, path: null, trace: null });
      } else {
        properties.push({ name: p.name, kind: p.kind, status: 'unknown', description: p.description });
      }
      continue;
    }
    properties.push({
      name: p.name,
      kind: p.kind,
      status: violated.has(p.name) ? 'violated' : complete ? 'holds' : 'unknown',
      description: p.description,
    });
  }
  if (monitor.checkDeadlock) {
    properties.push({
      name: DEADLOCK,
      kind: 'deadlock',
      status: violated.has(DEADLOCK) ? 'violated' : complete ? 'holds' : 'unknown',
      description: 'no reachable state that is not a legal end state is without an enabled action',
    });
  }

  const verdict: Verdict = violations.length > 0 ? 'violated' : complete && live.decided ? 'holds' : 'incomplete';
  const seconds = outcome.durationMs / 1000;
  return {
    strategy,
    verdict,
    cutBy: outcome.cutBy,
    ...(seed === undefined ? {} : { seed }),
    stats: {
      distinctStates: outcome.distinctStates,
      generatedStates: outcome.generatedStates,
      depth: outcome.depth,
      durationMs: Math.round(outcome.durationMs),
      statesPerSecond: seconds > 0 ? Math.round(outcome.distinctStates / seconds) : outcome.distinctStates,
      collisionProbability: collisionProbability(outcome.distinctStates, outcome.generatedStates),
      boundaryStates: outcome.boundaryStates,
    },
    properties,
    violations,
    warnings: outcome.cutBy === 'memory' ? [...live.warnings, memoryHint()] : live.warnings,
    ...(live.status.size > 0 ? { fairness: live.fairness } : {}),
  };
}
