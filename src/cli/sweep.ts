/**
 * `faultline sweep <model> --param n=3..7 --param f=1..2`: check a model at every cell of a
 * grid of params and print one table. Output is Markdown whether or not stdout is a terminal
 * (it pastes into an issue or a README as is); `--json` prints one array, one object per cell.
 *
 * `--report DIR` writes the reports of every cell's counterexample, named after the cell.
 *
 * Exit codes: 0 when every cell ran — its verdict, holds or violated, is the data, and cells
 * whose params make no sense together are reported as invalid; 2 on bad input (a malformed
 * range, an unknown param or value, a sweep with no valid cell) or when the model failed in a
 * cell. There is no `--expect`: an expected bound is a test over `--json` (see the README).
 */
import type { RunInfo } from '../model/run.ts';
import { boundTable, cellVerdict, sweepCellJson, sweepTable } from '../report/sweep.ts';
import { colors } from '../report/text.ts';
import { writeReports } from '../report/write.ts';
import { parseAxes } from '../sweep/axes.ts';
import { runSweep, type CellBuilder, type SweepCell } from '../sweep/sweep.ts';
import { buildRun } from '../model/run.ts';
import { runInfo, searchOptions, type CheckCommandOptions } from './check.ts';
import { loadDefinition } from './load.ts';
import { progressLine } from './progress.ts';

/** The cells of a sweep with their runs and results: what a report generator renders, cell by cell. */
export async function sweep(modelName: string, o: CheckCommandOptions, onCell?: (cell: SweepCell<RunInfo>, index: number, total: number) => void) {
  const def = await loadDefinition(modelName);
  const options = searchOptions(o);
  const axes = parseAxes(o.param);
  const builder: CellBuilder<RunInfo> = {
    describe: (assignment) => runInfo(def, { ...o, param: Object.entries(assignment).map(([k, v]) => `${k}=${v}`) }),
    build: (run) => buildRun(def, run),
  };
  const progress = progressLine(o.progress !== false);
  try {
    return { axes, cells: runSweep(axes, builder, { ...options, onProgress: progress.update }, onCell) };
  } finally {
    progress.done();
  }
}

export async function sweepCommand(modelName: string, o: CheckCommandOptions): Promise<number> {
  const live = o.progress !== false && !!process.stderr.isTTY;
  const c = colors(!!process.stdout.isTTY);
  const { axes, cells } = await sweep(modelName, o, (cell, i, total) => {
    if (!live) return;
    const values = Object.entries(cell.assignment).map(([k, v]) => `${k}=${v}`).join(' ');
    process.stderr.write(`[${i + 1}/${total}] ${values}: ${cellVerdict(cell)} (${cell.seconds.toFixed(2)} s)\n`);
  });
  if (o.json) {
    process.stdout.write(JSON.stringify(cells.map(sweepCellJson), null, 2) + '\n');
  } else {
    const first = cells[0].run;
    const swept = new Set(axes.filter((a) => a.values.length > 1).map((a) => a.name));
    const fixed = Object.entries(first.params)
      .filter(([k]) => !swept.has(k))
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    process.stdout.write(`${c.bold(first.model)} · variant ${first.variant}${fixed ? ` · ${fixed}` : ''}\n\n`);
    process.stdout.write(sweepTable(axes, cells) + '\n');
    const bounds = boundTable(axes, cells);
    if (bounds) process.stdout.write('\n' + bounds + '\n');
    const counts = new Map<string, number>();
    for (const cell of cells) counts.set(cellVerdict(cell), (counts.get(cellVerdict(cell)) ?? 0) + 1);
    const total = cells.reduce((sum, cell) => sum + cell.seconds, 0);
    const summary = [...counts].map(([v, k]) => `${k} ${v}`).join(', ');
    process.stdout.write(`\n${cells.length} cells in ${total.toFixed(2)} s: ${summary}\n`);
  }
  if (o.report) {
    let written = 0;
    for (const cell of cells) {
      if (!cell.result) continue;
      const point = Object.entries(cell.assignment).map(([k, v]) => `${k}=${v}`).join('-');
      const baseName = `${cell.run.model}-${cell.run.variant}-${point}`;
      written += writeReports(o.report, cell.run, cell.result, { nodes: cell.nodes, baseName }).length;
    }
    process.stderr.write(`wrote ${written} report(s) to ${o.report}\n`);
  }
  const failed = cells.find((cell) => cell.error !== undefined);
  if (failed) {
    process.stderr.write(`faultline: the model failed in a cell: ${failed.error}\n`);
    return 2;
  }
  if (cells.every((cell) => cell.invalid !== undefined)) {
    process.stderr.write(`faultline: no cell of the sweep is valid: ${cells[0].invalid}\n`);
    return 2;
  }
  return 0;
}
