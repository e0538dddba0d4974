/**
 * `checkModel`: check a model from a test, in-process, exactly as `faultline check` would — the
 * same params, variant, system model and search — and keep what the run was, so a failed
 * expectation can print the counterexample with the command that replays it.
 */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { check, checkAsync, type CheckOptions } from '../explore/check.ts';
import { DEADLOCK } from '../explore/monitor.ts';
import type { CheckResult, Strategy } from '../explore/result.ts';
import { checkParams, resolveVariant, type ModelDefinition, type Params } from '../model/definition.ts';
import { InputError } from '../model/errors.ts';
import { parseFairness } from '../model/fairness.ts';
import { loadModule } from '../model/load.ts';
import type { Fairness, Model } from '../model/model.ts';
import { buildRun, type RunInfo } from '../model/run.ts';

/** What to check, typed by the definition: `variant` is one of its variants, `params` some of its params. */
export interface RunOptions<P extends Params = Params, V extends string = string> {
  /** The variant (default: the first declared). */
  readonly variant?: V;
  /** Param values over the variant's and the schema's defaults; checked like `--param`. */
  readonly params?: Partial<P>;
  /** A named system model (protocols; default: the variant's, else the first declared). */
  readonly system?: string;
  /** Fault knobs over the system model, as `--faults` takes them: `{ drop: 1, network: 'fifo' }`. */
  readonly faults?: Readonly<Record<string, number | string>>;
  /**
   * Explore one state per orbit under renamings of the protocol's interchangeable nodes (its
   * `symmetric` roles), as `--symmetry` does: safety properties only.
   */
  readonly symmetry?: boolean;
}

/** How to search: the options of `faultline check`, as typed values. */
export interface SearchOptions {
  readonly strategy?: Strategy;
  /** Longest path explored, in steps. */
  readonly maxDepth?: number;
  /** Stop once this many distinct states are stored. */
  readonly maxStates?: number;
  /** Stop after this many seconds. */
  readonly timeLimit?: number;
  /** Seed of a random simulation (`strategy: 'random'`). */
  readonly seed?: number;
  /** Number of random walks. */
  readonly walks?: number;
  /** Fairness for liveness properties, replacing the model's: `'weak:deliver,strong:heal'`, `'none'`, or the values. */
  readonly fairness?: string | readonly Fairness[];
  /** Keep searching after the first violation and report one per property (and the full state count). */
  readonly all?: boolean;
  /**
   * Check only these properties (by name); the deadlock check runs only when `'deadlock'` is
   * among them. Default: every property of the model, and deadlock.
   */
  readonly property?: string | readonly string[];
  /**
   * Threads of a breadth-first search of safety properties, the calling one among them (as `--workers`; default 1).
   * Threads load the model's module, so they are used only when `checkModel` is given a path;
   * given a definition, the check runs on one thread and the result says so in a warning.
   */
  readonly workers?: number;
}

export type CheckModelOptions<P extends Params = Params, V extends string = string> = RunOptions<P, V> & SearchOptions;

/** The result of `checkModel`: a `CheckResult` that knows which run it is of. */
export interface ModelCheck extends CheckResult {
  /** Model, variant, params, system model and the fault budgets in force. */
  readonly run: RunInfo;
  /** The model's participants in lane order, when it declares them (for reports). */
  readonly nodes?: readonly string[];
  /** The module the model was loaded from, when `checkModel` was given a path. */
  readonly source?: string;
}

/**
 * Check a model in-process and return its result.
 *
 * ```ts
 * const r = checkModel(definition, { variant: 'commit-on-some-prepared', params: { rms: 3 } });
 * expectViolation(r, 'consistency', { steps: 5 });
 * ```
 *
 * Given a path (or file URL) to a model module instead of its definition, it loads the module
 * first and returns a promise; params and variant are then not typed.
 */
