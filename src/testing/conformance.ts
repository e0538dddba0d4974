/**
 * Conformance testing: does a real implementation behave like its model?
 *
 * fast-check generates behaviours of the model — paths of enabled steps, the fault steps its
 * system model allows included — as a sequence of choices: at each state, which enabled step
 * comes next — and, as in swarm testing, which kinds of steps it leaves out altogether, so that
 * some behaviours get far (a transaction commits only if nobody aborts on the way). Each
 * behaviour runs on a fresh implementation through an adapter: a function per
 * local action, message type and fault kind drives the implementation, and `observe` reads its
 * state back in the model's terms. After every step the observation must be what the model
 * predicts (or, with `check: 'invariants'`, satisfy the model's invariants). A failing behaviour
 * is shrunk by fast-check — every shrunk choice sequence is still a path of the model, because a
 * choice picks among the steps enabled where it is made — then rid of the steps its failure does
 * not need (`minimise`), rendered as a faultline trace, and reported with fast-check's seed and
 * path, which lead to it again exactly.
 *
 * Not `fc.commands`: its commands are drawn from a fixed list up front, while which steps a model
 * enables (which message, which node) depends on the state reached. Not `fc.scheduler`: the model
 * already decides the order in which things happen, which is what the scheduler would.
 */
import fc from 'fast-check';
import type { ModelDefinition, Params } from '../model/definition.ts';
import { InputError, ModelError } from '../model/errors.ts';
import { identity } from '../model/model.ts';
import type { RunInfo } from '../model/run.ts';
import { World } from '../protocol/world.ts';
import { buildTrace, type Trace } from '../trace/trace.ts';
import { declaredHandlers, type Adapter } from './adapter.ts';
import { behave, byChoices, minimise, modelCall, runAsync, runSync, type Bridge, type Failure, type Outcome } from './behaviour.ts';
import { count, prepareRun, type RunOptions } from './check-model.ts';
import { observer } from './observation.ts';

export interface ConformanceOptions<P extends Params, V extends string, I, O, Async extends boolean> extends RunOptions<P, V> {
  readonly adapter: Adapter<I, O, P, V, Async>;
  /** The model's side of an observation, in a state; default: see `ProtocolObservation` (protocols), the state itself (plain models). */
  readonly expected?: (state: any) => O;
  /**
   * `equal` (default): after every step the observation is what the model predicts.
   * `invariants`: the model's `always` properties hold of the observed state (in the model's own
   * terms), a weaker check for implementations that may legitimately differ from the model.
   */
  readonly check?: 'equal' | 'invariants';
  /** Behaviours to run (fast-check's `numRuns`, default 100). */
  readonly runs?: number;
  /** Longest behaviour, in driven steps (default 40). */
  readonly maxSteps?: number;
  /** Most steps the model may take to catch up with the implementation's internal steps after a driven one (default 4). */
  readonly maxInternal?: number;
  /** fast-check's seed (default: from the clock, and reported). */
  readonly seed?: number;
  /** fast-check's path of a reported failure: with its seed, runs exactly that shrunk behaviour. */
  readonly path?: string;
}

/** A failing behaviour, shrunk. */
export interface Divergence extends Failure {
  /** The behaviour as a model trace, up to the failing step; the implementation's own steps included. */
  readonly trace: Trace;
  /** The trace's steps the implementation took by itself. */
  readonly internal: readonly number[];
  /** fast-check's path of the shrunk behaviour: with the seed, `{ seed, path }` runs it again. */
  readonly path: string;
  /** How many times fast-check shrank the first failing behaviour. */
  readonly shrinks: number;
  /** Steps removed after fast-check's shrinking (see `minimise`). */
  readonly removed: number;
}

export interface ConformanceResult {
  readonly ok: boolean;
  readonly run: RunInfo;
  readonly seed: number;
  /** Behaviours run (up to and including the first that failed). */
  readonly runs: number;
  /** Steps driven on the implementation, over every behaviour run (shrinking included). */
  readonly steps: number;
  /** Distinct model states the behaviours reached (shrinking included). */
  readonly statesCovered: number;
  /** How often each handler of the adapter was taken (`messages.Prepared`, `actions.commit`), shrinking included. */
  readonly coverage: Readonly<Record<string, number>>;
  /** Handlers the adapter declares that no behaviour took: what these runs did not test. */
  readonly untaken: readonly string[];
  readonly failure?: Divergence;
}

/** Thrown by a failing behaviour, so that fast-check shrinks it; carries what happened. */
class Failed extends Error {
  constructor(readonly outcome: Outcome) {
    super(outcome.failure!.summary);
  }
}

/** The largest choice: enough for any number of enabled steps a model has in practice. */
const MAX_CHOICE = 0xffff;

/**
 * One choice among the steps enabled where it is made: a number used modulo their count. It
 * shrinks to the smallest choices first (0, 1, 2, … up to 31, which pick enabled steps in order),
 * then by halving the distance to them: fast-check's own integer shrinking tries only a few values
 * on the way to 0, and a choice that fails at index 3 and at 1 but not at 2 would stop at 3.
 */
class Choice extends fc.Arbitrary<number> {
  generate(mrng: fc.Random): fc.Value<number> {
    return new fc.Value(mrng.nextInt(0, MAX_CHOICE), undefined);
  }

  canShrinkWithoutContext(value: unknown): value is number {
    return Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= MAX_CHOICE;
  }

