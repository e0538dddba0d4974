/**
 * Rendering a sweep: a Markdown table with one row per cell (and, when two params vary, the
 * bound table of verdicts — rows by the first, columns by the second), and the `--json` array
 * with one object per cell whose traces have the shape of `check --json`.
 */
import { markdownTable } from 'markdown-table';
import type { Axis } from '../sweep/axes.ts';
import { counterexampleLength, type SweepCell } from '../sweep/sweep.ts';
import type { RunInfo } from '../model/run.ts';
import { escapeControls as t } from './escape.ts';
import { checkJson } from './json.ts';

/** A cell's verdict as one word: the check's verdict, or `invalid` / `error`. */
export function cellVerdict(cell: SweepCell): string {
  if (cell.invalid !== undefined) return 'invalid';
  if (cell.error !== undefined || !cell.result) return 'error';
  return cell.result.verdict;
}

/** The violated properties of a cell, shortest counterexample first. */
function violatedProperties(cell: SweepCell): string[] {
  const violations = [...(cell.result?.violations ?? [])];
  violations.sort((a, b) => (a.trace ? a.trace.steps.length : Infinity) - (b.trace ? b.trace.steps.length : Infinity));
  return violations.map((v) => v.property);
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** One row per cell: the swept params, verdict, shortest counterexample, distinct states and seconds. */
export function sweepTable(axes: readonly Axis[], rows: readonly SweepCell[]): string {
  const swept = axes.filter((a) => a.values.length > 1).map((a) => a.name);
  const body = rows.map((cell) => {
    const verdict = cellVerdict(cell);
    const r = cell.result;
    const what =
      verdict === 'violated'
        ? `violated: ${violatedProperties(cell).join(', ')}`
        : verdict === 'incomplete'
          ? `incomplete (${r!.cutBy})`
          : verdict === 'invalid'
            ? `invalid: ${cell.invalid}`
            : verdict === 'error'
              ? `error: ${cell.error}`
              : verdict;
    const length = r ? counterexampleLength(r) : null;
    return [
      ...swept.map((name) => t(cell.assignment[name])),
      t(what),
      length === null ? '—' : `${length} steps`,
      r ? fmt(r.stats.distinctStates) : '—',
      cell.seconds.toFixed(2),
    ];
  });
  return markdownTable([[...swept.map(t), 'verdict', 'counterexample', 'distinct states', 'seconds'], ...body], {
    align: [...swept.map(() => 'r' as const), 'l', 'r', 'r', 'r'],
  });
}

/**
 * The bound table when exactly two params vary: verdicts with rows by the first param and
 * columns by the second (e.g. n × f → holds / violated); null otherwise.
 */
export function boundTable(axes: readonly Axis[], rows: readonly SweepCell[]): string | null {
  const swept = axes.filter((a) => a.values.length > 1);
  if (swept.length !== 2) return null;
  const [down, across] = swept;
  const at = new Map(rows.map((c) => [`${c.assignment[down.name]}\u0000${c.assignment[across.name]}`, c]));
  const word = (c: SweepCell | undefined) => {
    if (!c) return '—';
    const v = cellVerdict(c);
    if (v === 'violated') return `violated (${counterexampleLength(c.result!) ?? '—'})`;
    return v === 'invalid' ? '—' : v;
  };
  return markdownTable([
    [t(`${down.name} \\ ${across.name}`), ...across.values.map(t)],
    ...down.values.map((d) => [t(d), ...across.values.map((a) => word(at.get(`${d}\u0000${a}`)))]),
  ]);
}

/** The `--json` object of one cell: run, verdict, statistics, the shortest counterexample's length, and every violation with its trace as in `check --json`. */
export function sweepCellJson(cell: SweepCell<RunInfo>): unknown {
  const verdict = cellVerdict(cell);
  const base = {
    model: cell.run.model,
    variant: cell.run.variant,
    params: cell.run.params,
    ...(cell.run.faults ? { faults: cell.run.faults } : {}),
    verdict,
  };
  const seconds = Math.round(cell.seconds * 1000) / 1000;
  if (!cell.result) return { ...base, reason: cell.invalid ?? cell.error, seconds };
  const full = checkJson(cell.run, cell.result) as { properties: unknown; violations: unknown };
  const r = cell.result;
  return {
    ...base,
    strategy: r.strategy,
    ...(r.seed === undefined ? {} : { seed: r.seed }),
    cutBy: r.cutBy,
    distinctStates: r.stats.distinctStates,
    generatedStates: r.stats.generatedStates,
    depth: r.stats.depth,
    seconds,
    counterexampleLength: counterexampleLength(r),
    properties: full.properties,
    violations: full.violations,
  };
}
