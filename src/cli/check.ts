/** `faultline check <model>`: build one model, search it, print the result, exit by verdict. */
import { resolve } from 'node:path';
import { checkAsync, MAX_SEED, type CheckOptions } from '../explore/check.ts';
import type { ModelSource } from '../explore/parallel/protocol.ts';
import type { CheckResult, Violation } from '../explore/result.ts';
import { resolveParams, resolveVariant, type ModelDefinition } from '../model/definition.ts';
import type { Model } from '../model/model.ts';
import { InputError } from '../model/errors.ts';
import { parseFairness } from '../model/fairness.ts';
import { buildRun, type RunInfo } from '../model/run.ts';
import { escapeControls } from '../report/escape.ts';
import { checkJson } from '../report/json.ts';
import { colors, formatResult, formatRun } from '../report/text.ts';
import { writeReports, type ReportedViolation } from '../report/write.ts';
import { jsonText } from '../state/json.ts';
import { describeMinimized, minimize } from '../trace/minimize.ts';
import { findTarget } from '../trace/violation.ts';
import { interruptibly } from './interrupt.ts';
import type { Io } from './io.ts';
import { loadDefinition, modelPathOf } from './load.ts';
import { checkOutputFolder, unwritten } from './target.ts';

export interface CheckCommandOptions {
  readonly variant?: string;
  readonly param: readonly string[];
  /** `--faults k=v,…`, once or more; a knob may be set once. */
  readonly faults?: readonly string[];
  readonly system?: string;
  readonly strategy: string;
  readonly maxDepth?: string;
  readonly maxStates?: string;
  readonly timeLimit?: string;
  readonly seed?: string;
  readonly walks?: string;
  readonly fairness?: string;
  /** Check only these properties (`--property`, repeatable). */
  readonly property?: readonly string[];
  readonly all?: boolean;
  /** Explore one state per orbit under renamings of the protocol's interchangeable nodes. */
  readonly symmetry?: boolean;
  readonly json?: boolean;
  /** No progress on stderr. */
  readonly quiet?: boolean;
  /** Write HTML, Markdown and JSON reports of the violations into this directory. */
  readonly report?: string;
  /** Shrink each counterexample to the fewest faults, then the fewest steps. */
  readonly minimize?: boolean;
  readonly workers?: string;
  readonly memory?: string;
  readonly checkpoint?: string;
  readonly checkpointEvery?: string;
  readonly resume?: string;
}

/** Exit code of a verdict: 0 holds, 1 violated, 3 cut by a bound, an interrupt or memory. */
export function exitCode(result: CheckResult): number {
  return result.verdict === 'holds' ? 0 : result.verdict === 'violated' ? 1 : 3;
}

/**
 * Parse repeated `k=v` flags into a record without a prototype (so `__proto__` is a name like
 * any other, and refused as unknown); a name given twice is a contradiction.
 */
export function parseAssignments(flag: string, items: readonly string[]): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new InputError(`${flag} expects name=value, got "${item}"`);
    const name = item.slice(0, eq).trim();
    if (Object.hasOwn(out, name)) throw new InputError(`${flag} sets ${name} twice`);
    out[name] = item.slice(eq + 1).trim();
  }
  return out;
}

/** A decimal integer flag from `min` up to `max`, or undefined when not given. */
export function integer(flag: string, raw: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (raw === undefined) return undefined;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= min && n <= max)) {
    const range = max === Number.MAX_SAFE_INTEGER ? (min === 0 ? 'a non-negative integer' : `an integer ≥ ${min}`) : `an integer from ${min} to ${max}`;
    throw new InputError(`${flag} expects ${range}, got "${raw}"`);
  }
  return n;
}

/** A size in bytes: `4g`, `512m`, `100k`, `2gb` or a plain number of bytes. */
export function parseSize(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(raw.trim());
  if (!m) throw new InputError(`${flag} expects a size such as 4g, 512m or 100k, got "${raw}"`);
  return Math.floor(Number(m[1]) * 1024 ** ' kmgt'.indexOf(m[2].toLowerCase() || ' '));
}

/** The search options given on the command line. */
export function searchOptions(o: CheckCommandOptions): CheckOptions {
  if (!['bfs', 'dfs', 'random'].includes(o.strategy)) {
    throw new InputError(`--strategy must be bfs, dfs or random, got "${o.strategy}"`);
  }
  const timeLimitMs = milliseconds('--time-limit', o.timeLimit);
  const checkpointEveryMs = milliseconds('--checkpoint-every', o.checkpointEvery);
  if (checkpointEveryMs !== undefined && o.checkpoint === undefined && o.resume === undefined) {
    throw new InputError('--checkpoint-every needs --checkpoint DIR (or --resume DIR)');
  }
  for (const [flag, dir] of [['--checkpoint', o.checkpoint], ['--resume', o.resume]] as const) {
    if (dir !== undefined) checkOutputFolder(flag, dir);
  }
  return {
    strategy: o.strategy as CheckOptions['strategy'],
    maxDepth: integer('--max-depth', o.maxDepth, 0),
    maxStates: integer('--max-states', o.maxStates, 1),
    timeLimitMs,
    seed: integer('--seed', o.seed, 0, MAX_SEED),
    walks: integer('--walks', o.walks, 1),
    all: o.all ?? false,
    ...(o.property && o.property.length > 0 ? { properties: o.property } : {}),
    ...(o.fairness === undefined ? {} : { fairness: parseFairness(o.fairness) }),
    workers: integer('--workers', o.workers, 1, 1024) ?? 'auto',
    ...(o.memory === undefined ? {} : { memory: parseSize('--memory', o.memory) }),
    ...(o.checkpoint === undefined ? {} : { checkpoint: o.checkpoint }),
    ...(checkpointEveryMs === undefined ? {} : { checkpointEveryMs }),
    ...(o.resume === undefined ? {} : { resume: o.resume }),
  };
}

