/**
 * Terminal output: results, property tables and traces as numbered steps with state diffs. Every
 * string from a model or a trace file passes through `escapeControls` (`t`), so it can neither
 * drive the terminal nor forge a line of the output.
 */
import pc from 'picocolors';
import type { Bound, CheckResult, Violation } from '../explore/result.ts';
import type { RunInfo } from '../model/run.ts';
import { traceOf, type TraceFile } from '../trace/file.ts';
import type { Trace } from '../trace/trace.ts';
import { diff, flatten } from './diff.ts';
import { escapeControls as t } from './escape.ts';
import { assignments, exploreCommand, headline, replayCommand } from './summary.ts';

export type Colors = ReturnType<typeof pc.createColors>;

export function colors(enabled: boolean): Colors {
  return pc.createColors(enabled);
}

/**
 * A trace as numbered steps; each shows the step kind, the label and what changed. `notes` adds
 * a remark to some steps' lines, by step index.
 */
export function formatTrace(trace: Trace, c: Colors, notes?: ReadonlyMap<number, string>): string {
  const lines: string[] = [];
  const width = String(trace.steps.length - 1).length;
  trace.steps.forEach((step, i) => {
    const num = String(step.index).padStart(width);
    // The loop is made of the steps after the loop's first state.
    if (trace.loopStart !== null && i === trace.loopStart + 1) lines.push(c.magenta(`${' '.repeat(width)}  ↻ loop starts here`));
    if (i === 0) {
      lines.push(`${num}. ${c.dim('init')}`);
      for (const [path, value] of flatten(step.state)) lines.push(`${' '.repeat(width)}     ${path} = ${value}`);
      return;
    }
    // The kind is shown unless the label already says it (`deliver Prepared rm1→tm`).
    const kind = step.kind === 'action' || step.action.startsWith(`${step.kind} `) ? '' : c.dim(`[${step.kind}] `);
    const note = notes?.get(i);
    lines.push(`${num}. ${kind}${c.bold(t(step.action))}${note === undefined ? '' : c.dim(`  (${t(note)})`)}`);
    for (const ch of diff(trace.steps[i - 1].state, step.state)) {
      const pad = `${' '.repeat(width)}     ${ch.path}: `;
      if (ch.added && ch.removed) {
        lines.push(pad + [...ch.added.map((x) => c.green(`+${x}`)), ...ch.removed.map((x) => c.red(`−${x}`))].join(' '));
        continue;
      }
      const before = ch.before === undefined ? '' : c.red(ch.before) + ' → ';
      lines.push(`${pad}${before}${ch.after === undefined ? c.red('(gone)') : c.green(ch.after)}`);
    }
  });
  if (trace.loopStart !== null) lines.push(c.magenta(`${' '.repeat(width)}  ↻ back to step ${trace.loopStart}`));
  return lines.join('\n');
}

/**
 * A trace file for the terminal: the headline, the run, the replay and explore commands (with
 * `--model modelPath` / the module for a model that is not shipped), then the steps.
 */
