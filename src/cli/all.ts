/**
 * `faultline all` (what `npm start` runs): check every shipped model × variant at its defaults
 * and print one table. Exits 1 if any actual verdict differs from the variant's expected one.
 */
import { markdownTable } from 'markdown-table';
import { models } from '../../models/index.ts';
import { check } from '../explore/check.ts';
import { instantiate } from '../model/definition.ts';
import { colors } from '../report/text.ts';
import { defaultParams } from './list.ts';

export interface SuiteRow {
  readonly model: string;
  readonly variant: string;
  readonly expected: 'holds' | 'violated';
  readonly actual: string;
  readonly distinctStates: number;
  readonly counterexampleLength: number | null;
  readonly seconds: number;
}

export function runSuite(onRow?: (row: SuiteRow) => void): SuiteRow[] {
  const rows: SuiteRow[] = [];
  for (const def of models) {
    for (const variant of def.variants) {
      const model = instantiate(def, { params: defaultParams(def), variant: variant.name });
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
      onRow?.(row);
    }
  }
  return rows;
}

export function allCommand(o: { json?: boolean }): number {
  const c = colors(!!process.stdout.isTTY);
  const rows = runSuite((row) => {
    if (process.stderr.isTTY) process.stderr.write(`${row.model} / ${row.variant}: ${row.actual}\n`);
  });
  const mismatches = rows.filter((r) => r.actual !== r.expected);
  if (o.json) {
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
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
    process.stdout.write(table + '\n');
    process.stdout.write(
      mismatches.length === 0
        ? c.green(`\nall ${rows.length} model variants behave as expected\n`)
        : c.red(`\n${mismatches.length} of ${rows.length} model variants did not behave as expected\n`),
    );
  }
  return mismatches.length === 0 ? 0 : 1;
}
