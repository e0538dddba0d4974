/**
 * Expectations on a model check, for tests: `expectHolds`, `expectViolation` and the state count.
 * A failed expectation reads like a counterexample: its message is the report `faultline check`
 * prints (the trace as numbered steps with what changed), and the trace is written to a file so
 * the message can give the command that replays it.
 *
 * Each expectation is a `Judgement` first (pass or not, and a message for either case), so the
 * throwing functions and the vitest matchers say exactly the same thing.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Violation } from '../explore/result.ts';
import type { RunInfo } from '../model/run.ts';
import { assignments, replayCommand } from '../report/summary.ts';
import { colors, formatResult, formatRun, formatStats, formatTraceFile } from '../report/text.ts';
import { writeReports } from '../report/write.ts';
import type { TraceFile } from '../trace/file.ts';
import type { ModelCheck } from './check-model.ts';

/** What a holding check is expected to have explored (each optional). */
export interface HoldsExpectation {
  readonly distinctStates?: number;
  readonly generatedStates?: number;
  /** Length in states of the longest shortest path. */
  readonly depth?: number;
}

/** The expected shape of a counterexample (each optional). */
export interface ViolationExpectation {
  /** Its length in steps (for a lasso: prefix and loop together). */
  readonly steps?: number;
  /** For a liveness counterexample: the length of its loop in steps, or `false` for one that ends in a state without steps. */
  readonly loop?: number | false;
}

/** Whether an expectation is met, and what to say when it is not (or, negated, when it is). */
export interface Judgement {
  readonly pass: boolean;
  readonly message: () => string;
}

const plain = colors(false);

/**
 * Where failed expectations write their trace files: `$FAULTLINE_TRACES`, else
 * `faultline-traces` in the system's temporary folder.
 */
export function traceFolder(): string {
  return process.env.FAULTLINE_TRACES || join(tmpdir(), 'faultline-traces');
}

/** `two-phase-commit (variant default, rms=3)`. */
export function runName(run: RunInfo): string {
  const params = assignments(run.params, ', ');
  return `${run.model} (variant ${run.variant}${params ? `, ${params}` : ''})`;
}

const states = (n: number) => `${n.toLocaleString('en-US')} distinct state${n === 1 ? '' : 's'}`;
const steps = (n: number) => `${n} step${n === 1 ? '' : 's'}`;

/** Where a violation's trace was written, or why it could not be. */
type Written = { readonly json: string; readonly html: string; readonly file: TraceFile } | { readonly error: string };

/** Write a violation's trace file (and its HTML and Markdown reports) into `traceFolder()`. */
function writeTrace(result: ModelCheck, v: Violation): Written {
  const run = result.run;
  const base = [run.model, run.variant, assignments(run.params, '-'), assignments(run.faultOverrides ?? {}, '-'), v.property].filter((x) => x !== '').join('-');
  try {
    const [written] = writeReports(traceFolder(), run, { violations: [v] }, { nodes: result.nodes, baseName: base });
    return written;
  } catch (e) {
    return { error: `the trace file could not be written: ${(e as Error).message}` };
  }
}

/** What follows a written trace's replay command: a hint for models given by definition, and its HTML report. */
function afterReplay(result: ModelCheck, w: { readonly html: string }): string[] {
  const hint = result.source === undefined ? ['  (to replay a model that is not shipped, add --model <its module>)'] : [];
  return [...hint, `  report: ${w.html}`];
}

/**
 * A violation's trace as `faultline report` prints it — headline, run, replay command, numbered
 * steps with what changed — after writing its trace file into `traceFolder()`.
 */
function counterexampleReport(result: ModelCheck, v: Violation): string {
  if (!v.trace) return `${v.property} was never reached: there is no behaviour to show`;
  const w = writeTrace(result, v);
  if ('error' in w) return `${formatResult({ ...result, violations: [v] }, plain)}\n  (${w.error})`;
  return [formatTraceFile(w.file, plain, w.json, result.source), ...afterReplay(result, w)].join('\n');
}

/** The whole check as `faultline check` prints it, then the replay command of every counterexample. */
function checkReport(result: ModelCheck): string {
  const lines = [formatRun(result.run, plain), formatResult(result, plain)];
  for (const v of result.violations) {
    if (!v.trace) continue;
    const w = writeTrace(result, v);
    if ('error' in w) lines.push(`  (${w.error})`);
    else lines.push(`  replay ${v.property}: ${replayCommand(w.json, result.source)}`, ...afterReplay(result, w));
  }
  return lines.join('\n');
}

/** Why a check that was expected to hold does not. */
function whyNotHolds(result: ModelCheck): string {
  if (result.verdict === 'violated') {
    const names = result.violations.map((v) => (v.kind === 'deadlock' ? 'it deadlocks' : `${v.property} is violated`));
    return names.join(' and ');
  }
  if (result.cutBy !== null) return `the search was cut by ${result.cutBy} before covering the bounded space`;
  return 'not every property could be decided (see the warnings)';
}