export function checkModel<P extends Params, V extends string>(definition: ModelDefinition<P, V>, options?: CheckModelOptions<NoInfer<P>, NoInfer<V>>): ModelCheck;
export function checkModel(path: string | URL, options?: CheckModelOptions): Promise<ModelCheck>;
export function checkModel(
  target: ModelDefinition<any, any> | string | URL,
  options: CheckModelOptions<any, any> = {},
): ModelCheck | Promise<ModelCheck> {
  if (typeof target === 'string' || target instanceof URL) {
    const source = target instanceof URL ? fileURLToPath(target) : target;
    return loadModule(target).then(async (def) => {
      const { model, run } = prepareRun(def, options);
      const wanted = onlyProperties(model, options.property);
      const threads = count('workers', options.workers, 1) ?? 1;
      const modelSource = { definition: { module: resolve(source) }, run, ...(options.property === undefined ? {} : { properties: propertyList(options.property) }) };
      const result = threads > 1 ? await checkAsync(wanted, { ...searchOptions(options), workers: threads, source: modelSource }) : check(wanted, searchOptions(options));
      return withRun(result, model, run, source);
    });
  }
  const { model, run } = prepareRun(target, options);
  const result = check(onlyProperties(model, options.property), searchOptions(options));
  const threads = count('workers', options.workers, 1) ?? 1;
  const warning = `workers: ${threads} not used: worker threads load the model's module, so give checkModel its path to use them; checked on one thread`;
  return withRun(threads > 1 ? { ...result, warnings: [warning, ...result.warnings] } : result, model, run);
}

function withRun(result: CheckResult, model: Model<any, any>, run: RunInfo, source?: string): ModelCheck {
  return { ...result, run, ...(model.nodes ? { nodes: model.nodes } : {}), ...(source === undefined ? {} : { source }) };
}

const propertyList = (names: string | readonly string[]) => (typeof names === 'string' ? [names] : names);

/** Resolve a run's variant, params and system model, and build its model, as the CLI does. */
export function prepareRun(def: ModelDefinition<any, any>, options: RunOptions<any, any>): { model: Model<any, any>; run: RunInfo } {
  const variant = resolveVariant(def, options.variant);
  const given = Object.fromEntries(Object.entries(options.params ?? {}).filter(([, v]) => v !== undefined));
  const params = checkParams(def, variant, given);
  return buildRun(def, {
    model: def.name,
    variant: variant.name,
    params,
    ...(options.system === undefined ? {} : { system: options.system }),
    ...(options.faults === undefined ? {} : { faultOverrides: options.faults }),
    ...(options.symmetry ? { symmetry: true } : {}),
  });
}

/** `value` when it is an integer ≥ `min` (or undefined); otherwise an `InputError` naming the option. */
export function count(name: string, value: number | undefined, min: number): number | undefined {
  if (value !== undefined && !(Number.isSafeInteger(value) && value >= min)) {
    throw new InputError(`${name} must be an integer ≥ ${min}, got ${value}`);
  }
  return value;
}

/** The explorer's options for typed search options, refusing values the command line would refuse. */
function searchOptions(o: SearchOptions): CheckOptions {
  if (o.strategy !== undefined && !['bfs', 'dfs', 'random'].includes(o.strategy)) {
    throw new InputError(`strategy must be bfs, dfs or random, got "${o.strategy}"`);
  }
  if (o.timeLimit !== undefined && !(o.timeLimit > 0)) throw new InputError(`timeLimit expects seconds > 0, got ${o.timeLimit}`);
  return {
    strategy: o.strategy ?? 'bfs',
    maxDepth: count('maxDepth', o.maxDepth, 0),
    maxStates: count('maxStates', o.maxStates, 1),
    timeLimitMs: o.timeLimit === undefined ? undefined : o.timeLimit * 1000,
    seed: count('seed', o.seed, 0),
    walks: count('walks', o.walks, 1),
    all: o.all ?? false,
    ...(o.fairness === undefined ? {} : { fairness: typeof o.fairness === 'string' ? parseFairness(o.fairness) : o.fairness }),
  };
}

/** The model with only the named properties checked (deadlock among them only when named). */
function onlyProperties<S, A>(model: Model<S, A>, names: string | readonly string[] | undefined): Model<S, A> {
  if (names === undefined) return model;
  const wanted = propertyList(names);
  const known = [...model.properties.map((p) => p.name), ...(model.checkDeadlock === false ? [] : [DEADLOCK])];
  for (const name of wanted) {
    if (!known.includes(name)) throw new InputError(`unknown property "${name}" (properties: ${known.join(', ')})`);
  }
  // Inherit from the model rather than copy it, so a model written as a class keeps its methods.
  return Object.assign(Object.create(model) as Model<S, A>, {
    properties: model.properties.filter((p) => wanted.includes(p.name)),
    checkDeadlock: model.checkDeadlock !== false && wanted.includes(DEADLOCK),
  });
}
