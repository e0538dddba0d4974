import { describe, expect, it } from 'vitest';
import { definition as byzantineGenerals } from '../models/byzantine-generals/index.ts';
import { definition as twoPhaseCommit } from '../models/two-phase-commit/index.ts';
import { PLAIN_PROGRESS_MS, progressLine } from '../src/cli/progress.ts';
import { check } from '../src/explore/check.ts';
import { selectProperties } from '../src/explore/properties.ts';
import { livenessProperties } from '../src/explore/liveness.ts';
import { instantiate } from '../src/model/definition.ts';
import { faultline } from './support/cli.ts';

describe('faultline check', () => {
  it('proves two-phase-commit at rms=5 with 8832 distinct states (exit 0)', async () => {
    const r = await faultline('check', 'two-phase-commit', '--param', 'rms=5', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.verdict).toBe('holds');
    expect(out.stats.distinctStates).toBe(6 ** 5 + 4 ** 5 + 2 ** 5);
    expect(out.params).toEqual({ rms: 5 });
    expect(out.properties.map((p: { name: string; status: string }) => [p.name, p.status])).toEqual([
      ['type-ok', 'holds'],
      ['consistency', 'holds'],
      ['every-participant-decides', 'holds'],
      ['commit-happens', 'holds'],
      ['abort-happens', 'holds'],
      ['deadlock', 'holds'],
    ]);
  });

  it('exits 1 with a readable trace for a buggy variant', async () => {
    const r = await faultline('check', 'two-phase-commit', '--variant', 'commit-on-some-prepared');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('consistency (always) violated in');
    expect(r.stdout).toMatch(/\d\. \[local\] tm: commit/);
    expect(r.stdout).toMatch(/deliver Commit tm→rm\d/);
    expect(r.stdout).toContain('verdict: violated');
  });

  it('exits 3 and names the bound when the search is cut', async () => {
    const r = await faultline('check', 'two-phase-commit', '--max-depth', '3', '--json');
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout);
    expect(out.verdict).toBe('incomplete');
    expect(out.cutBy).toBe('max-depth');
  });

  it('prints and honours the seed of a random simulation', async () => {
    const a = await faultline('check', 'two-phase-commit', '--variant', 'prepared-rm-aborts', '--strategy', 'random', '--seed', '7', '--json');
    const b = await faultline('check', 'two-phase-commit', '--variant', 'prepared-rm-aborts', '--strategy', 'random', '--seed', '7', '--json');
    const [ja, jb] = [JSON.parse(a.stdout), JSON.parse(b.stdout)];
    expect(ja.seed).toBe(7);
    expect(ja.violations).toEqual(jb.violations);
    expect(ja.stats.distinctStates).toBe(jb.stats.distinctStates);
  });

  const bad: [string, string[], RegExp][] = [
    ['unknown model', ['check', 'no-such-model'], /unknown model "no-such-model"/],
    ['unknown variant', ['check', 'two-phase-commit', '--variant', 'nope'], /unknown variant "nope"/],
    ['unknown param', ['check', 'two-phase-commit', '--param', 'n=3'], /unknown param "n"/],
    ['unparsable value', ['check', 'two-phase-commit', '--param', 'rms=three'], /must be an integer/],
    ['out-of-range value', ['check', 'two-phase-commit', '--param', 'rms=0'], /must be ≥ 1/],
    ['malformed param', ['check', 'two-phase-commit', '--param', 'rms'], /expects name=value/],
    ['unknown option', ['check', 'two-phase-commit', '--frobnicate'], /unknown option/],
    ['bad strategy', ['check', 'two-phase-commit', '--strategy', 'astar'], /astar/],
    ['bad bound', ['check', 'two-phase-commit', '--max-depth', '-1'], /non-negative integer/],
    ['missing model file', ['check', 'nowhere/model.ts'], /not found/],
    ['a model that throws', ['check', 'test/fixtures/throwing-model.ts'], /threw.*counter overflow/],
  ];
  for (const [what, args, message] of bad) {
    it(`exits 2 with one line on ${what}`, async () => {
      const r = await faultline(...args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    });
  }

  it("loads a model module by path (README's example)", async () => {
    const r = await faultline('check', 'test/fixtures/counter.ts', '--param', 'max=4', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.stats.distinctStates).toBe(5); // values 0..4
    expect(out.stats.depth).toBe(5);
  });

  it('prints the stack trace with --debug', async () => {
    const r = await faultline('check', 'test/fixtures/throwing-model.ts', '--debug');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/at /);
  });
});

