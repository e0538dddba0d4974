import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { models } from '../models/index.ts';
import { runInfo, type CheckCommandOptions } from '../src/cli/check.ts';
import { InputError } from '../src/model/errors.ts';
import { buildRun, type RunInfo } from '../src/model/run.ts';
import { cells, parseAxes, parseAxis } from '../src/sweep/axes.ts';
import { counterexampleLength, runSweep, type CellBuilder } from '../src/sweep/sweep.ts';
import { faultline } from './support/cli.ts';

const generals = models.find((m) => m.name === 'byzantine-generals')!;

/** The CLI's way of turning a cell into a run and a model. */
const builder = (o: Partial<CheckCommandOptions> = {}): CellBuilder<RunInfo> => {
  const options: CheckCommandOptions = { param: [], strategy: 'bfs', ...o };
  return {
    describe: (assignment) => runInfo(generals, { ...options, param: Object.entries(assignment).map(([k, v]) => `${k}=${v}`) }),
    build: (run) => buildRun(generals, run),
  };
};

describe('sweep axes', () => {
  it('parses ranges, lists and single values', () => {
    expect(parseAxis('n=3..7')).toEqual({ name: 'n', values: ['3', '4', '5', '6', '7'] });
    expect(parseAxis('f=2..2')).toEqual({ name: 'f', values: ['2'] });
    expect(parseAxis('order=ATTACK,RETREAT')).toEqual({ name: 'order', values: ['ATTACK', 'RETREAT'] });
    expect(parseAxis('m=f')).toEqual({ name: 'm', values: ['f'] });
    expect(parseAxis('x=-1..1').values).toEqual(['-1', '0', '1']);
  });

  it.each([
    ['n=5..3', /empty/],
    ['n=3...5', /two integers a\.\.b/],
    ['n=a..b', /two integers a\.\.b/],
    ['n=3..', /two integers a\.\.b/],
    ['n', /expects name=value/],
    ['=3', /expects name=value/],
    ['n=3,,4', /empty value/],
  ])('rejects %s', (item, message) => {
    expect(() => parseAxis(item)).toThrow(InputError);
    expect(() => parseAxis(item)).toThrow(message);
  });

  it('rejects a param given twice, and sweeps too large to mean', () => {
    expect(() => parseAxes(['n=3', 'n=4'])).toThrow(/given twice/);
    expect(() => parseAxes(['a=1..200', 'b=1..200'])).toThrow(/more than/);
  });

  it('spans the cartesian product, the first axis varying slowest', () => {
    const grid = cells(parseAxes(['n=3..4', 'f=1..2', 'order=ATTACK']));
    expect(grid).toEqual([
      { n: '3', f: '1', order: 'ATTACK' },
      { n: '3', f: '2', order: 'ATTACK' },
      { n: '4', f: '1', order: 'ATTACK' },
      { n: '4', f: '2', order: 'ATTACK' },
    ]);
    expect(cells([])).toEqual([{}]);
  });
});

describe('sweep engine', () => {
  it('the 3f+1 table at f = 1: OM(1) is violated at n = 3 and holds at n = 4, 5', () => {
    const rows = runSweep(parseAxes(['n=3..5', 'f=1']), builder());
    for (const row of rows) {
      const n = Number(row.assignment.n);
      // Lamport, Shostak & Pease, Theorem 1 and the 3-generals impossibility: OM(f) needs n ≥ 3f + 1.
      expect(row.result!.verdict, `n=${n}`).toBe(n >= 3 * 1 + 1 ? 'holds' : 'violated');
    }
    // The reduced OM counterexample: the commander's order, then one OM(0) step per lieutenant (1 + (n − 1)).
    expect(counterexampleLength(rows[0].result!)).toBe(3);
    expect(rows.map((r) => r.run.params.n)).toEqual([3, 4, 5]);
  });

  it('reports cells whose params make no sense as invalid, and runs the others', () => {
    const rows = runSweep(parseAxes(['n=2..3', 'f=2']), builder());
    expect(rows[0].invalid).toMatch(/f must be less than n/);
    expect(rows[0].result).toBeNull();
    expect(rows[1].result!.verdict).toBe('holds');
  });

  it('rejects params the model does not accept before checking any cell', () => {
    let checked = 0;
    expect(() => runSweep(parseAxes(['n=1..3']), builder(), {}, () => checked++)).toThrow(/must be ≥ 2/);
    expect(checked).toBe(0);
  });

  it('passes the variant and fixed params to every cell', () => {
    const rows = runSweep(parseAxes(['n=3..4', 'f=1', 'order=RETREAT']), builder({ variant: 'signed' }));
    expect(rows.map((r) => [r.run.variant, r.run.params.order, r.result!.verdict])).toEqual([
      ['signed', 'RETREAT', 'holds'],
      ['signed', 'RETREAT', 'holds'],
    ]);
  });
});

