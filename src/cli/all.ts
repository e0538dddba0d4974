/**
 * `faultline all` (what `npm start` runs): check every shipped model × variant at its defaults
 * and print one table. Exits 1 if any actual verdict differs from the variant's expected one.
 */
import { markdownTable } from 'markdown-table';
import { models } from '../../models/index.ts';
import { check } from '../explore/check.ts';
import type { CheckResult } from '../explore/result.ts';
import { defaultParams, instantiate, type ModelDefinition, type VariantSpec } from '../model/definition.ts';
import type { Model } from '../model/model.ts';
import type { SiteEntry } from '../report/site.ts';
import { colors } from '../report/text.ts';
import type { Io } from './io.ts';
import { checkSiteFolder, siteEntry, writeStudyReports } from './reports.ts';

export interface SuiteRow {
  readonly model: string;
  readonly variant: string;
  readonly expected: 'holds' | 'violated';
  readonly actual: string;
  readonly distinctStates: number;
  readonly counterexampleLength: number | null;
  readonly seconds: number;
}

/** What was checked for a row, for callers that want more than the table (reports). */
export interface SuiteCheck {
  readonly def: ModelDefinition<any>;
  readonly variant: VariantSpec;
  readonly model: Model<any, any>;
  readonly result: CheckResult;
}

export function runSuite(onRow?: (row: SuiteRow, checked: SuiteCheck) => void): SuiteRow[] {
  const rows: SuiteRow[] = [];
  for (const def of models) {
    for (const variant of def.variants) {
      const model = instantiate(def, { params: defaultParams(def, variant), variant: variant.name });
      const result = check(model);
      const shortest = result.violations
        .map((v) => (v.trace ? v.trace.steps.length - 1 : null))
        .filter((n): n is number => n !== null);
      const row: SuiteRow = {
        model: def.name,
        variant: variant.name,
        expected: variant.expect,
        actual: result.verdict,
        distinctStates: result.stats.distinctStates,
        counterexampleLength: shortest.length > 0 ? Math.min(...shortest) : null,
        seconds: result.stats.durationMs / 1000,
      };
      rows.push(row);
      onRow?.(row, { def, variant, model, result });
    }
  }
  return rows;
}

export function allCommand(o: { json?: boolean; report?: string }, io: Io): number {
  if (o.report !== undefined) checkSiteFolder('--report', o.report);
  const c = colors(!!io.stdout.isTTY);
  const entries: SiteEntry[] = [];
  const rows = runSuite((row, checked) => {
    if (io.stderr.isTTY) io.stderr.write(`${row.model} / ${row.variant}: ${row.actual}\n`);
    if (o.report) entries.push(siteEntry(checked.def, checked.variant, checked.model, checked.result));
  });
  if (o.report) writeStudyReports(o.report, entries, io);
  const mismatches = rows.filter((r) => r.actual !== r.expected);
  if (o.json) {
    io.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  } else {
    const table = markdownTable(
      [
        ['model', 'variant', 'expected', 'actual', 'distinct states', 'counterexample', 'seconds'],
        ...rows.map((r) => [
          r.model,
          r.variant,
          r.expected,
          r.actual === r.expected ? r.actual : `**${r.actual}** ≠ expected`,
          r.distinctStates.toLocaleString('en-US'),
          r.counterexampleLength === null ? '—' : `${r.counterexampleLength} steps`,
          r.seconds.toFixed(2),
        ]),
      ],
      { align: ['l', 'l', 'l', 'l', 'r', 'r', 'r'] },
    );
    io.stdout.write(table + '\n');
    io.stdout.write(
      mismatches.length === 0
        ? c.green(`\nall ${rows.length} model variants behave as expected\n`)
        : c.red(`\n${mismatches.length} of ${rows.length} model variants did not behave as expected\n`),
    );
  }
  return mismatches.length === 0 ? 0 : 1;
}
