/** `faultline check <model>`: build one model, search it, print the result, exit by verdict. */
import { check, type CheckOptions } from '../explore/check.ts';
import type { CheckResult, Strategy, Violation } from '../explore/result.ts';
import { resolveParams, resolveVariant, type ModelDefinition } from '../model/definition.ts';
import type { Model } from '../model/model.ts';
import { InputError } from '../model/errors.ts';
import { parseFairness } from '../model/fairness.ts';
import { buildRun, type RunInfo } from '../model/run.ts';
import { checkJson } from '../report/json.ts';
import { colors, formatResult, formatRun } from '../report/text.ts';
import { writeReports, type ReportedViolation } from '../report/write.ts';
import { describeMinimized, minimize } from '../trace/minimize.ts';
import { findTarget } from '../trace/violation.ts';
import { loadDefinition } from './load.ts';
import { progressLine } from './progress.ts';

export interface CheckCommandOptions {
  readonly variant?: string;
  readonly param: readonly string[];
  readonly faults?: string;
  readonly system?: string;
  readonly strategy: string;
  readonly maxDepth?: string;
  readonly maxStates?: string;
  readonly timeLimit?: string;
  readonly seed?: string;
  readonly walks?: string;
  readonly fairness?: string;
  readonly all?: boolean;
  readonly json?: boolean;
  readonly progress?: boolean;
  /** Write HTML, Markdown and JSON reports of the violations into this directory. */
  readonly report?: string;
  /** Shrink each counterexample to the fewest faults, then the fewest steps. */
  readonly minimize?: boolean;
}

/** Exit code of a verdict: 0 holds, 1 violated, 3 cut by a bound. */
export function exitCode(result: CheckResult): number {
  return result.verdict === 'holds' ? 0 : result.verdict === 'violated' ? 1 : 3;
}

/** Parse repeated `k=v` flags into a record, rejecting malformed ones. */
export function parseAssignments(flag: string, items: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new InputError(`${flag} expects name=value, got "${item}"`);
    out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return out;
}

function nonNegativeInt(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new InputError(`${flag} expects a non-negative integer, got "${raw}"`);
  return Number(raw);
}

/** The search options given on the command line. */
export function searchOptions(o: CheckCommandOptions): CheckOptions {
  if (!['bfs', 'dfs', 'random'].includes(o.strategy)) {
    throw new InputError(`--strategy must be bfs, dfs or random, got "${o.strategy}"`);
  }
  const timeLimit = o.timeLimit === undefined ? undefined : Number(o.timeLimit);
  if (timeLimit !== undefined && !(timeLimit > 0)) throw new InputError(`--time-limit expects seconds > 0, got "${o.timeLimit}"`);
  const walks = nonNegativeInt('--walks', o.walks);
  return {
    strategy: o.strategy as Strategy,
    maxDepth: nonNegativeInt('--max-depth', o.maxDepth),
    maxStates: nonNegativeInt('--max-states', o.maxStates),
    timeLimitMs: timeLimit === undefined ? undefined : timeLimit * 1000,
    seed: nonNegativeInt('--seed', o.seed),
    walks,
    all: o.all ?? false,
    ...(o.fairness === undefined ? {} : { fairness: parseFairness(o.fairness) }),
  };
}

/** `--faults drop=1,crash=1` as a record of raw values. */
export function parseFaults(raw: string | undefined): Record<string, string> {
  if (raw === undefined) return {};
  return parseAssignments('--faults', raw.split(',').filter((x) => x.trim() !== ''));
}

/** Resolve params, variant and system model of `def` from the command line. */
export function runInfo(def: ModelDefinition<any>, o: CheckCommandOptions): RunInfo {
  const variantSpec = resolveVariant(def, o.variant);
  const variant = variantSpec.name;
  const params = resolveParams(def, variantSpec, parseAssignments('--param', o.param));
  const faults = parseFaults(o.faults);
  return { model: def.name, variant, params, ...(o.system ? { system: o.system } : {}), ...(o.faults ? { faultOverrides: faults } : {}) };
}

/** The violations with their traces minimised, and one line per minimised trace. */
export function minimizeViolations(
  model: Model<any, any>,
  violations: readonly Violation[],
): { violations: (Violation & ReportedViolation)[]; notes: string[] } {
  const notes: string[] = [];
  const out = violations.map((v): Violation & ReportedViolation => {
    const target = v.path ? findTarget(model, v.property, v.kind) : null;
    if (!v.path || !target) return v;
    const m = minimize(model, target, v.path);
    notes.push(`minimised: ${describeMinimized(m)} — ${v.property}`);
    return { ...v, path: m.path, trace: m.trace, minimized: m.before };
  });
  return { violations: out, notes };
}

export async function checkCommand(modelName: string, o: CheckCommandOptions): Promise<number> {
  const def = await loadDefinition(modelName);
  const options = searchOptions(o);
  const { model, run } = buildRun(def, runInfo(def, o));
  const progress = progressLine(o.progress !== false);
  let result: CheckResult;
  try {
    result = check(model, { ...options, onProgress: progress.update });
  } finally {
    progress.done();
  }
  let reported: readonly ReportedViolation[] = result.violations;
  const notes: string[] = [];
  if (o.minimize) {
    const m = minimizeViolations(model, result.violations);
    result = { ...result, violations: m.violations };
    reported = m.violations;
    notes.push(...m.notes);
  }
  if (o.report) {
    for (const r of writeReports(o.report, run, { violations: reported }, { nodes: model.nodes })) notes.push(`report: ${r.html}`);
    if (!reported.some((v) => v.trace)) notes.push('report: no counterexample, so no report written');
  }
  if (o.json) {
    process.stdout.write(JSON.stringify(checkJson(run, result), null, 2) + '\n');
    for (const line of notes) process.stderr.write(line + '\n');
  } else {
    const c = colors(!!process.stdout.isTTY);
    process.stdout.write(formatRun(run, c) + '\n');
    process.stdout.write(formatResult(result, c) + '\n');
    for (const line of notes) process.stdout.write(line + '\n');
  }
  return exitCode(result);
}
