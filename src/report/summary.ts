/**
 * The plain-language facts every report format opens with: which property failed, under which
 * faults, in how many steps, and the commands that replay, explore and re-check it. Plain
 * strings here; each renderer escapes them for its format.
 */
import { FAULT_STEP_KINDS } from '../model/model.ts';
import type { TraceFile } from '../trace/file.ts';
import { escapeControls } from './escape.ts';

/** Injected fault steps in a trace, by kind, in order of first appearance. */
export function injectedFaults(file: TraceFile): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of file.steps) if (FAULT_STEP_KINDS.has(s.kind)) counts.set(s.kind, (counts.get(s.kind) ?? 0) + 1);
  return counts;
}

/** `drop=1, crash=1`: a record of knobs as the command line writes them. */
export function assignments(record: Readonly<Record<string, unknown>>, separator = ', '): string {
  return Object.entries(record)
    .map(([k, v]) => `${k}=${v}`)
    .join(separator);
}

const steps = (n: number) => `${n} step${n === 1 ? '' : 's'}`;

/** "after 5 steps", or for a lasso "after a 2-step prefix, in a 3-step loop repeated forever". */
export function howLong(file: TraceFile): string {
  if (file.loopStart === null) return `after ${steps(file.length)}`;
  const prefix = file.loopStart === 0 ? 'from the start' : `after a ${file.loopStart}-step prefix`;
  return `${prefix}, in a ${file.length - file.loopStart}-step loop repeated forever`;
}

/** "under faults drop=1, crash=1 (1 injected: crash)", or "with no injected faults". */
export function underWhichFaults(file: TraceFile): string {
  const injected = injectedFaults(file);
  const total = [...injected.values()].reduce((a, b) => a + b, 0);
  const kinds = [...injected].map(([k, n]) => (n === 1 ? k : `${k} ×${n}`)).join(', ');
  const budgets = file.faults && Object.keys(file.faults).length > 0 ? assignments(file.faults) : null;
  if (budgets) return `under faults ${budgets} (${total === 0 ? 'none injected' : `${total} injected: ${kinds}`})`;
  return total === 0 ? 'with no injected faults' : `with ${total} injected fault${total === 1 ? '' : 's'}: ${kinds}`;
}

/** What failed, as a subject: "consistency", "deadlock", … */
export function failedWhat(file: TraceFile): string {
  return file.kind === 'deadlock' ? 'the system deadlocked' : `${file.property} failed`;
}

/**
 * The one-sentence headline: "consistency failed after 5 steps with no injected faults: no
 * resource manager has committed while another has aborted".
 */
export function headline(file: TraceFile): string {
  const sentence = `${failedWhat(file)} ${howLong(file)} ${underWhichFaults(file)}`;
  return file.description ? `${sentence}: ${file.description}` : sentence;
}

/** What the property kind means, for readers who do not know the vocabulary. */
export function kindMeaning(file: TraceFile): string {
  switch (file.kind) {
    case 'always':
      return 'an invariant: it must hold in every reachable state; the last state breaks it';
    case 'transition':
      return 'a step invariant: it must hold on every step; the last step breaks it';
    case 'deadlock':
      return 'no state that is not a legal end state may be without an enabled action; the last state is one';
    case 'sometimes':
      return 'some reachable state must satisfy it';
    case 'eventually':
      return 'every fair behaviour must eventually reach the goal; this one never does';
    case 'alwaysEventually':
      return 'the goal must hold again and again on every fair behaviour; in this loop it never does';
    case 'leadsTo':
      return 'whenever the trigger holds, the goal must follow; here it never does';
  }
}

/**
 * Shell-quote one word when it needs it: in single quotes, or, when it holds control characters,
 * in bash's `$'…'` with them escaped (exact, and safe to print).
 */
function shellWord(w: string): string {
  if (/^[\w@%+=:,./-]+$/.test(w)) return w;
  const quoted = w.replace(/'/g, `'\\''`);
  return escapeControls(w) === w ? `'${quoted}'` : `$'${escapeControls(w.replace(/\\/g, '\\\\').replace(/'/g, "\\'"))}'`;
}

/** Where a report's commands point. */
export interface CommandPaths {
  /** The trace file, as the reader should type it. */
  readonly tracePath: string;
  /** The module of a model that is not shipped, as the reader should type it (a trace file names no code). */
  readonly modelPath?: string;
}

/**
 * The command that replays this trace file. `modelPath` is the module a model that is not
 * shipped was loaded from: a trace file never names code, so the command must.
 */
export function replayCommand(tracePath: string, modelPath?: string): string {
  return ['npx', 'faultline', 'replay', tracePath, ...(modelPath === undefined ? [] : ['--model', modelPath])].map(shellWord).join(' ');
}

/**
 * The replay command's twin: open this trace file in the interactive explorer, at its last step or
 * at `step` — under the variant, params and faults the file records; on the shipped model, or on
 * the module `modelPath`.
 */
export function exploreCommand(file: TraceFile, tracePath: string, modelPath?: string, step?: number): string {
  const words = ['npx', 'faultline', 'explore', modelPath ?? file.model, '--trace', tracePath];
  if (step !== undefined && step !== file.length) words.push('--step', String(step));
  return words.map(shellWord).join(' ');
}

/** The command that runs the same check again: on the shipped model, or on the module `modelPath`. */
export function checkCommand(file: TraceFile, modelPath?: string): string {
  const words = ['npx', 'faultline', 'check', modelPath ?? file.model, '--variant', file.variant];
  for (const [k, v] of Object.entries(file.params)) words.push('--param', `${k}=${v}`);
  if (file.system) words.push('--system', file.system);
  if (file.faults && Object.keys(file.faults).length > 0) words.push('--faults', assignments(file.faults, ','));
  // Under symmetry liveness is refused, so the check is narrowed to the property the trace breaks.
  if (file.symmetry) words.push('--symmetry', '--property', file.property);
  if (file.minimized) words.push('--minimize');
  return words.map(shellWord).join(' ');
}
