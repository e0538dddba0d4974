/**
 * Parameter sweeps: check one model at every cell of a grid of params (`n=3..7 × f=1..2`) and
 * collect one row per cell — the bound tables of fault-tolerance results (holds at n = 3f + 1,
 * a counterexample at n = 3f).
 *
 * A cell whose params make no sense together (the model throws an `InputError`, e.g. f ≥ n) is
 * reported as invalid rather than ending the sweep; a model that fails in a cell is reported as
 * an error; options no model accepts (an unknown property to check) end it as bad input. Each
 * cell keeps its run description and full `CheckResult`, so anything that renders one check
 * (text, JSON, reports) can render every cell of a sweep.
 */
import { checking, type CheckOptions } from '../explore/check.ts';
import { runToEnd, runYielding, type Search } from '../explore/drive.ts';
import type { CheckResult } from '../explore/result.ts';
import type { Params } from '../model/definition.ts';
import { InputError, ModelError, describeError } from '../model/errors.ts';
import type { Model } from '../model/model.ts';
import { cells, type Axis } from './axes.ts';

/** What a sweep needs to know of a run: its params (a run description such as the CLI's `RunInfo`). */
export interface SweepRun {
  readonly params: Params;
}

/** How a sweep turns a cell into a model. */
export interface CellBuilder<R extends SweepRun> {
  /**
   * The run of a cell from its assignment (raw values by param name). Throws an `InputError` on
   * params the model does not accept (unknown name, wrong type, out of range): bad input, which
   * ends the sweep before any cell is checked.
   */
  describe(assignment: Readonly<Record<string, string>>): R;
  /**
   * The model of a run (and the run, completed, e.g. with the fault budgets in force). An
   * `InputError` here means the params make no sense together: the cell is reported invalid.
   */
  build(run: R): { model: Model<any, any>; run: R };
}

export interface SweepCell<R extends SweepRun = SweepRun> {
  /** This cell's values of the swept params, as given. */
  readonly assignment: Readonly<Record<string, string>>;
  /** The run it describes. */
  readonly run: R;
  /** The check's result; null when the cell was not checked. */
  readonly result: CheckResult | null;
  /** Not checked because its params make no sense together (the model's own words). */
  readonly invalid?: string;
  /** Not checked, or cut short, because the model threw. */
  readonly error?: string;
  /** Wall-clock seconds to build and check the cell. */
  readonly seconds: number;
  /** The participants of the cell's model (lanes of its reports). */
  readonly nodes?: readonly string[];
}

/** The shortest counterexample of a result (in steps), or null. */
export function counterexampleLength(result: CheckResult): number | null {
  const lengths = result.violations.flatMap((v) => (v.trace ? [v.trace.steps.length - 1] : []));
  return lengths.length > 0 ? Math.min(...lengths) : null;
}

/** Called with each row of a sweep as soon as it is done. */
export type OnCell<R extends SweepRun> = (cell: SweepCell<R>, index: number, total: number) => void;

/**
 * Check every cell of `axes`, in order; `onCell` sees each row as soon as it is done. Every
 * cell is described before the first is checked, so bad params fail fast.
 */
export function runSweep<R extends SweepRun>(axes: readonly Axis[], builder: CellBuilder<R>, options: CheckOptions = {}, onCell?: OnCell<R>): SweepCell<R>[] {
  return runToEnd(sweeping(axes, builder, options, onCell));
}

/**
 * `runSweep`, yielding to the event loop while it checks (see drive.ts). When `options.stop` is
 * raised, the cell being checked ends cut by `interrupted` and no further cell is checked: the
 * rows returned are those checked so far.
 */
export function runSweepAsync<R extends SweepRun>(axes: readonly Axis[], builder: CellBuilder<R>, options: CheckOptions = {}, onCell?: OnCell<R>): Promise<SweepCell<R>[]> {
  return runYielding(sweeping(axes, builder, options, onCell));
}

function* sweeping<R extends SweepRun>(axes: readonly Axis[], builder: CellBuilder<R>, options: CheckOptions, onCell?: OnCell<R>): Search<SweepCell<R>[]> {
  const planned = cells(axes).map((assignment) => ({ assignment, run: builder.describe(assignment) }));
  const done: SweepCell<R>[] = [];
  for (const [index, { assignment, run }] of planned.entries()) {
    if (options.stop?.reason) break;
    const cell = yield* checkCell(assignment, run, builder, options);
    onCell?.(cell, index, planned.length);
    done.push(cell);
  }
  return done;
}

/**
 * Build and check one cell: params that make no sense together make it invalid, a model that
 * throws an error. Bad options (an unknown --property, an unknown fairness node) end the whole
 * sweep as bad input, and an internal error ends it too: neither is this cell's fault.
 */
function* checkCell<R extends SweepRun>(
  assignment: Readonly<Record<string, string>>,
  run: R,
  builder: CellBuilder<R>,
  options: CheckOptions,
): Search<SweepCell<R>> {
  const start = performance.now();
  const seconds = () => (performance.now() - start) / 1000;
  let built: { model: Model<any, any>; run: R };
  try {
    built = builder.build(run);
  } catch (e) {
    if (e instanceof InputError) return { assignment, run, result: null, invalid: e.message, seconds: seconds() };
    if (e instanceof ModelError) return { assignment, run, result: null, error: describeError(e), seconds: seconds() };
    throw e;
  }
  try {
    return { assignment, run: built.run, result: yield* checking(built.model, options), seconds: seconds(), nodes: built.model.nodes };
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    return { assignment, run, result: null, error: describeError(e), seconds: seconds() };
  }
}
