/**
 * `npm run bench`: speed and memory figures (not timed tests). Each case runs in a fresh child
 * process so its peak memory is its own. Reference figures are from ../shared/baselines (TLC and
 * SPIN on TwoPhase, 2-core machine, medians of 3).
 *
 *   npm run bench                 all cases
 *   npm run bench -- tpc-8        one case
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { markdownTable } from 'markdown-table';
import { definition as byzantineGenerals } from '../../models/byzantine-generals/index.ts';
import { definition as twoPhaseCommit } from '../../models/two-phase-commit/index.ts';
import { runInfo } from '../../src/cli/check.ts';
import { check } from '../../src/explore/check.ts';
import type { CheckResult } from '../../src/explore/result.ts';
import { instantiate } from '../../src/model/definition.ts';
import { isSafety } from '../../src/model/property.ts';
import { buildRun, type RunInfo } from '../../src/model/run.ts';
import { parseAxes } from '../../src/sweep/axes.ts';
import { runSweep, type CellBuilder } from '../../src/sweep/sweep.ts';

interface Case {
  readonly name: string;
  readonly what: string;
  /** Reference timings in seconds from ../shared/baselines. */
  readonly tlc?: number;
  readonly spin?: number;
  run(): { distinct: number; generated: number; seconds: number; extra?: string };
}

function tpc(rms: number, tlc: number, spin: number): Case {
  return {
    name: `tpc-${rms}`,
    what: `two-phase-commit rms=${rms}, BFS, safety`,
    tlc,
    spin,
    run() {
      // Safety only, as the TLC and SPIN runs it is compared with: the model's liveness property
      // is left out, so the search records no state graph.
      const model = instantiate(twoPhaseCommit, { params: { rms }, variant: 'default' });
      const r = check({ ...model, properties: model.properties.filter(isSafety) });
      if (r.verdict !== 'holds' || r.stats.distinctStates !== 6 ** rms + 4 ** rms + 2 ** rms) {
        throw new Error(`tpc-${rms}: unexpected result ${r.verdict} / ${r.stats.distinctStates}`);
      }
      return { distinct: r.stats.distinctStates, generated: r.stats.generatedStates, seconds: r.stats.durationMs / 1000 };
    },
  };
}

/** The shipped model as it is: its safety properties and "every participant eventually decides" under its own fairness. */
function tpcLiveness(rms: number): Case {
  return {
    name: `tpc-${rms}-live`,
    what: `two-phase-commit rms=${rms}, BFS, safety + liveness`,
    run() {
      const r = check(instantiate(twoPhaseCommit, { params: { rms }, variant: 'default' }));
      const live = r.properties.find((p) => p.name === 'every-participant-decides');
      if (r.verdict !== 'holds' || live?.status !== 'holds' || r.stats.distinctStates !== 6 ** rms + 4 ** rms + 2 ** rms) {
        throw new Error(`tpc-${rms}-live: unexpected result ${r.verdict} / ${live?.status} / ${r.stats.distinctStates}`);
      }
      return { distinct: r.stats.distinctStates, generated: r.stats.generatedStates, seconds: r.stats.durationMs / 1000 };
    },
  };
}

/**
 * The resilience sweep of the Byzantine generals, n = 3…7 × f = 1…2 with m = f, as
 * `faultline sweep byzantine-generals --param n=3..7 --param f=1..2 [--variant signed]` runs it
 * (the process start is not included). Distinct and generated states are summed over the cells;
 * the notes give the CPU time, which is what matters on a shared machine.
 */
function byzantineSweep(variant: 'oral' | 'signed'): Case {
  return {
    name: `byz-sweep-${variant}`,
    what: `byzantine-generals sweep n=3..7 f=1..2, ${variant}`,
    run() {
      const cpu = process.cpuUsage();
      const start = performance.now();
      const builder: CellBuilder<RunInfo> = {
        describe: (a) => runInfo(byzantineGenerals, { variant, strategy: 'bfs', param: Object.entries(a).map(([k, v]) => `${k}=${v}`) }),
        build: (run) => buildRun(byzantineGenerals, run),
      };
      const rows = runSweep(parseAxes(['n=3..7', 'f=1..2']), builder);
      const seconds = (performance.now() - start) / 1000;
      const used = process.cpuUsage(cpu);
      for (const row of rows) {
        const [n, f] = [Number(row.assignment.n), Number(row.assignment.f)];
        // OM(f) holds iff n ≥ 3f + 1 (and vacuously at n = f + 1); SM(f) holds for every n.
        const want = variant === 'signed' || n === f + 1 || n >= 3 * f + 1 ? 'holds' : 'violated';
        if (row.result?.verdict !== want) throw new Error(`byz-sweep-${variant}: n=${n} f=${f} is ${row.result?.verdict}, expected ${want}`);
      }
      const sum = (get: (r: CheckResult) => number) => rows.reduce((acc, r) => acc + get(r.result!), 0);
      return {
        distinct: sum((r) => r.stats.distinctStates),
        generated: sum((r) => r.stats.generatedStates),
        seconds,
        extra: `${rows.length} cells, CPU ${((used.user + used.system) / 1e6).toFixed(2)} s`,
      };
    },
  };
}

export const cases: Case[] = [
  tpc(6, 3.0, 0.16),
  tpcLiveness(6),
  tpc(7, 16.9, 0.7),
  tpc(8, 65.3, 5.5),
  byzantineSweep('oral'),
  byzantineSweep('signed'),
];

interface Figures {
  distinct: number;
  generated: number;
  seconds: number;
  peakMB: number;
  extra?: string;
}

function runChild(name: string): Figures {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', name], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${name} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

const [, , flag, childName] = process.argv;
if (flag === '--child') {
  const c = cases.find((x) => x.name === childName)!;
  const f = c.run();
  const peakMB = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(JSON.stringify({ ...f, peakMB }) + '\n');
} else {
  const wanted = process.argv.slice(2);
  const selected = wanted.length > 0 ? cases.filter((c) => wanted.includes(c.name)) : cases;
  const rows: string[][] = [];
  const seconds = new Map<string, number>();
  for (const c of selected) {
    process.stderr.write(`running ${c.name} …\n`);
    const f = runChild(c.name);
    seconds.set(c.name, f.seconds);
    // A liveness case is compared with the safety-only run of the same model (target: at most 3×).
    const safety = seconds.get(c.name.replace(/-live$/, ''));
    if (c.name.endsWith('-live') && safety !== undefined) f.extra = `${(f.seconds / safety).toFixed(2)}× the safety-only run`;
    rows.push([
      c.what,
      f.distinct.toLocaleString('en-US'),
      f.generated.toLocaleString('en-US'),
      f.seconds.toFixed(2),
      Math.round(f.distinct / f.seconds).toLocaleString('en-US'),
      String(f.peakMB),
      c.tlc === undefined ? '—' : `${c.tlc} s (${(c.tlc / f.seconds).toFixed(1)}× ours)`,
      c.spin === undefined ? '—' : `${c.spin} s`,
      f.extra ?? '',
    ]);
  }
  process.stdout.write(
    markdownTable(
      [['case', 'distinct', 'generated', 'seconds', 'states/s', 'peak MB', 'TLC (1 worker)', 'SPIN', 'notes'], ...rows],
      { align: ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'] },
    ) + '\n',
  );
}
