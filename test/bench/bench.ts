/**
 * `npm run bench`: speed and memory figures (never timed tests).
 *
 * Each case runs the compiled `faultline` (dist/, as a user runs it) in a fresh process, and
 * checks its result against the derived figures. When `spin` and `gcc` are installed, SPIN runs
 * side by side on the same two-phase-commit cases (the Promela model from two-phase-promela.ts)
 * and the bench prints ours/SPIN ratios measured in the same run: absolute times on a shared
 * machine drift, ratios measured within a minute of each other do not. TLC's figures are the
 * reference measurements of docs/baselines.md (TLC is not run here).
 *
 * Times are process wall clock (ours: start-up included; SPIN: `./pan` only, without `spin -a`
 * and gcc) and peak RSS of the process, through /usr/bin/time when it exists. It also prints the
 * start-up time of `faultline --version` and `faultline list` (median of 5).
 *
 *   npm run bench                 every case but the manual ones, then the speed goals
 *   npm run bench -- tpc-8        one case (also how a manual case runs; start-up times are always printed)
 *   npm run bench -- goals        the speed goals alone: rounds of rms=8 on one worker, two, all
 *                                 cores and SPIN, interleaved (BENCH_ROUNDS, default 5), and the
 *                                 medians of the rounds' ratios
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { markdownTable } from 'markdown-table';
import { setup as buildIfStale } from '../support/build.ts';
import { codecSize } from './codec-size.ts';
import { twoPhasePromela } from './two-phase-promela.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'dist', 'src', 'cli', 'bin.js');
const TIME = '/usr/bin/time';

/** TLC, 1 worker, on TwoPhase (docs/baselines.md): seconds by number of resource managers. */
const TLC_SECONDS: Readonly<Record<number, number>> = { 6: 3.0, 7: 16.9, 8: 65.3 };

const tpcStates = (n: number) => 6 ** n + 4 ** n + 2 ** n;

/** What one process took: wall seconds and peak RSS in MB (null without /usr/bin/time). */
interface Usage {
  readonly seconds: number;
  readonly peakMB: number | null;
  readonly stdout: string;
}

/** Run a command to completion, measuring its wall clock and (through /usr/bin/time) its peak RSS. */
function measure(command: string, args: readonly string[], cwd = ROOT): Usage {
  const timed = existsSync(TIME);
  const report = join(mkdtempSync(join(tmpdir(), 'faultline-bench-')), 'usage');
  const [file, argv] = timed ? [TIME, ['-f', '%M', '-o', report, command, ...args]] : [command, [...args]];
  const start = performance.now();
  const r = spawnSync(file, argv, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - start) / 1000;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${command} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const peakMB = timed ? Math.round(Number(readFileSync(report, 'utf8').trim().split('\n').pop()) / 1024) : null;
  rmSync(join(report, '..'), { recursive: true, force: true });
  return { seconds, peakMB, stdout: r.stdout };
}

interface Figures {
  readonly distinct: number;
  readonly generated: number;
  /** The search alone, as the tool reports it. */
  readonly searchSeconds: number;
  readonly notes?: string;
}

interface Case {
  readonly name: string;
  readonly what: string;
  /** Run only when named (`npm run bench -- <name>`). */
  readonly manual?: boolean;
  /** The `faultline` command line of the case, or null for a case that runs in this process (`run`). */
  readonly args: readonly string[] | null;
  /** Check the output against what is derived (a manual case: run it), and read the figures off it. */
  figures(json: any): Figures | Promise<Figures>;
  /** Resource managers of the two-phase-commit instance SPIN and TLC are compared on. */
  readonly rms?: number;
  /** The goal for the process's peak RSS, in MB. */
  readonly peakGoalMB?: number;
}

/** TwoPhase's invariants (TypeOK, TCConsistent) and deadlock, as TLC checks them: no liveness, so no state graph. */
const TLC_PROPERTIES = ['--property', 'type-ok', '--property', 'consistency', '--property', 'deadlock'];

