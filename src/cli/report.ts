/** `faultline report <trace.json> --format text|markdown|html|json [--out FILE]`: render a trace file. */
import { writeFileSync } from 'node:fs';
import { InputError } from '../model/errors.ts';
import { readTraceFile, serializeTraceFile } from '../trace/file.ts';
import { htmlReport } from '../report/html.ts';
import { markdownReport } from '../report/markdown.ts';
import { colors, formatTraceFile } from '../report/text.ts';
import type { Io } from './io.ts';

export const REPORT_FORMATS = ['text', 'markdown', 'html', 'json'] as const;

export function reportCommand(tracePath: string, o: { format: string; out?: string }, io: Io): number {
  if (!(REPORT_FORMATS as readonly string[]).includes(o.format)) {
    throw new InputError(`--format must be one of ${REPORT_FORMATS.join(', ')}, got "${o.format}"`);
  }
  const file = readTraceFile(tracePath);
  const text =
    o.format === 'html'
      ? htmlReport(file, { tracePath })
      : o.format === 'markdown'
        ? markdownReport(file, { tracePath })
        : o.format === 'json'
          ? serializeTraceFile(file)
          : formatTraceFile(file, colors(!o.out && !!io.stdout.isTTY), tracePath) + '\n';
  if (o.out) writeFileSync(o.out, text);
  else io.stdout.write(text);
  return 0;
}
