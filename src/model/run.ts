/**
 * A run: which model, variant, params and system model a check is of. The CLI makes one from its
 * flags, `faultline/testing` from typed options; both build the model through `buildRun`, so a
 * run checked in a test is the very model `faultline check` would check.
 */
import { instantiate, type ModelDefinition, type Params } from './definition.ts';
import type { Model } from './model.ts';

export interface RunInfo {
  readonly model: string;
  readonly variant: string;
  readonly params: Params;
  /** The named system model asked for (`--system`), if any. */
  readonly system?: string;
  /** The `--faults` overrides as given, if any. */
  readonly faultOverrides?: Readonly<Record<string, string | number>>;
  /** Fault budgets and system-model knobs in force, for protocol models. */
  readonly faults?: Readonly<Record<string, number | string>>;
  /** States identified up to renamings of interchangeable nodes (`--symmetry`). */
  readonly symmetry?: boolean;
}

/** Build the model a run describes; the fault budgets in force are added to the run. */
export function buildRun(def: ModelDefinition<any, any>, run: RunInfo): { model: Model<any, any>; run: RunInfo } {
  const model = instantiate(def, { params: run.params, variant: run.variant, system: run.system, faults: run.faultOverrides, ...(run.symmetry ? { symmetry: true } : {}) });
  return { model, run: model.faults ? { ...run, faults: model.faults } : run };
}