/** The check holds: every property holds on the complete bounded space, with the statistics given. */
export function judgeHolds(result: ModelCheck, expected: HoldsExpectation = {}): Judgement {
  const s = result.stats;
  const counts: string[] = [];
  if (expected.distinctStates !== undefined && s.distinctStates !== expected.distinctStates) {
    counts.push(`${states(expected.distinctStates)} were expected, the search found ${s.distinctStates.toLocaleString('en-US')}`);
  }
  if (expected.generatedStates !== undefined && s.generatedStates !== expected.generatedStates) {
    counts.push(`${expected.generatedStates.toLocaleString('en-US')} generated states were expected, the search generated ${s.generatedStates.toLocaleString('en-US')}`);
  }
  if (expected.depth !== undefined && s.depth !== expected.depth) counts.push(`depth ${expected.depth} was expected, the search reached depth ${s.depth}`);
  const holds = result.verdict === 'holds';
  return {
    pass: holds && counts.length === 0,
    message: () => {
      if (holds && counts.length === 0) {
        return `expected ${runName(result.run)} not to hold, but every property holds on the complete bounded space (${states(s.distinctStates)})\n${formatStats(result)}`;
      }
      if (!holds) return `expected ${runName(result.run)} to hold, but ${whyNotHolds(result)}\n\n${checkReport(result)}`;
      return `${runName(result.run)} holds, but ${counts.join('; ')}\n${formatStats(result)}`;
    },
  };
}

/**
 * The property is violated, by a counterexample of the given shape. Asking about a property the
 * model does not have throws: it is a mistake in the test, not an expectation that failed.
 */
export function judgeViolation(result: ModelCheck, property: string, expected: ViolationExpectation = {}): Judgement {
  const status = result.properties.find((p) => p.name === property);
  if (!status) {
    throw new Error(`${runName(result.run)} has no property "${property}" (properties: ${result.properties.map((p) => p.name).join(', ')})`);
  }
  const v = result.violations.find((x) => x.property === property);
  if (!v) {
    const why = status.status === 'holds' ? 'it holds' : `it is undecided (${whyNotHolds(result)})`;
    return { pass: false, message: () => `expected ${property} of ${runName(result.run)} to be violated, but ${why}\n\n${checkReport(result)}` };
  }
  const found = v.trace ? v.trace.steps.length - 1 : null;
  const loop = v.trace && v.trace.loopStart !== null ? found! - v.trace.loopStart : false;
  const wrong: string[] = [];
  if (expected.steps !== undefined && found !== expected.steps) {
    const search = result.strategy === 'bfs' ? ' (breadth-first search finds a shortest one)' : '';
    wrong.push(found === null ? `in ${steps(expected.steps)}, but it was never reached: there is no counterexample` : `in ${steps(expected.steps)}, but its counterexample has ${steps(found)}${search}`);
  }
  if (expected.loop !== undefined && loop !== expected.loop) {
    const has = loop === false ? 'ends without a loop' : `loops over ${steps(loop)}`;
    wrong.push(expected.loop === false ? `by a counterexample without a loop, but it ${has}` : `by a loop of ${steps(expected.loop)}, but it ${has}`);
  }
  return {
    pass: wrong.length === 0,
    message: () =>
      wrong.length === 0
        ? `expected ${property} of ${runName(result.run)} not to be violated, but it is${found === null ? '' : `, in ${steps(found)}`}\n\n${counterexampleReport(result, v)}`
        : `expected ${property} of ${runName(result.run)} to be violated ${wrong.join(', and ')}\n\n${counterexampleReport(result, v)}`,
  };
}

/** The search stored exactly `n` distinct states. */
export function judgeStateCount(result: ModelCheck, n: number): Judgement {
  const found = result.stats.distinctStates;
  const partial =
    result.cutBy !== null
      ? ` — the search was cut by ${result.cutBy}, so that is not the model's full count`
      : result.verdict === 'violated'
        ? ' — a search stops at its first violation unless `all: true`, so that may not be the full count'
        : '';
  return {
    pass: found === n,
    message: () =>
      found === n
        ? `expected ${runName(result.run)} not to have ${states(n)}, but it has`
        : `expected ${runName(result.run)} to have ${states(n)}, but the search found ${found.toLocaleString('en-US')}${partial}\n${formatStats(result)}`,
  };
}

/**
 * Throw the judgement's message unless it passed. The stack starts at `caller`'s caller, so a
 * test runner points at the line of the test, not into faultline.
 */
export function settle(j: Judgement, caller: (...args: never[]) => unknown): void {
  if (j.pass) return;
  const e = new Error(j.message());
  Error.captureStackTrace(e, caller);
  throw e;
}

/**
 * Every property holds on the complete bounded space — and, when given, the search explored
 * exactly these numbers of states and depth. Throws an `Error` whose message is the check's
 * report (each counterexample with its replay command) otherwise.
 */
export function expectHolds(result: ModelCheck, expected?: HoldsExpectation): void {
  settle(judgeHolds(result, expected), expectHolds);
}

/**
 * `property` is violated — and, when given, by a counterexample of `steps` steps (and loop).
 * Throws an `Error` whose message is the counterexample's report with its replay command otherwise.
 */
export function expectViolation(result: ModelCheck, property: string, expected?: ViolationExpectation): void {
  settle(judgeViolation(result, property, expected), expectViolation);
}

/** The search stored exactly `n` distinct states. */
export function expectStateCount(result: ModelCheck, n: number): void {
  settle(judgeStateCount(result, n), expectStateCount);
}
