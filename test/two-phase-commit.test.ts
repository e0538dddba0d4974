import { describe, expect, it } from 'vitest';
import { definition } from '../models/two-phase-commit/index.ts';
import { check } from '../src/explore/check.ts';
import { instantiate } from '../src/model/definition.ts';

const build = (rms: number, variant = 'default') => instantiate(definition, { params: { rms }, variant });

/**
 * An independent reference: TwoPhase as string-encoded states explored with a JS Set, returning
 * the number of steps to the nearest inconsistent state (or null) and the number of states.
 */
function reference(n: number, variant: string): { states: number; shortestInconsistent: number | null } {
  // state: rm states (W/P/C/A) · tm state (I/C/A) · tmPrepared bits · Prepared msg bits · commit msg · abort msg
  type St = { rm: string; tm: string; tp: string; pm: string; c: string; a: string };
  const key = (s: St) => `${s.rm}|${s.tm}|${s.tp}|${s.pm}|${s.c}|${s.a}`;
  const put = (str: string, i: number, ch: string) => str.slice(0, i) + ch + str.slice(i + 1);
  const succ = (s: St): St[] => {
    const out: St[] = [];
    const allPrepared = !s.tp.includes('0');
    const someone = s.tp.includes('1');
    if (s.tm === 'I' && (variant === 'commit-on-some-prepared' ? someone : allPrepared)) out.push({ ...s, tm: 'C', c: '1' });
    if (s.tm === 'I') out.push({ ...s, tm: 'A', a: '1' });
    for (let i = 0; i < n; i++) {
      if (s.tm === 'I' && s.pm[i] === '1') out.push({ ...s, tp: put(s.tp, i, '1') });
      if (s.rm[i] === 'W') out.push({ ...s, rm: put(s.rm, i, 'P'), pm: put(s.pm, i, '1') });
      if (s.rm[i] === 'W' || (variant === 'prepared-rm-aborts' && s.rm[i] === 'P')) out.push({ ...s, rm: put(s.rm, i, 'A') });
      if (s.c === '1') out.push({ ...s, rm: put(s.rm, i, 'C') });
      if (s.a === '1') out.push({ ...s, rm: put(s.rm, i, 'A') });
    }
    return out;
  };
  const zero = '0'.repeat(n);
  let frontier: St[] = [{ rm: 'W'.repeat(n), tm: 'I', tp: zero, pm: zero, c: '0', a: '0' }];
  const seen = new Set(frontier.map(key));
  let shortest: number | null = null;
  for (let d = 0; frontier.length > 0; d++) {
    if (shortest === null && frontier.some((s) => s.rm.includes('C') && s.rm.includes('A'))) shortest = d;
    const next: St[] = [];
    for (const s of frontier) for (const t of succ(s)) if (!seen.has(key(t))) (seen.add(key(t)), next.push(t));
    frontier = next;
  }
  return { states: seen.size, shortestInconsistent: shortest };
}

describe('two-phase-commit (Gray & Lamport TwoPhase)', () => {
  // n = 7 and 8 are checked against the same closed form by every `npm run bench`.
  for (let n = 1; n <= 6; n++) {
    it(`rms=${n}: 6^n + 4^n + 2^n distinct states, depth 3n+2, consistency holds`, () => {
      const r = check(build(n));
      expect(r.stats.distinctStates).toBe(6 ** n + 4 ** n + 2 ** n);
      expect(r.stats.depth).toBe(3 * n + 2);
      expect(r.verdict).toBe('holds');
    });
  }

  it('the reference enumerator agrees with the closed form', () => {
    for (let n = 1; n <= 4; n++) expect(reference(n, 'default').states).toBe(6 ** n + 4 ** n + 2 ** n);
  });

  // TwoPhase's own buggy variants, the ones the reference knows; the fault variants (timers,
  // presumed commit) are checked in test/models/two-phase-commit-faults.test.ts.
  const twoPhaseBugs = ['commit-on-some-prepared', 'prepared-rm-aborts'];
  for (const variant of definition.variants.filter((v) => v.expect === 'violated' && twoPhaseBugs.includes(v.name))) {
    for (const n of [2, 3, 4]) {
      it(`${variant.name} (rms=${n}) violates consistency with a shortest trace`, () => {
        const r = check(build(n, variant.name));
        const ref = reference(n, variant.name);
        expect(ref.shortestInconsistent).not.toBeNull();
        expect(r.verdict).toBe('violated');
        expect(r.violations[0].property).toBe('consistency');
        expect(r.violations[0].trace!.steps.length - 1).toBe(ref.shortestInconsistent);
      });
    }
  }

  it('witnesses that commit and abort both happen', () => {
    const r = check(build(3));
    const witnessed = r.properties.filter((p) => p.kind === 'sometimes');
    expect(witnessed.map((p) => p.status)).toEqual(['holds', 'holds']);
  });
});
