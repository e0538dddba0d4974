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
 * cell; 3 when it was interrupted (Ctrl-C, SIGTERM: the cells checked so far are printed). There
 * is no `--expect`: an expected bound is a test over `--json` (see the README).
 */
import { buildRun, type RunInfo } from '../model/run.ts';
import { escapeControls } from '../report/escape.ts';
import { boundTable, cellVerdict, sweepCellJson, sweepTable } from '../report/sweep.ts';
import { colors } from '../report/text.ts';
import { writeReports } from '../report/write.ts';
import { jsonText } from '../state/json.ts';
import { parseAxes } from '../sweep/axes.ts';
import { runSweepAsync, type CellBuilder, type OnCell } from '../sweep/sweep.ts';
import { ineffectiveOptions, runInfo, searchOptions, warn, type CheckCommandOptions } from './check.ts';
import { interruptibly } from './interrupt.ts';
import type { Io } from './io.ts';
import { loadDefinition, modelPathOf } from './load.ts';
import { checkOutputFolder, unwritten } from './target.ts';

/**
 * The cells of a sweep with their runs and results: what a report generator renders, cell by
 * cell. The first Ctrl-C or SIGTERM stops the cell being checked and the sweep with it.
 */
export async function sweep(modelName: string, o: CheckCommandOptions, io: Io, onCell?: OnCell<RunInfo>) {
  const def = await loadDefinition(modelName);
  const options = searchOptions(o);
  const axes = parseAxes(o.param);
  const builder: CellBuilder<RunInfo> = {
    describe: (assignment) => runInfo(def, { ...o, param: Object.entries(assignment).map(([k, v]) => `${k}=${v}`) }),
    build: (run) => buildRun(def, run),
  };
  const { value: cells, interrupted } = await interruptibly(!o.quiet, io.stderr, (stopping) => runSweepAsync(axes, builder, { ...options, ...stopping }, onCell));
  return { axes, cells, interrupted };
}

export async function sweepCommand(modelName: string, o: CheckCommandOptions, io: Io): Promise<number> {
  if (o.report !== undefined) checkOutputFolder('--report', o.report);
  for (const w of ineffectiveOptions(o)) warn(io, w);
  const live = !o.quiet && !!io.stderr.isTTY;
  const c = colors(!!io.stdout.isTTY);
  const { axes, cells, interrupted } = await sweep(modelName, o, io, (cell, i, total) => {
    if (!live) return;
    const values = Object.entries(cell.assignment).map(([k, v]) => `${k}=${v}`).join(' ');
    io.stderr.write(`${escapeControls(`[${i + 1}/${total}] ${values}: ${cellVerdict(cell)}`)} (${cell.seconds.toFixed(2)} s)\n`);
  });
  if (o.json) {
    io.stdout.write(jsonText(cells.map(sweepCellJson), 2) + '\n');
  } else if (cells.length > 0) {
    const first = cells[0].run;
    const swept = new Set(axes.filter((a) => a.values.length > 1).map((a) => a.name));
    const fixed = Object.entries(first.params)
      .filter(([k]) => !swept.has(k))
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    io.stdout.write(`${c.bold(escapeControls(first.model))} · variant ${escapeControls(`${first.variant}${fixed ? ` · ${fixed}` : ''}`)}\n\n`);
    io.stdout.write(sweepTable(axes, cells) + '\n');
    const bounds = boundTable(axes, cells);
    if (bounds) io.stdout.write('\n' + bounds + '\n');
    const counts = new Map<string, number>();
    for (const cell of cells) counts.set(cellVerdict(cell), (counts.get(cellVerdict(cell)) ?? 0) + 1);
    const total = cells.reduce((sum, cell) => sum + cell.seconds, 0);
    const summary = [...counts].map(([v, k]) => `${k} ${v}`).join(', ');
    io.stdout.write(`\n${cells.length} cells in ${total.toFixed(2)} s: ${summary}\n`);
  }
  if (o.report) {
    let written = 0;
    try {
      for (const cell of cells) {
        if (!cell.result) continue;
        const point = Object.entries(cell.assignment).map(([k, v]) => `${k}=${v}`).join('-');
        const baseName = `${cell.run.model}-${cell.run.variant}-${point}`;
        written += writeReports(o.report, cell.run, cell.result, { nodes: cell.nodes, baseName, modelPath: modelPathOf(modelName) }).length;
      }
      io.stderr.write(`wrote ${written} report(s) to ${escapeControls(o.report)}\n`);
    } catch (e) {
      const line = unwritten(e);
      if (line === null) throw e;
      io.stderr.write(`faultline: ${escapeControls(line)}\n`);
    }
  }
  if (interrupted) {
    io.stderr.write(`faultline: interrupted: ${cells.length} of ${axes.reduce((n, a) => n * a.values.length, 1)} cells checked\n`);
    return 3;
  }
  const failed = cells.find((cell) => cell.error !== undefined);
  if (failed) {
    io.stderr.write(`faultline: the model failed in a cell: ${escapeControls(failed.error!)}\n`);
    return 2;
  }
  if (cells.every((cell) => cell.invalid !== undefined)) {
    io.stderr.write(`faultline: no cell of the sweep is valid: ${escapeControls(cells[0].invalid!)}\n`);
    return 2;
  }
  return 0;
}
