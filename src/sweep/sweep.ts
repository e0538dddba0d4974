/**
 * Parameter sweeps: check one model at every cell of a grid of params (`n=3..7 × f=1..2`) and
 * collect one row per cell — the bound tables of fault-tolerance results (holds at n = 3f + 1,
 * a counterexample at n = 3f).
 *
 * A cell whose params make no sense together (the model throws an `InputError`, e.g. f ≥ n) is
 * reported as invalid rather than ending the sweep; a model that fails in a cell is reported as
 * an error; options no model accepts (an unknown property to check) end it as bad input. Each cell keeps its run description and full `CheckResult`, so anything that
 * renders one check (text, JSON, reports) can render every cell of a sweep.
 */
import { check, type CheckOptions } from '../explore/check.ts';
import type { CheckResult } from '../explore/result.ts';
import type { Params } from '../model/definition.ts';
import { InputError, describeError } from '../model/errors.ts';
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

/**
 * Check every cell of `axes`, in order; `onCell` sees each row as soon as it is done. Every
 * cell is described before the first is checked, so bad params fail fast.
 */
export function runSweep<R extends SweepRun>(
  axes: readonly Axis[],
  builder: CellBuilder<R>,
  options: CheckOptions = {},
  onCell?: (cell: SweepCell<R>, index: number, total: number) => void,
): SweepCell<R>[] {
  const planned = cells(axes).map((assignment) => ({ assignment, run: builder.describe(assignment) }));
  return planned.map(({ assignment, run }, index) => {
    const cell = checkCell(assignment, run, builder, options);
    onCell?.(cell, index, planned.length);
    return cell;
  });
}

/** Build and check one cell: params that make no sense together make it invalid, a model that throws an error. */
function checkCell<R extends SweepRun>(
  assignment: Readonly<Record<string, string>>,
  run: R,
  builder: CellBuilder<R>,
  options: CheckOptions,
): SweepCell<R> {
  const start = performance.now();
  const seconds = () => (performance.now() - start) / 1000;
  let built: { model: Model<any, any>; run: R };
  try {
    built = builder.build(run);
  } catch (e) {
    if (e instanceof InputError) return { assignment, run, result: null, invalid: e.message, seconds: seconds() };
    return { assignment, run, result: null, error: describeError(e), seconds: seconds() };
  }
  try {
    return { assignment, run: built.run, result: check(built.model, options), seconds: seconds(), nodes: built.model.nodes };
  } catch (e) {
    // Bad options (an unknown --property) are bad input for the whole sweep, not this cell's fault.
    if (e instanceof InputError) throw e;
    return { assignment, run, result: null, error: describeError(e), seconds: seconds() };
  }
}
