/**
 * `faultline report <trace.json> --format text|markdown|html|json [--out FILE] [--model PATH]`:
 * render a trace file. It loads no model: the file is data. For a model that is not shipped, the
 * commands the report suggests need its module: `--model PATH` names it there (it is not loaded);
 * without it they say `--model <path-to-model-module>`.
 */
import { writeFileSync } from 'node:fs';
import { InputError } from '../model/errors.ts';
import { readTraceFile, serializeTraceFile } from '../trace/file.ts';
import { htmlReport } from '../report/html.ts';
import { markdownReport } from '../report/markdown.ts';
import { colors, formatTraceFile } from '../report/text.ts';
import type { Io } from './io.ts';
import { findShipped } from './load.ts';

/** What the replay and check commands of a report say for a model that is not shipped: the reader knows where its module is, the file does not. */
export const MODEL_PLACEHOLDER = '<path-to-model-module>';

export const REPORT_FORMATS = ['text', 'markdown', 'html', 'json'] as const;

export function reportCommand(tracePath: string, o: { format: string; out?: string; model?: string }, io: Io): number {
  if (!(REPORT_FORMATS as readonly string[]).includes(o.format)) {
    throw new InputError(`--format must be one of ${REPORT_FORMATS.join(', ')}, got "${o.format}"`);
  }
  if (o.out !== undefined && o.out.trim() === '') throw new InputError('--out expects a file, got ""');
  const file = readTraceFile(tracePath);
  const commands = { tracePath, modelPath: findShipped(file.model) ? undefined : (o.model ?? MODEL_PLACEHOLDER) };
  const text =
    o.format === 'html'
      ? htmlReport(file, commands)
      : o.format === 'markdown'
        ? markdownReport(file, commands)
        : o.format === 'json'
          ? serializeTraceFile(file)
          : formatTraceFile(file, colors(!o.out && !!io.stdout.isTTY), tracePath, commands.modelPath) + '\n';
  if (o.out) writeFileSync(o.out, text);
  else io.stdout.write(text);
  return 0;
}
