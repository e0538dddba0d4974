/**
 * The `--json` contract of `faultline check` (see DESIGN.md): one object per run. States inside
 * traces are converted to JSON-safe values (Sets and Maps become arrays, bigints strings).
 */
import type { CheckResult } from '../explore/result.ts';
import type { RunInfo } from '../model/run.ts';
import { toJsonValue } from '../state/json.ts';
import type { Trace } from '../trace/trace.ts';

export { toJsonValue };

export function traceJson(trace: Trace): unknown {
  return { steps: trace.steps.map((s) => ({ ...s, state: toJsonValue(s.state) })), loopStart: trace.loopStart };
}

export function checkJson(run: RunInfo, result: CheckResult): unknown {
  return {
    model: run.model,
    variant: run.variant,
    params: run.params,
    ...(run.system ? { system: run.system } : {}),
    ...(run.faults ? { faults: run.faults } : {}),
    ...(run.symmetry ? { symmetry: true } : {}),
    strategy: result.strategy,
    ...(result.seed === undefined ? {} : { seed: result.seed }),
    verdict: result.verdict,
    cutBy: result.cutBy,
    ...(result.fairness === undefined ? {} : { fairness: result.fairness }),
    stats: result.stats,
    properties: result.properties,
    violations: result.violations.map((v) => ({
      property: v.property,
      kind: v.kind,
      ...(v.description ? { description: v.description } : {}),
      length: v.trace ? v.trace.steps.length - 1 : null,
      trace: v.trace ? traceJson(v.trace) : null,
      ...(v.liveness ? { liveness: v.liveness } : {}),
    })),
    warnings: result.warnings,
  };
}