describe('faultline sweep', () => {
  it('--report writes one replayable report per violated cell, named after the cell', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweep-report-'));
    const r = await faultline('sweep', 'byzantine-generals', '--param', 'n=3..5', '--param', 'f=1', '--report', dir, '--json');
    expect(r.code).toBe(0);
    // OM(1) fails exactly below 3f + 1 = 4 generals: only the n = 3 cell has a counterexample.
    const violated = JSON.parse(r.stdout).filter((c: { verdict: string }) => c.verdict === 'violated');
    expect(violated).toHaveLength(1);
    expect(readdirSync(dir).sort()).toEqual(['html', 'json', 'md'].map((ext) => `byzantine-generals-oral-n=3-f=1.${ext}`));
    expect((await faultline('replay', join(dir, 'byzantine-generals-oral-n=3-f=1.json'))).code).toBe(0);
  });

  it('--json: one object per cell, with the trace shaped as in check --json', async () => {
    const r = await faultline('sweep', 'byzantine-generals', '--param', 'n=3..4', '--param', 'f=1', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toHaveLength(2);
    expect(out.map((c: { params: { n: number } }) => c.params.n)).toEqual([3, 4]);
    expect(out.map((c: { verdict: string }) => c.verdict)).toEqual(['violated', 'holds']);
    expect(out[0].counterexampleLength).toBe(3); // the order, then each of the 2 lieutenants' OM(0)
    expect(out[1].counterexampleLength).toBeNull();
    expect(out[0].distinctStates).toBeGreaterThan(0);
    const single = JSON.parse((await faultline('check', 'byzantine-generals', '--param', 'n=3', '--param', 'f=1', '--json')).stdout);
    expect(out[0].violations[0].trace).toEqual(single.violations[0].trace);
    expect(out[0].distinctStates).toBe(single.stats.distinctStates);
  });

  it('prints a Markdown table and the bound table of two swept params', async () => {
    const r = await faultline('sweep', 'byzantine-generals', '--param', 'n=3..4', '--param', 'f=1..2');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\| +n \| +f \| verdict +\| counterexample \| distinct states \| seconds \|/);
    expect(r.stdout).toMatch(/\| n \\ f \| 1 +\| 2 +\|/);
    expect(r.stdout).toMatch(/4 cells in [\d.]+ s/);
  });

  it('exits 0 with invalid cells, 2 when no cell is valid', async () => {
    const some = await faultline('sweep', 'byzantine-generals', '--param', 'n=2..3', '--param', 'f=2', '--json');
    expect(some.code).toBe(0);
    expect(JSON.parse(some.stdout).map((c: { verdict: string }) => c.verdict)).toEqual(['invalid', 'holds']);
    const none = await faultline('sweep', 'byzantine-generals', '--param', 'n=2', '--param', 'f=2..3');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no cell of the sweep is valid/);
  });

  it.each([
    ['a descending range', ['--param', 'n=5..3'], /empty/],
    ['a malformed range', ['--param', 'n=3..x'], /two integers/],
    ['an unknown param', ['--param', 'k=1..2'], /unknown param "k"/],
    ['a value out of range', ['--param', 'n=1..3'], /must be ≥ 2/],
    ['an unknown variant', ['--variant', 'carrier-pigeon'], /unknown variant/],
    ['an unknown property', ['--param', 'n=3..4', '--property', 'IC3'], /unknown property "IC3" \(properties: IC1, IC2, /],
  ])('exits 2 on %s', async (_what, args, message) => {
    const r = await faultline('sweep', 'byzantine-generals', ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('exits 2 when the model fails in a cell, after reporting every cell', async () => {
    const r = await faultline('sweep', 'test/fixtures/throwing-model.ts', '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject([{ verdict: 'error', reason: expect.stringMatching(/counter overflow/) }]);
    expect(r.stderr).toMatch(/the model failed in a cell/);
  });

  it('a single check of a cell that makes no sense exits 2', async () => {
    const r = await faultline('check', 'byzantine-generals', '--param', 'n=3', '--param', 'f=3');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/f must be less than n/);
  });
});
