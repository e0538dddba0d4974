/**
 * The `--json` contract of `faultline check` (see DESIGN.md): one object per run. States inside
 * traces are converted to JSON-safe values (Sets and Maps become arrays, bigints strings).
 */
import type { CheckResult } from '../explore/result.ts';
import type { Params } from '../model/definition.ts';
import type { Trace } from '../trace/trace.ts';

export interface RunInfo {
  readonly model: string;
  readonly variant: string;
  readonly params: Params;
  /** The named system model asked for (`--system`), if any. */
  readonly system?: string;
  /** The `--faults` overrides as given, if any (what a replay must pass again). */
  readonly faultOverrides?: Readonly<Record<string, string>>;
  /** Fault budgets and system-model knobs in force, for protocol models. */
  readonly faults?: Readonly<Record<string, number | string>>;
}

/** A JSON-safe copy of a state value. */
export function toJsonValue(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v !== 'object' || v === null) return v;
  if (v instanceof Set) return [...v].map(toJsonValue);
  if (v instanceof Map) return [...v].map(([k, x]) => [toJsonValue(k), toJsonValue(x)]);
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = toJsonValue(x);
  return out;
}

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
