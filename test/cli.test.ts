import { describe, expect, it } from 'vitest';
import { faultline } from './support/cli.ts';

describe('faultline check', () => {
  it('proves two-phase-commit at rms=5 with 8832 distinct states (exit 0)', () => {
    const r = faultline('check', 'two-phase-commit', '--param', 'rms=5', '--json');
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

  it('exits 1 with a readable trace for a buggy variant', () => {
    const r = faultline('check', 'two-phase-commit', '--variant', 'commit-on-some-prepared');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('consistency (always) violated in');
    expect(r.stdout).toMatch(/\d\. \[local\] tm: commit/);
    expect(r.stdout).toMatch(/deliver Commit tm→rm\d/);
    expect(r.stdout).toContain('verdict: violated');
  });

  it('exits 3 and names the bound when the search is cut', () => {
    const r = faultline('check', 'two-phase-commit', '--max-depth', '3', '--json');
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout);
    expect(out.verdict).toBe('incomplete');
    expect(out.cutBy).toBe('max-depth');
  });

  it('prints and honours the seed of a random simulation', () => {
    const a = faultline('check', 'two-phase-commit', '--variant', 'prepared-rm-aborts', '--strategy', 'random', '--seed', '7', '--json');
    const b = faultline('check', 'two-phase-commit', '--variant', 'prepared-rm-aborts', '--strategy', 'random', '--seed', '7', '--json');
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
    it(`exits 2 with one line on ${what}`, () => {
      const r = faultline(...args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    });
  }

  it("loads a model module by path (README's example)", () => {
    const r = faultline('check', 'test/fixtures/counter.ts', '--param', 'max=4', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.stats.distinctStates).toBe(5); // values 0..4
    expect(out.stats.depth).toBe(5);
  });

  it('prints the stack trace with --debug', () => {
    const r = faultline('check', 'test/fixtures/throwing-model.ts', '--debug');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/at /);
  });
});

describe('faultline list', () => {
  it('describes every model with params, variants and property kinds', () => {
    const r = faultline('list', '--json');
    expect(r.code).toBe(0);
    const models = JSON.parse(r.stdout);
    const tpc = models.find((m: { name: string }) => m.name === 'two-phase-commit');
    expect(tpc.params).toEqual([{ name: 'rms', default: 3, description: expect.any(String) }]);
    expect(tpc.variants[0]).toEqual({ name: 'default', expect: 'holds', description: expect.any(String) });
    expect(tpc.variants.filter((v: { expect: string }) => v.expect === 'violated').length).toBeGreaterThanOrEqual(2);
    expect(tpc.properties).toContainEqual({ name: 'consistency', kind: 'always' });
    expect(tpc.properties).toContainEqual({ name: 'commit-happens', kind: 'sometimes' });
  });
});