/** How a two-phase-commit case searches: threads (default: all cores) and the memory budget. */
interface Search {
  readonly workers?: number;
  readonly memory?: string;
  /** Run only when named. */
  readonly manual?: boolean;
  /** The goal for the peak RSS, in MB, printed next to it. */
  readonly peakGoalMB?: number;
}

function tpc(rms: number, liveness: boolean, search: Search = {}): Case {
  const how = [search.workers === undefined ? 'all cores' : `${search.workers} worker${search.workers === 1 ? '' : 's'}`, search.memory && `--memory ${search.memory}`];
  return {
    name: [`tpc-${rms}`, liveness && 'live', search.workers !== undefined && `w${search.workers}`, search.memory && 'disk'].filter(Boolean).join('-'),
    what: `two-phase-commit rms=${rms}, BFS, ${liveness ? 'safety + "every participant decides" (one thread)' : `safety, ${how.filter(Boolean).join(', ')}`}`,
    ...(search.manual ? { manual: true } : {}),
    args: [
      'check',
      'two-phase-commit',
      '--param',
      `rms=${rms}`,
      ...(liveness ? [] : TLC_PROPERTIES),
      ...(search.workers === undefined ? [] : ['--workers', String(search.workers)]),
      ...(search.memory === undefined ? [] : ['--memory', search.memory]),
      '--json',
      '--quiet',
    ],
    rms: liveness || search.workers !== undefined || search.memory !== undefined ? undefined : rms,
    ...(search.peakGoalMB === undefined ? {} : { peakGoalMB: search.peakGoalMB }),
    figures(json) {
      const live = json.properties.find((p: { name: string }) => p.name === 'every-participant-decides');
      if (json.verdict !== 'holds' || json.stats.distinctStates !== tpcStates(rms) || json.stats.depth !== 3 * rms + 2 || (liveness && live?.status !== 'holds')) {
        throw new Error(`${this.name}: unexpected result ${json.verdict} / ${json.stats.distinctStates} / depth ${json.stats.depth} / ${live?.status}`);
      }
      return { distinct: json.stats.distinctStates, generated: json.stats.generatedStates, searchSeconds: json.stats.durationMs / 1000 };
    },
  };
}

/** C(n, k). */
const binomial = (n: number, k: number): number => {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
};
/** TLC's distinct states for TwoPhase with `SYMMETRY Permutations(RM)`: one state per orbit. */
const tpcOrbits = (n: number) => binomial(n + 5, 5) + binomial(n + 3, 3) + (n + 1);

/** Two-phase commit with `--symmetry` (safety only, as TLC checks it): one state per orbit of the RMs. */
function tpcSymmetry(rms: number): Case {
  return {
    name: `tpc-${rms}-symmetry`,
    what: `two-phase-commit rms=${rms}, BFS, safety, --symmetry`,
    args: ['check', 'two-phase-commit', '--param', `rms=${rms}`, '--symmetry', ...TLC_PROPERTIES, '--json', '--quiet'],
    figures(json) {
      if (json.verdict !== 'holds' || json.stats.distinctStates !== tpcOrbits(rms) || json.symmetry !== true) {
        throw new Error(`${this.name}: unexpected result ${json.verdict} / ${json.stats.distinctStates} (expected ${tpcOrbits(rms)})`);
      }
      return { distinct: json.stats.distinctStates, generated: json.stats.generatedStates, searchSeconds: json.stats.durationMs / 1000, notes: 'orbits = C(n+5,5)+C(n+3,3)+(n+1)' };
    },
  };
}

/**
 * The resilience sweep of the Byzantine generals, n = 3…7 × f = 1…2 with m = f, as the README's
 * command runs it. Distinct and generated states are summed over the cells.
 */