describe('check --property', () => {
  const tpcStates = (n: number) => 6 ** n + 4 ** n + 2 ** n;

  it('checks only the named properties, in the model\'s order; the space explored is the same', async () => {
    const r = await faultline('check', 'two-phase-commit', '--property', 'consistency', '--property', 'type-ok', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.properties.map((p: { name: string; status: string }) => [p.name, p.status])).toEqual([
      ['type-ok', 'holds'],
      ['consistency', 'holds'],
    ]);
    expect(out.stats.distinctStates).toBe(tpcStates(3));
  });

  it('a safety-only selection of a model with liveness checks no liveness: no state graph, no fairness', () => {
    const model = instantiate(twoPhaseCommit, { params: { rms: 2 }, variant: 'default' });
    expect(livenessProperties(model).map((p) => p.name)).toEqual(['every-participant-decides']);
    const selected = selectProperties(model, ['consistency']);
    expect(livenessProperties(selected)).toEqual([]);
    const all = check(model);
    const safety = check(model, { properties: ['consistency'] });
    expect(all.fairness).toBeDefined();
    expect(safety.fairness).toBeUndefined();
    expect(safety.properties.map((p) => p.name)).toEqual(['consistency']);
    expect(safety.stats.distinctStates).toBe(all.stats.distinctStates);
  });

  it('deadlock is checked only when named: a lost message deadlocks 2PC, its consistency still holds', async () => {
    const lossy = ['two-phase-commit', '--param', 'rms=2', '--system', 'lossy'];
    expect((await faultline('check', ...lossy)).code).toBe(1);
    expect((await faultline('check', ...lossy, '--property', 'consistency')).code).toBe(0);
    const deadlock = await faultline('check', ...lossy, '--property', 'deadlock', '--json');
    expect(deadlock.code).toBe(1);
    expect(JSON.parse(deadlock.stdout).violations.map((v: { kind: string }) => v.kind)).toEqual(['deadlock']);
  });

  it('exits 2 with one line naming an unknown property and the known ones', async () => {
    const r = await faultline('check', 'two-phase-commit', '--property', 'consistensy');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([
      'faultline: unknown property "consistensy" (properties: type-ok, consistency, every-participant-decides, commit-happens, abort-happens, deadlock)',
    ]);
  });
});

describe('progress on stderr', () => {
  const progress = (elapsedMs: number) => ({ distinctStates: elapsedMs, generatedStates: 2 * elapsedMs, depth: 3, queue: 7, elapsedMs });

  it('when stderr is not a terminal: one plain line every 10 s of search, none with --quiet', async () => {
    const lines: string[] = [];
    const plain = await progressLine(true, { isTTY: false, write: (s) => lines.push(s) });
    for (let t = 0; t <= 25_000; t += 500) plain.update!(progress(t));
    plain.done();
    expect(lines).toEqual([
      `progress: 10,000 states · 1,000 states/s · depth 3 · queue 7 · 10.0 s\n`,
      `progress: 20,000 states · 1,000 states/s · depth 3 · queue 7 · 20.0 s\n`,
    ]);
    expect(PLAIN_PROGRESS_MS).toBe(10_000);
    const quiet = await progressLine(false, { isTTY: false, write: (s) => lines.push(s) });
    expect(quiet.update).toBeUndefined();
  });
});

describe('faultline list', () => {
  it('describes every model with params, variants and property kinds', async () => {
    const r = await faultline('list', '--json');
    expect(r.code).toBe(0);
    const models = JSON.parse(r.stdout);
    const tpc = models.find((m: { name: string }) => m.name === 'two-phase-commit');
    const [rms] = twoPhaseCommit.params;
    if (rms.kind !== 'int') throw new Error('rms is an int param');
    expect(tpc.params).toEqual([{ name: 'rms', kind: 'int', default: 3, min: rms.min, max: rms.max, description: rms.description }]);
    expect(tpc.variants[0]).toEqual({ name: 'default', expect: 'holds', description: expect.any(String) });
    expect(tpc.variants.filter((v: { expect: string }) => v.expect === 'violated').length).toBeGreaterThanOrEqual(2);
    expect(tpc.properties).toContainEqual({ name: 'consistency', kind: 'always' });
    expect(tpc.properties).toContainEqual({ name: 'commit-happens', kind: 'sometimes' });
  });

  it("shows each param's values: an integer's bounds, a string's choices, a boolean's two", async () => {
    const r = await faultline('list');
    expect(r.code).toBe(0);
    const [rms] = twoPhaseCommit.params;
    if (rms.kind !== 'int') throw new Error('rms is an int param');
    expect(r.stdout).toContain(`rms=3 (${rms.min}..${rms.max})`);
    const order = byzantineGenerals.params.find((p) => p.name === 'order')!;
    if (order.kind !== 'oneOf') throw new Error('order is a oneOf param');
    expect(r.stdout).toContain(`order=${order.default} (${order.choices.join('/')})`);
    expect(r.stdout).toContain('reduce=true (true/false)');
  });

  it('lists one model given by name: params with values, variants, properties and systems', async () => {
    const r = await faultline('list', 'two-phase-commit');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\| rms +\| 3 +\| 1\.\.29 +\| number of resource managers \(past 9, practical only with --symmetry\) \|/);
    for (const v of twoPhaseCommit.variants) expect(r.stdout).toMatch(new RegExp(`\\| ${v.name} +\\| ${v.expect} +\\|`));
    for (const s of twoPhaseCommit.systems!) expect(r.stdout).toMatch(new RegExp(`\\| ${s.name} +\\|`));
    expect(r.stdout).toMatch(/\| every-participant-decides +\| eventually +\|/);
  });

  it('lists a model given by path, as check loads it (--json: one object)', async () => {
    const r = await faultline('list', 'test/fixtures/counter.ts', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      name: 'counter',
      description: 'a counter that counts up to max',
      params: [{ name: 'max', kind: 'int', default: 3, min: 1, description: 'largest value' }],
      variants: [{ name: 'default', expect: 'holds', description: 'the model as written' }],
      properties: [
        { name: 'bounded', kind: 'always' },
        { name: 'reaches-max', kind: 'sometimes' },
        { name: 'deadlock', kind: 'deadlock' },
      ],
    });
  });

  it('exits 2 with one line on an unknown model or a missing file', async () => {
    for (const name of ['no-such-model', 'nowhere/model.ts']) {
      const r = await faultline('list', name);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