export function formatTraceFile(file: TraceFile, c: Colors, tracePath: string, modelPath?: string): string {
  const run = [file.model, `variant ${file.variant}`];
  if (Object.keys(file.params).length > 0) run.push(assignments(file.params, ' '));
  if (file.faults && Object.keys(file.faults).length > 0) run.push(`faults ${assignments(file.faults, ',')}`);
  if (file.system) run.push(`system ${file.system}`);
  if (file.symmetry) run.push('symmetry');
  const lines = [c.red(c.bold(`✗ ${t(headline(file))}`)), c.dim(`  ${t(run.join(' · '))}`)];
  if (file.minimized) lines.push(c.dim(`  minimised from ${file.minimized.length} steps (${file.minimized.faults} faults)`));
  lines.push(c.dim(`  replay: ${replayCommand(tracePath, modelPath)}`), c.dim(`  explore: ${exploreCommand(file, tracePath, modelPath)}`), formatTrace(traceOf(file), c));
  return lines.join('\n');
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** The first line of a check's report: model, variant, params and the fault budgets in force. */
export function formatRun(run: RunInfo, c: Colors): string {
  // Every part may come from a model module: none may drive the terminal.
  const parts = [c.bold(t(run.model)), `variant ${t(run.variant)}`];
  if (Object.keys(run.params).length > 0) parts.push(t(assignments(run.params, ' ')));
  if (run.faults && Object.keys(run.faults).length > 0) parts.push(t(assignments(run.faults, ' ')));
  if (run.symmetry) parts.push('symmetry');
  return parts.join(' · ');
}

/** The statistics line(s) of a result. */
export function formatStats(result: CheckResult): string {
  const s = result.stats;
  const lines = [
    `${result.strategy}: ${fmt(s.distinctStates)} distinct states, ${fmt(s.generatedStates)} generated, depth ${s.depth}, ` +
      `${(s.durationMs / 1000).toFixed(2)} s (${fmt(s.statesPerSecond)} states/s)`,
  ];
  if (result.seed !== undefined) lines.push(`seed ${result.seed} (rerun with --seed ${result.seed})`);
  if (s.boundaryStates > 0) lines.push(`${fmt(s.boundaryStates)} states at the model's constraint were not expanded`);
  lines.push(`fingerprint collision probability ≈ ${s.collisionProbability.toExponential(1)} (optimistic)`);
  return lines.join('\n');
}

/** How a liveness counterexample goes on forever, and which fairness its loop respects. */
function formatLiveness(v: Violation, c: Colors): string[] {
  const w = v.liveness;
  if (!w || !v.trace) return [];
  const steps = v.trace.steps.length - 1;
  if (w.end !== 'loop') {
    const where = w.end === 'deadlock' ? 'a deadlock' : 'a legal end state';
    return [c.magenta(`  ■ the behaviour stops after step ${steps} in ${where} (no action enabled) while the goal is still pending`)];
  }
  const prefix = steps - w.loopLength;
  const count = (n: number) => `${n} ${n === 1 ? 'step' : 'steps'}`;
  const lines = [c.magenta(`  ↻ lasso: ${prefix === 0 ? 'from the start' : `after ${count(prefix)}`}, a loop of ${count(w.loopLength)} repeats forever`)];
  if (w.fairness.length === 0) lines.push(c.dim('  fairness: none assumed'));
  for (const f of w.fairness) lines.push(c.dim(`  respects ${t(f)}`));
  return lines;
}

const BOUND_TEXT: Record<Bound, string> = {
  'max-depth': 'the depth bound (--max-depth)',
  'max-states': 'the state bound (--max-states)',
  'time-limit': 'the time limit (--time-limit)',
  'random-walks': 'random simulation, which samples behaviours and cannot cover the space',
  interrupted: 'an interrupt (Ctrl-C or SIGTERM): the statistics are those of the part explored',
  memory: 'memory: the JavaScript heap was nearly full (see the warning)',
};

/** The full human report of one check. */
export function formatResult(result: CheckResult, c: Colors): string {
  const out: string[] = [formatStats(result), ''];
  if (result.fairness !== undefined) out.splice(1, 0, `fairness: ${result.fairness}`);
  for (const p of result.properties) {
    const mark = p.status === 'holds' ? c.green('✓') : p.status === 'violated' ? c.red('✗') : c.yellow('?');
    const note =
      p.kind === 'sometimes' && p.status === 'violated'
        ? ' — never reached'
        : p.witnessDepth !== undefined
          ? ` — first reached at depth ${p.witnessDepth}`
          : '';
    out.push(`  ${mark} ${t(p.name)} ${c.dim(`(${p.kind})`)}${note}`);
  }
  for (const v of result.violations) {
    if (!v.trace) continue;
    out.push('', c.red(c.bold(`✗ ${t(v.property)} (${v.kind}) violated in ${v.trace.steps.length - 1} steps`)));
    if (v.description) out.push(c.dim(`  ${t(v.description)}`));
    out.push(...formatLiveness(v, c));
    out.push(formatTrace(v.trace, c));
  }
  out.push('');
  for (const w of result.warnings) out.push(c.yellow(`⚠ ${t(w)}`));
  if (result.warnings.length > 0) out.push('');
  if (result.verdict === 'holds') out.push(c.green('verdict: holds — every property holds on the complete bounded space'));
  else if (result.verdict === 'violated') out.push(c.red(`verdict: violated — ${t(result.violations.map((v) => v.property).join(', '))}`));
  else if (result.cutBy === null) out.push(c.yellow('verdict: incomplete — no violation found, but not every property could be decided (see the warnings)'));
  else out.push(c.yellow(`verdict: incomplete — no violation found, but the search was cut by ${BOUND_TEXT[result.cutBy]}`));
  return out.join('\n');
}