function byzantineSweep(variant: 'oral' | 'signed'): Case {
  return {
    name: `byz-sweep-${variant}`,
    what: `byzantine-generals sweep n=4..10 f=1..3, ${variant}`,
    args: ['sweep', 'byzantine-generals', '--variant', variant, '--param', 'n=4..10', '--param', 'f=1..3', '--json', '--quiet'],
    figures(cells: { params: { n: number; f: number }; verdict: string; distinctStates: number; generatedStates: number; seconds: number }[]) {
      for (const { params, verdict } of cells) {
        // OM(f) holds iff n ≥ 3f + 1 (and vacuously at n = f + 1); SM(f) holds for every n.
        const want = variant === 'signed' || params.n === params.f + 1 || params.n >= 3 * params.f + 1 ? 'holds' : 'violated';
        if (verdict !== want) throw new Error(`${this.name}: n=${params.n} f=${params.f} is ${verdict}, expected ${want}`);
      }
      const sum = (get: (c: (typeof cells)[number]) => number) => cells.reduce((acc, c) => acc + get(c), 0);
      return { distinct: sum((c) => c.distinctStates), generated: sum((c) => c.generatedStates), searchSeconds: sum((c) => c.seconds), notes: `${cells.length} cells` };
    },
  };
}

/**
 * The reduced Byzantine models against the unreduced reference on every cell where the
 * unreduced one finishes (within about two minutes here): same verdict and the same reachable
 * outcomes. Too slow for the test suite, which runs the small cells; run it by name
 * (`npm run bench -- byz-crosscheck`). Figures are the unreduced model's.
 */
const byzantineCrossCheck: Case = {
  name: 'byz-crosscheck',
  manual: true,
  what: 'byzantine-generals reduced vs unreduced, every feasible cell',
  args: null,
  figures: async () => {
    const { check } = await import('../../src/explore/check.ts');
    const { build, cellName, endOutcomes } = await import('../support/byzantine.ts');
    type Cell = import('../support/byzantine.ts').Cell;
    type Variant = import('../support/byzantine.ts').Variant;
    const range = (f: number, from: number, to: number): Cell[] => Array.from({ length: to - from + 1 }, (_, i) => ({ n: from + i, f }));
    const cells: [Variant, Cell][] = [
      ...[...range(1, 2, 10), ...range(2, 3, 5), ...range(3, 4, 4), { n: 5, f: 1, m: 3 }].map((c): [Variant, Cell] => ['oral', c]),
      ...[...range(1, 2, 9), ...range(2, 3, 5), ...range(3, 4, 5)].map((c): [Variant, Cell] => ['signed', c]),
    ];
    const start = performance.now();
    let distinct = 0;
    let generated = 0;
    for (const [variant, c] of cells) {
      const full = check(build(variant, c, false), { all: true });
      const reduced = check(build(variant, c), { all: true });
      const same = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((x) => b.has(x));
      if (full.verdict !== reduced.verdict || !same(endOutcomes(variant, c, true), endOutcomes(variant, c, false))) {
        throw new Error(`byz-crosscheck: ${cellName(variant, c)}: the reduced model disagrees with the unreduced one`);
      }
      process.stderr.write(`  ${cellName(variant, c)}: ${full.verdict}, ${full.stats.distinctStates} unreduced states, agrees\n`);
      distinct += full.stats.distinctStates;
      generated += full.stats.generatedStates;
    }
    return { distinct, generated, searchSeconds: (performance.now() - start) / 1000, notes: `${cells.length} cells agree` };
  },
};

export const cases: Case[] = [
  tpc(6, false),
  tpc(6, true),
  tpc(7, false),
  // One thread against two on the same instance: the parallel speed-up (goal ≥ 1.7×, same counts).
  tpc(8, false, { workers: 1 }),
  tpc(8, false, { workers: 2 }),
  // All cores against SPIN's one (goal ≤ 2.0×), within 300 MB.
  tpc(8, false, { peakGoalMB: 300 }),
  tpc(9, false, { peakGoalMB: 2048 }),
  // 61,515,776 states, depth 32; a 2 GB budget is less than the table and columns alone (2.4 GB),
  // so the whole frontier goes to disk. Four to six minutes on 2 cores (261 s at commit 130c4f0).
  tpc(10, false, { memory: '2g', manual: true, peakGoalMB: 6144 }),
  tpcSymmetry(7),
  tpcSymmetry(20),
  byzantineSweep('oral'),
  byzantineSweep('signed'),
  byzantineCrossCheck,
  codecSize(8, tpcStates(8)),
];