/** A duration flag in seconds (e.g. 30 or 2.5), in milliseconds; undefined when not given. */
function milliseconds(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const seconds = /^(\d+\.?\d*|\.\d+)$/.test(raw) ? Number(raw) : NaN;
  if (!(seconds > 0)) throw new InputError(`${flag} expects seconds > 0 (e.g. 30 or 2.5), got "${raw}"`);
  return seconds * 1000;
}

/** Options given that do nothing under the chosen strategy: each is worth a warning, not a refusal. */
export function ineffectiveOptions(o: CheckCommandOptions): string[] {
  if (o.strategy === 'random') return [];
  return (['seed', 'walks'] as const)
    .filter((k) => o[k] !== undefined)
    .map((k) => `--${k} has no effect with --strategy ${o.strategy} (it applies to --strategy random)`);
}

/** Print a warning about the command line on stderr. */
export function warn(io: Io, message: string): void {
  io.stderr.write(`faultline: warning: ${escapeControls(message)}\n`);
}

/** `--faults drop=1,crash=1` (given once or more) as a record of raw values. */
export function parseFaults(raw: readonly string[] | undefined): Record<string, string> {
  const items = (raw ?? []).flatMap((x) => x.split(',')).filter((x) => x.trim() !== '');
  return parseAssignments('--faults', items);
}

/** Resolve params, variant and system model of `def` from the command line. */
export function runInfo(def: ModelDefinition<any>, o: CheckCommandOptions): RunInfo {
  const variantSpec = resolveVariant(def, o.variant);
  const variant = variantSpec.name;
  const params = resolveParams(def, variantSpec, parseAssignments('--param', o.param));
  const faults = parseFaults(o.faults);
  const given = o.faults !== undefined && o.faults.length > 0;
  return {
    model: def.name,
    variant,
    params,
    ...(o.system ? { system: o.system } : {}),
    ...(given ? { faultOverrides: faults } : {}),
    ...(o.symmetry ? { symmetry: true } : {}),
  };
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

export async function checkCommand(modelName: string, o: CheckCommandOptions, io: Io): Promise<number> {
  if (o.report !== undefined) checkOutputFolder('--report', o.report);
  const def = await loadDefinition(modelName);
  const options = searchOptions(o);
  const { model, run } = buildRun(def, runInfo(def, o));
  for (const w of ineffectiveOptions(o)) warn(io, w);
  const modelPath = modelPathOf(modelName);
  const source: ModelSource = {
    definition: modelPath === undefined ? { shipped: def.name } : { module: resolve(modelPath) },
    run,
    ...(options.properties ? { properties: options.properties } : {}),
  };
  let { value: result } = await interruptibly(!o.quiet, io.stderr, (stopping) => checkAsync(model, { ...options, source, ...stopping }));
  let reported: readonly ReportedViolation[] = result.violations;
  const notes: string[] = [];
  const failures: string[] = [];
  if (o.minimize) {
    const m = minimizeViolations(model, result.violations);
    result = { ...result, violations: m.violations };
    reported = m.violations;
    notes.push(...m.notes);
  }
  if (o.report) {
    try {
      for (const r of writeReports(o.report, run, { violations: reported }, { nodes: model.nodes, modelPath })) notes.push(`report: ${r.html}`);
      if (!reported.some((v) => v.trace)) notes.push('report: no counterexample, so no report written');
    } catch (e) {
      // The result stands without its reports: print it, and say which file failed.
      const line = unwritten(e);
      if (line === null) throw e;
      failures.push(line);
    }
  }
  if (o.json) {
    io.stdout.write(jsonText(checkJson(run, result), 2) + '\n');
    for (const line of notes) io.stderr.write(escapeControls(line) + '\n');
  } else {
    const c = colors(!!io.stdout.isTTY);
    io.stdout.write(formatRun(run, c) + '\n');
    io.stdout.write(formatResult(result, c) + '\n');
    for (const line of notes) io.stdout.write(escapeControls(line) + '\n');
  }
  for (const line of failures) io.stderr.write(`faultline: ${escapeControls(line)}\n`);
  return exitCode(result);
}
