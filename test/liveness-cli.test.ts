import { describe, expect, it } from 'vitest';
import { describeModel } from '../src/cli/list.ts';
import { definition as lossyLink } from './fixtures/lossy-link.ts';
import { faultline } from './support/cli.ts';

const FIXTURE = 'test/fixtures/lossy-link.ts';

describe('faultline check with liveness properties', () => {
  it('prints a lasso: where the loop starts, where it returns, and which fairness it respects (exit 1)', async () => {
    const r = await faultline('check', FIXTURE, '--variant', 'weak-delivery');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('fairness: weak:local,weak:deliver');
    expect(r.stdout).toContain('✗ delivered (eventually) violated in');
    expect(r.stdout).toContain('↻ loop starts here');
    expect(r.stdout).toMatch(/↻ back to step \d+/);
    expect(r.stdout).toContain('respects weak:local — taken on the loop: send m');
    expect(r.stdout).toContain('respects weak:deliver — not enabled throughout the loop: deliver m sender→receiver');
  });

  it('puts loopStart and the loop description in --json, the loop returning to its first state', async () => {
    const r = await faultline('check', FIXTURE, '--variant', 'weak-delivery', '--all', '--json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.fairness).toBe('weak:local,weak:deliver');
    expect(out.properties.map((p: { kind: string; status: string }) => [p.kind, p.status])).toEqual([
      ['eventually', 'violated'],
      ['leadsTo', 'violated'],
      ['deadlock', 'holds'],
    ]);
    for (const v of out.violations) {
      const { steps, loopStart } = v.trace;
      expect(loopStart).toEqual(expect.any(Number));
      expect(steps.length - 1 - loopStart).toBe(v.liveness.loopLength);
      expect(steps[steps.length - 1].state).toEqual(steps[loopStart].state);
      expect(steps.slice(loopStart + 1).map((s: { kind: string }) => s.kind)).toContain('drop');
    }
    expect(out.warnings).toEqual([]);
  });

  it('holds under strong fairness on delivery (exit 0), and says that only behaviours that stop were checked', async () => {
    const r = await faultline('check', FIXTURE, '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.verdict).toBe('holds');
    expect(out.warnings).toHaveLength(2);
    for (const w of out.warnings) expect(w).toMatch(/no fair infinite behaviour exists/);
  });

  it('--fairness replaces the model’s fairness', async () => {
    expect((await faultline('check', FIXTURE, '--fairness', 'none')).code).toBe(1);
    expect((await faultline('check', FIXTURE, '--variant', 'weak-delivery', '--fairness', 'weak:local,strong:deliver')).code).toBe(0);
    expect((await faultline('check', FIXTURE, '--fairness', 'strong:*')).code).toBe(0);
    // Strong fairness on drop as well: the loop send, drop still takes every class it enables.
    expect((await faultline('check', FIXTURE, '--fairness', 'weak:local,strong:drop')).code).toBe(1);
  });

  it('exits 3 with a warning naming the bound when a bound cuts the graph', async () => {
    const r = await faultline('check', FIXTURE, '--max-depth', '1');
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/⚠ liveness unknown for delivered, in-flight-leads-to-delivered: the search was cut by the depth bound \(--max-depth\)/);
    const dfs = await faultline('check', FIXTURE, '--strategy', 'dfs', '--json');
    expect(dfs.code).toBe(3);
    expect(JSON.parse(dfs.stdout).warnings[0]).toMatch(/checked only with --strategy bfs/);
  });

  it('exits 2 with one line on a malformed --fairness', async () => {
    const r = await faultline('check', FIXTURE, '--fairness', 'weak:deliver/each');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual(['faultline: --fairness entry "weak:deliver/each": per must be action, node or all, got "each"']);
  });
});

describe('faultline list', () => {
  it('lists liveness properties with their kind', () => {
    expect(describeModel(lossyLink).properties).toEqual([
      { name: 'delivered', kind: 'eventually' },
      { name: 'in-flight-leads-to-delivered', kind: 'leadsTo' },
      { name: 'deadlock', kind: 'deadlock' },
    ]);
  });
});