/** SPIN on TwoPhase with `rms` resource managers: pan's wall clock and peak RSS, its state count checked. */
function spin(rms: number): Usage {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-spin-'));
  try {
    writeFileSync(join(dir, 'tp.pml'), twoPhasePromela(rms));
    for (const [command, ...args] of [
      ['spin', '-a', 'tp.pml'],
      ['gcc', '-O2', '-DSAFETY', '-o', 'pan', 'pan.c'],
    ]) {
      const r = spawnSync(command, args, { cwd: dir, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${command} failed: ${r.stderr || r.stdout}`);
    }
    const usage = measure('./pan', ['-m100000', '-w26'], dir);
    const stored = Number(/(\d+) states, stored/.exec(usage.stdout)?.[1]);
    if (stored !== tpcStates(rms) || !/errors: 0\b/.test(usage.stdout)) throw new Error(`SPIN rms=${rms}: stored ${stored} states, output:\n${usage.stdout}`);
    return usage;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
const ratio = (ours: number, theirs: number) => `${(ours / theirs).toFixed(2)}×`;
const mb = (x: number | null) => (x === null ? '—' : String(x));

function startupRows(): string[][] {
  const median = (args: string[]) => {
    const runs = Array.from({ length: 5 }, () => measure(process.execPath, [BIN, ...args]).seconds).sort((a, b) => a - b);
    return runs[2];
  };
  return [
    ['faultline --version', median(['--version']).toFixed(3), '≤ 0.25'],
    ['faultline list', median(['list']).toFixed(3), '≤ 0.4'],
  ];
}

async function main(): Promise<void> {
  buildIfStale();
  const wanted = process.argv.slice(2);
  const selected = wanted.length > 0 ? cases.filter((c) => wanted.includes(c.name)) : cases.filter((c) => !c.manual);
  const withSpin = has('spin') && has('gcc');
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  process.stdout.write(
    `faultline bench · ${new Date().toISOString().slice(0, 10)} · ${cpu} × ${cpus().length} · Node ${process.version} · ` +
      `load ${loadavg()[0].toFixed(2)} at start\n`,
  );
  process.stdout.write(withSpin ? 'SPIN: run side by side (spin -a, gcc -O2 -DSAFETY, ./pan -m100000 -w26)\n\n' : 'SPIN: not installed (apt-get install -y spin gcc), no side-by-side run\n\n');

  const rows: string[][] = [];
  const search = new Map<string, number>();
  for (const c of selected) {
    process.stderr.write(`running ${c.name} …\n`);
    const started = performance.now();
    const ours: Usage = c.args ? measure(process.execPath, [BIN, ...c.args]) : { seconds: 0, peakMB: null, stdout: 'null' };
    const f = await c.figures(JSON.parse(ours.stdout));
    const wall = c.args ? ours.seconds : (performance.now() - started) / 1000;
    search.set(c.name, f.searchSeconds);
    const notes = [f.notes ?? ''];
    // The liveness case against the safety-only run of the same instance (target: at most 3×).
    const safety = search.get(c.name.replace(/-live$/, ''));
    if (c.name.endsWith('-live') && safety !== undefined) notes.push(`search ${ratio(f.searchSeconds, safety)} the safety-only run`);
    // Two workers against one on the same instance, run just before.
    const oneWorker = search.get(c.name.replace(/-w2$/, '-w1'));
    if (c.name.endsWith('-w2') && oneWorker !== undefined) notes.push(`${ratio(oneWorker, f.searchSeconds)} faster than 1 worker (one run; the goal is judged on the interleaved rounds below)`);
    if (c.peakGoalMB !== undefined && ours.peakMB !== null) notes.push(`peak ${ours.peakMB <= c.peakGoalMB ? 'within' : 'OVER'} the ${c.peakGoalMB} MB goal`);
    let spinCells = ['—', '—', '—', '—'];
    if (withSpin && c.rms !== undefined) {
      process.stderr.write(`running SPIN rms=${c.rms} …\n`);
      const theirs = spin(c.rms);
      spinCells = [
        theirs.seconds.toFixed(2),
        mb(theirs.peakMB),
        ratio(wall, theirs.seconds),
        ours.peakMB === null || theirs.peakMB === null ? '—' : ratio(ours.peakMB, theirs.peakMB),
      ];
    }
    const tlc = c.rms === undefined ? undefined : TLC_SECONDS[c.rms];
    rows.push([
      c.what,
      f.distinct.toLocaleString('en-US'),
      f.generated.toLocaleString('en-US'),
      f.searchSeconds.toFixed(2),
      wall.toFixed(2),
      mb(ours.peakMB),
      ...spinCells,
      tlc === undefined ? '—' : `${tlc.toFixed(1)} s`,
      notes.filter(Boolean).join('; '),
    ]);
  }
  if (rows.length > 0) {
    process.stdout.write(
      markdownTable(
        [
          ['case', 'distinct', 'generated', 'search s', 'process s', 'peak MB', 'SPIN s', 'SPIN MB', 'ours/SPIN time', 'ours/SPIN memory', 'TLC 1 worker (reference)', 'notes'],
          ...rows,
        ],
        { align: ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'] },
      ) + '\n\n',
    );
  }
  if (wanted.length === 0 || wanted.includes('goals')) process.stdout.write(speedGoals(withSpin) + '\n\n');
  process.stdout.write(markdownTable([['start-up', 'seconds (median of 5)', 'goal'], ...startupRows()], { align: ['l', 'r', 'r'] }) + '\n');
}

/** Rounds of the interleaved speed-goal runs (`BENCH_ROUNDS`). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

/**
 * The two speed goals of parallel search on two-phase-commit rms=8, measured in interleaved
 * rounds: one worker, two workers, all cores and SPIN one after the other, so that each round's
 * ratios compare runs made within a minute of each other; the medians of the rounds' ratios are
 * the figures (a shared machine's speed drifts by ±20 % over minutes, more than the effects measured).
 */
function speedGoals(withSpin: boolean): string {
  const rms = 8;
  const [one, two, all] = [tpc(rms, false, { workers: 1 }), tpc(rms, false, { workers: 2 }), tpc(rms, false)];
  const search = (c: Case) => {
    const usage = measure(process.execPath, [BIN, ...c.args!]);
    const f = c.figures(JSON.parse(usage.stdout)) as Figures;
    return { search: f.searchSeconds, wall: usage.seconds };
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const rows: string[][] = [];
  const speedUps: number[] = [];
  const versusSpin: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    process.stderr.write(`speed goals, round ${round} of ${ROUNDS} …\n`);
    const a = search(one);
    const b = search(two);
    const c = search(all);
    const theirs = withSpin ? spin(rms).seconds : null;
    speedUps.push(a.search / b.search);
    if (theirs !== null) versusSpin.push(c.wall / theirs);
    rows.push([String(round), a.search.toFixed(2), b.search.toFixed(2), ratio(a.search, b.search), c.wall.toFixed(2), theirs === null ? '—' : theirs.toFixed(2), theirs === null ? '—' : ratio(c.wall, theirs)]);
  }
  const speedUp = median(speedUps);
  const spinRatio = versusSpin.length > 0 ? median(versusSpin) : null;
  rows.push([
    'median',
    '',
    '',
    `${speedUp.toFixed(2)}× (goal ≥ 1.7×: ${speedUp >= 1.7 ? 'met' : 'not met'})`,
    '',
    '',
    spinRatio === null ? '—' : `${spinRatio.toFixed(2)}× (goal ≤ 2.0×: ${spinRatio <= 2 ? 'met' : 'not met'})`,
  ]);
  return (
    `Speed goals, two-phase-commit rms=${rms} (safety only), ${ROUNDS} interleaved rounds:\n\n` +
    markdownTable([['round', '1 worker search s', '2 workers search s', 'speed-up', 'all cores process s', 'SPIN s', 'ours/SPIN'], ...rows], {
      align: ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
    })
  );
}

await main();
