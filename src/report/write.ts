/**
 * Writing the reports of a check: for every violation that has a trace, an HTML, a Markdown and a
 * schema-1 JSON file, named after the model and variant (and the property, when a run found
 * several). `faultline check --report DIR` calls it; a sweep calls it once per parameter point
 * with its own `baseName`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PropertyKind } from '../model/property.ts';
import { serializeTraceFile, traceFile, type MinimizedFrom, type TraceFile, type TraceRun } from '../trace/file.ts';
import type { Trace } from '../trace/trace.ts';
import { htmlReport } from './html.ts';
import { markdownReport } from './markdown.ts';

/** A violation as a check reports it; those without a trace (a `sometimes` never reached) get no report. */
export interface ReportedViolation {
  readonly property: string;
  readonly kind: PropertyKind;
  readonly description?: string;
  readonly trace: Trace | null;
  /** Set when the trace was minimised. */
  readonly minimized?: MinimizedFrom;
}

export interface WriteOptions {
  /** The model's lanes (`model.nodes`). */
  readonly nodes?: readonly string[];
  /** File name stem; default `<model>-<variant>`. A sweep adds its parameter point. */
  readonly baseName?: string;
  /** The module of a model that is not shipped, for the commands the reports suggest. */
  readonly modelPath?: string;
}

/** The files written for one violation. */
export interface WrittenReport {
  readonly property: string;
  readonly file: TraceFile;
  readonly html: string;
  readonly markdown: string;
  readonly json: string;
}

/** The reports of one violation, rendered: their paths and, for each path, its text. */
export interface RenderedReport extends WrittenReport {
  readonly texts: ReadonlyMap<string, string>;
}

/** A file-name-safe stem: letters, digits, `.`, `_`, `=` and `-` only. */
export function fileStem(text: string): string {
  return text.replace(/[^A-Za-z0-9._=-]+/g, '-').replace(/^[-.]+|-+$/g, '') || 'report';
}

/** Render the reports of `violations` as files of `dir`, without writing anything. */
export function renderReports(dir: string, run: TraceRun, result: { readonly violations: readonly ReportedViolation[] }, options: WriteOptions = {}): RenderedReport[] {
  const traced = result.violations.filter((v): v is ReportedViolation & { trace: Trace } => v.trace !== null);
  const base = fileStem(options.baseName ?? `${run.model}-${run.variant}`);
  const taken = new Set<string>();
  return traced.map((v) => {
    let stem = traced.length === 1 ? base : `${base}-${fileStem(v.property)}`;
    for (let k = 2; taken.has(stem); k++) stem = `${base}-${fileStem(v.property)}-${k}`;
    taken.add(stem);
    const file = traceFile(run, v, options.nodes);
    const paths = { html: join(dir, `${stem}.html`), markdown: join(dir, `${stem}.md`), json: join(dir, `${stem}.json`) };
    const commands = { tracePath: paths.json, modelPath: options.modelPath };
    const texts = new Map([
      [paths.json, serializeTraceFile(file)],
      [paths.markdown, markdownReport(file, commands)],
      [paths.html, htmlReport(file, commands)],
    ]);
    return { property: v.property, file, ...paths, texts };
  });
}

/**
 * Write the reports of `violations` into `dir` (created if needed); returns what was written. A
 * file that cannot be written throws Node's error, whose `path` names it.
 */
export function writeReports(dir: string, run: TraceRun, result: { readonly violations: readonly ReportedViolation[] }, options: WriteOptions = {}): WrittenReport[] {
  const reports = renderReports(dir, run, result, options);
  if (reports.length === 0) return [];
  mkdirSync(dir, { recursive: true });
  for (const r of reports) for (const [path, text] of r.texts) writeFileSync(path, text);
  return reports;
}
