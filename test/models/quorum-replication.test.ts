import { describe, expect, it } from 'vitest';
import { definition, quorumReplicationProtocol, replicaIds } from '../../models/quorum-replication/index.ts';
import { check } from '../../src/explore/check.ts';
import { instantiate, resolveParams } from '../../src/model/definition.ts';
import { InputError } from '../../src/model/errors.ts';
import { compile } from '../../src/protocol/compile.ts';
import { NO_FAULTS } from '../../src/protocol/faults.ts';
import { faultline } from '../support/cli.ts';
import { firstFailing, replayStates } from '../support/scenario.ts';

const asynchronous = (n: number, r: number, w: number, writes = 1) => compile(quorumReplicationProtocol(n, r, w, writes), NO_FAULTS);

/**
 * A stale read when r + w ≤ n: the write reaches replicas r1…rw and is acknowledged by them; the
 * read then asks replicas r(w+1)…r(w+r), which the write has not reached, and returns version 0.
 */
function staleRead(n: number, r: number, w: number): string[] {
  const ids = replicaIds(n);
  const written = ids.slice(0, w);
  const readFrom = ids.slice(w, w + r);
  return [
    ...written.map((id) => `deliver Write(version=1) client→${id}`),
    ...written.map((id) => `deliver WriteAck(version=1) ${id}→client`),
    ...readFrom.map((id) => `deliver Read(read=1) client→${id}`),
    ...readFrom.map((id) => `deliver ReadReply(read=1, version=0) ${id}→client`),
  ];
}

describe('quorum-replication', () => {
  it('each variant shows what it expects at its defaults, with both witnesses where it holds', () => {
    for (const v of definition.variants) {
      const r = check(instantiate(definition, { params: resolveParams(definition, v, {}), variant: v.name }));
      expect(r.verdict, v.name).toBe(v.expect);
      if (v.expect === 'holds') expect(r.properties.every((p) => p.status === 'holds')).toBe(true);
      else expect(r.violations[0].property).toBe('no-stale-read');
    }
  });

  // Quorum intersection: if r + w > n, any r replicas and any w replicas share one (pigeonhole),
  // and that replica has the write before it answers the read; if r + w ≤ n, disjoint quorums
  // exist and the scenario above is a behaviour. So: violated exactly when r + w ≤ n.
  for (const n of [2, 3, 4]) {
    for (let r = 1; r <= n; r++) {
      for (let w = 1; w <= n; w++) {
        const stale = r + w <= n;
        it(`n=${n} r=${r} w=${w}: ${stale ? 'stale read in 2(r + w) steps' : 'no stale read'}`, () => {
          const model = asynchronous(n, r, w);
          const result = check(model);
          expect(result.verdict).toBe(stale ? 'violated' : 'holds');
          expect(result.properties.find((p) => p.name === 'replica-lags')?.status).toBe(w < n ? 'holds' : undefined);
          if (!stale) {
            expect(result.properties.find((p) => p.name === 'fresh-read')?.status).toBe('holds');
            // Without faults every broadcast gets all n answers and the client needs at most n of
            // them, so every run ends with every operation complete: no deadlock.
            expect(result.properties.find((p) => p.name === 'deadlock')?.status).toBe('holds');
            return;
          }
          const scenario = staleRead(n, r, w);
          expect(firstFailing(model, 'no-stale-read', replayStates(model, scenario))).toBe(scenario.length);
          // Shortest: the write completes after w acks, each after its own Write delivery (2w
          // steps); the read after r replies, each after its own Read delivery (2r). The scenario
          // has exactly those 2(r + w) steps, so BFS can find none shorter.
          expect(result.violations[0].trace!.steps.length - 1).toBe(2 * (r + w));
        });
      }
    }
  }

  it('a strict quorum holds with a lost message and with two writes', () => {
    const lossy = instantiate(definition, { params: { n: 3, r: 0, w: 0, writes: 1 }, variant: 'strict-quorum', system: 'lossy' });
    expect(check(lossy).verdict).toBe('holds');
    const twoWrites = instantiate(definition, { params: { n: 3, r: 0, w: 0, writes: 2 }, variant: 'strict-quorum' });
    expect(check(twoWrites).verdict).toBe('holds');
  });

  it('the variant checks its quorum rule: mismatched sizes are bad input', () => {
    const bad = (variant: string, r: number, w: number) => () =>
      instantiate(definition, { params: { n: 3, r, w, writes: 1 }, variant });
    expect(bad('strict-quorum', 1, 2)).toThrow(InputError);
    expect(bad('partial-quorum', 2, 2)).toThrow(InputError);
    expect(bad('partial-quorum', 4, 1)).toThrow(/at most n=3/);
    expect(() => bad('strict-quorum', 2, 2)()).not.toThrow();
  });

  it('from the command line a mismatched quorum is one line on stderr and exit 2', async () => {
    const run = await faultline('check', 'quorum-replication', '--param', 'r=1', '--param', 'w=1');
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/strict-quorum needs r \+ w > n/);
  });
});