  shrink(value: number): fc.Stream<fc.Value<number>> {
    const smaller: number[] = [];
    for (let v = 0; v < Math.min(value, 32); v++) smaller.push(v);
    for (let gap = (value - 32) >> 1; gap > 0; gap >>= 1) smaller.push(value - gap);
    return fc.Stream.of(...smaller.map((v) => new fc.Value(v, undefined)));
  }
}

/** A behaviour as fast-check generates it: which initial state, which handlers it leaves out, then one choice per driven step. */
interface Choices {
  readonly init: number;
  readonly exclude: readonly string[];
  readonly choices: readonly number[];
}

/** The bridge, the run and fast-check's input and parameters for a conformance test. */
function prepare(def: ModelDefinition<any, any>, options: ConformanceOptions<any, any, any, any, boolean>) {
  if (options.check === 'invariants' && options.expected) {
    throw new InputError("check: 'invariants' reads observations in the model's own terms; it cannot be combined with `expected`");
  }
  const { model, run } = prepareRun(def, options);
  const inits = modelCall('building its initial states', () => model.init());
  if (inits.length === 0) throw new ModelError(`${def.name} has no initial state`);
  const bridge: Bridge<unknown, unknown> = {
    model,
    adapter: options.adapter,
    observer: observer(inits[0] instanceof World, options.expected),
    start: { params: run.params, variant: run.variant, nodes: model.nodes ?? [] },
    invariants: options.check === 'invariants',
    maxInternal: count('maxInternal', options.maxInternal, 0) ?? 4,
    identify: identity(model),
    covered: new Set(),
    taken: new Map(),
    steps: 0,
  };
  const driven = declaredHandlers(options.adapter).flatMap((h) => (h.driven ? [h.where] : []));
  const arbitrary = fc.record({
    init: fc.nat({ max: inits.length - 1 }),
    // Each handler left out with probability ½; shrinks towards leaving out nothing.
    exclude: fc
      .tuple(...driven.map(() => fc.boolean()))
      .map((out) => driven.filter((_, i) => out[i])),
    // Any length up to the bound (fast-check's default size would keep behaviours to about 10 steps).
    choices: fc.array(new Choice(), { maxLength: count('maxSteps', options.maxSteps, 0) ?? 40, size: 'max' }),
  });
  const parameters: fc.Parameters<[Choices]> = {
    numRuns: count('runs', options.runs, 1) ?? 100,
    // fast-check's seeds are 32-bit integers, negative ones included.
    ...(count('seed', options.seed, -0x80000000) === undefined ? {} : { seed: options.seed }),
    ...(options.path === undefined ? {} : { path: options.path }),
  };
  return { bridge, run, arbitrary, parameters };
}

/** The failing behaviour fast-check shrank, or what else made the run fail (a model error, a promise from a synchronous adapter). */
function failedOutcome(details: fc.RunDetails<[Choices]>): Outcome | null {
  if (!details.failed) return null;
  if (!(details.errorInstance instanceof Failed)) throw details.errorInstance;
  return details.errorInstance.outcome;
}

function conclude(bridge: Bridge<unknown, unknown>, run: RunInfo, details: fc.RunDetails<[Choices]>, found: Outcome | null, final: Outcome | null): ConformanceResult {
  const coverage = Object.fromEntries([...bridge.taken].sort(([a], [b]) => a.localeCompare(b)));
  const result = {
    run,
    seed: details.seed,
    runs: details.numRuns,
    steps: bridge.steps,
    statesCovered: bridge.covered.size,
    coverage,
    untaken: declaredHandlers(bridge.adapter).flatMap((h) => (bridge.taken.has(h.where) ? [] : [h.where])),
  };
  if (!found || !final) return { ok: true, ...result };
  return {
    ok: false,
    ...result,
    failure: {
      ...final.failure!,
      trace: buildTrace(bridge.model, final.path),
      internal: final.internal,
      path: details.counterexamplePath ?? '',
      shrinks: details.numShrinks,
      removed: found.driven.length - final.driven.length,
    },
  };
}

/**
 * Test a synchronous implementation against a model: fast-check runs `runs` behaviours of the
 * model on it and shrinks the first that fails. Throws for a model that throws, or an adapter
 * that returns promises (use `checkConformanceAsync`).
 */
export function checkConformance<P extends Params, V extends string, I, O>(
  definition: ModelDefinition<P, V>,
  options: ConformanceOptions<NoInfer<P>, NoInfer<V>, I, O, false>,
): ConformanceResult {
  const { bridge, run, arbitrary, parameters } = prepare(definition, options);
  const property = fc.property(arbitrary, (input) => {
    const o = runSync(behave(bridge, input.init, byChoices(input.choices, new Set(input.exclude))));
    if (o.failure) throw new Failed(o);
  });
  const details = fc.check(property, parameters);
  const found = failedOutcome(details);
  return conclude(bridge, run, details, found, found && runSync(minimise(bridge, found)));
}

/** `checkConformance` for an implementation whose adapter functions may return promises (each is awaited in turn). */
export async function checkConformanceAsync<P extends Params, V extends string, I, O>(
  definition: ModelDefinition<P, V>,
  options: ConformanceOptions<NoInfer<P>, NoInfer<V>, I, O, true>,
): Promise<ConformanceResult> {
  const { bridge, run, arbitrary, parameters } = prepare(definition, options);
  const property = fc.asyncProperty(arbitrary, async (input) => {
    const o = await runAsync(behave(bridge, input.init, byChoices(input.choices, new Set(input.exclude))));
    if (o.failure) throw new Failed(o);
  });
  const details = await fc.check(property, parameters);
  const found = failedOutcome(details);
  return conclude(bridge, run, details, found, found && (await runAsync(minimise(bridge, found))));
}
