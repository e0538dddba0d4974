/**
 * The Markdown report of a counterexample: what the terminal shows (numbered steps, kind, label,
 * only what changed) plus the property, the params, the fault budgets and the commands that
 * replay and re-check it. Readable raw and rendered; every model string is escaped.
 */
import type { TraceFile, TraceFileStep } from '../trace/file.ts';
import { diff, flatten } from './diff.ts';
import { escapeMarkdown as md, markdownFence } from './escape.ts';
import { assignments, checkCommand, exploreCommand, failedWhat, headline, howLong, injectedFaults, kindMeaning, replayCommand, type CommandPaths } from './summary.ts';

export type MarkdownOptions = CommandPaths;

/** A value from the model in monospace, escaped. */
const code = (text: string) => `<code>${md(text)}</code>`;

function participants(step: TraceFileStep): string {
  if (step.from !== undefined && step.to !== undefined) return ` · ${md(step.from)} → ${md(step.to)}`;
  if (step.node !== undefined) return ` · ${md(step.node)}`;
  return '';
}

export function markdownReport(file: TraceFile, options: MarkdownOptions): string {
  const out: string[] = [];
  out.push(`# ${md(`${failedWhat(file)} ${howLong(file)}`)}`, '');
  out.push(`**${md(headline(file))}.**`, '');

  const faults = injectedFaults(file);
  const rows: [string, string][] = [
    ['model', code(file.model)],
    ['variant', code(file.variant)],
    ['params', Object.keys(file.params).length > 0 ? code(assignments(file.params)) : 'none'],
    ['fault budgets', file.faults && Object.keys(file.faults).length > 0 ? code(assignments(file.faults)) : 'none given'],
    ['injected faults', faults.size > 0 ? md([...faults].map(([k, n]) => `${k} ×${n}`).join(', ')) : 'none'],
  ];
  if (file.system) rows.push(['system', code(file.system)]);
  rows.push(['property', `${code(file.property)} (${md(file.kind)}): ${md(kindMeaning(file))}`]);
  if (file.description) rows.push(['it says', md(file.description)]);
  rows.push(['steps', `${file.length}${file.loopStart === null ? '' : ` (loop from step ${file.loopStart})`}`]);
  if (file.minimized) rows.push(['minimised from', `${file.minimized.length} steps, ${file.minimized.faults} injected faults`]);
  out.push('| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`), '');

  out.push('Replay it against the current model (exit 0 when it reproduces, 1 when the model diverges):', '');
  out.push(markdownFence(replayCommand(options.tracePath, options.modelPath), 'sh'), '');
  out.push('Step through it in the browser, with every other branch and fault one click away:', '');
  out.push(markdownFence(exploreCommand(file, options.tracePath, options.modelPath), 'sh'), '');
  out.push('Check the model again:', '');
  out.push(markdownFence(checkCommand(file, options.modelPath), 'sh'), '');

  out.push('## Steps', '');
  file.steps.forEach((step, i) => {
    const loopMark = file.loopStart === i ? '↻ ' : '';
    if (i === 0) {
      out.push(`0. ${loopMark}**initial state**`);
      for (const [path, value] of flatten(step.state)) out.push(`   - ${code(path)} = ${code(value)}`);
      return;
    }
    const kind = step.kind === 'action' ? '' : ` — _${step.kind}_`;
    out.push(`${i}. ${loopMark}**${md(step.action)}**${kind}${participants(step)}`);
    const changes = diff(file.steps[i - 1].state, step.state);
    if (changes.length === 0) out.push('   - (no change)');
    for (const ch of changes) {
      const before = ch.before === undefined ? '(new)' : code(ch.before);
      const after = ch.after === undefined ? '(gone)' : code(ch.after);
      out.push(`   - ${code(ch.path)}: ${before} → ${after}`);
    }
  });
  if (file.loopStart !== null) {
    out.push('', `↻ The last state is the state after step ${file.loopStart}: steps ${file.loopStart + 1}–${file.length} repeat forever.`);
  }
  out.push('');
  return out.join('\n');
}
