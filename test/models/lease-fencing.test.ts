import { describe, expect, it } from 'vitest';
import { definition, type LeaseWorld } from '../../models/lease-fencing/index.ts';
import { check } from '../../src/explore/check.ts';
import { instantiate } from '../../src/model/definition.ts';
import { InputError } from '../../src/model/errors.ts';
import { faultline } from '../support/cli.ts';
import { firstFailure, replay } from '../support/scenario.ts';

const build = (variant: string, opts: { lease?: number; margin?: number; system?: string; faults?: Record<string, string> } = {}) =>
  instantiate(definition, { params: { lease: opts.lease ?? 1, margin: opts.margin ?? 0 }, variant, system: opts.system, faults: opts.faults });

const MONOTONE = 'accepted-tokens-never-decrease';
const UNIQUE = 'one-client-per-token';
const EXCLUSIVE = 'lease-exclusivity';

const statuses = (r: ReturnType<typeof check>) => Object.fromEntries(r.properties.map((p) => [p.name, p.status]));
const shortest = (r: ReturnType<typeof check>) => r.violations[0].trace!.steps.length - 1;

/** Acquire → the lock grants token `token` → the client holds it (3 steps). */
const grant = (c: string, token: number) => [`${c}: acquire`, `deliver Acquire ${c}→lock`, `deliver Grant(token=${token}) lock→${c}`];
/** Check the lease, write when the write timer fires, storage receives it (3 steps). */
const write = (c: string, token: number) => [`${c}: checkLease`, `${c}: timer write`, `deliver Write(token=${token}) ${c}→storage`];
const ticks = (n: number) => Array<string>(n).fill('tick');

describe('lease-fencing: fencing tokens keep storage safe', () => {
  for (const system of ['pauses-and-restarts', 'pauses', 'drifting-clocks', 'lock-restarts']) {
    it(`fenced holds under ${system}; the lease passes between clients`, () => {
      const r = check(build('fenced', { system }));
      expect(r.verdict).toBe('holds');
      expect(statuses(r)['both-clients-write']).toBe('holds');
    });
  }

  it('under pauses a zombie write is actually rejected (the fence does the work)', () => {
    expect(statuses(check(build('fenced', { system: 'pauses' })))['stale-write-rejected']).toBe('holds');
  });

  it('a lease without fencing is safe in a synchronous system without pauses or drift (skew alone is harmless)', () => {
    expect(check(build('unfenced', { system: 'pauses', faults: { pause: '0' } })).verdict).toBe('holds');
    expect(check(build('unfenced', { system: 'drifting-clocks', faults: { drift: '0' } })).verdict).toBe('holds');
  });

  it('…but not when messages may be delayed across ticks (asynchronous timing): a delayed write is a zombie too', () => {
    const r = check(build('unfenced', { system: 'pauses', faults: { pause: '0', timing: 'async' } }));
    expect(r.verdict).toBe('violated');
    expect(r.violations[0].property).toBe(MONOTONE);
  });

  it('a run without clocks ends only once both clients have written; a lock service down for good is a deadlock (3 steps)', () => {
    // Without clocks every lease check passes and the lease always runs out, so each client gets
    // to write: the protocol's legal end. If the lock crashes and never returns, the clients wait
    // for a grant that never comes. Shortest: each client asks (an idle client can always ask),
    // and the lock crashes (the one crash allowed; had a client or storage crashed, others could still act).
    const r = check(build('fenced', { system: 'asynchronous' }), { all: true });
    expect(r.verdict).toBe('holds');
    expect(statuses(r)['deadlock']).toBe('holds');
    const down = check(build('fenced', { system: 'asynchronous', faults: { crash: '1' } }));
    expect(down.violations.map((v) => v.property)).toEqual(['deadlock']);
    expect(shortest(down)).toBe(3);
    expect(down.violations[0].trace!.steps[3].action).toBe('crash lock');
  });

  it('rejects a margin that leaves no usable lease', async () => {
    expect(() => build('fenced', { lease: 2, margin: 2 })).toThrow(InputError);
    expect((await faultline('check', 'lease-fencing', '--param', 'margin=1')).code).toBe(2);
  });
});

describe('lease-fencing: counterexamples replayed from the literature', () => {
  // Kleppmann 2016, "unsafe lock": client 1 gets the lease, checks it, stops for a GC pause; the
  // lease expires, client 2 gets it and writes; client 1 wakes and writes with its old token.
  // Minimal: two grants (3 steps each), two writes (3 each), the lock's expiry timer, `lease`
  // ticks for it to fire (clocks do not drift here), and the pause and resume — without a pause
  // c1's write follows its check within the tick, before the lease can pass on: 15 + lease.
  const zombie = (lease: number) => [
    ...grant('c1', 1),
    'c1: checkLease',
    'pause c1',
    ...ticks(lease),
    'lock: timer expire',
    ...grant('c2', 2),
    ...write('c2', 2),
    'resume c1',
    'c1: timer write',
    'deliver Write(token=1) c1→storage',
  ];

  for (const lease of [1, 2, 3]) {
    it(`unfenced (lease ${lease}): the paused zombie writes token 1 after token 2, in 15 + ${lease} steps`, () => {
      const m = build('unfenced', { lease, faults: { 'max-time': String(Math.max(2, lease)) } });
      const labels = zombie(lease);
      expect(firstFailure(m, replay(m, labels))).toEqual({ step: labels.length, properties: [MONOTONE] });
      const r = check(m);
      expect(r.violations[0].property).toBe(MONOTONE);
      expect(shortest(r)).toBe(15 + lease);
    });
  }

  it('fenced: the same zombie write is rejected and storage stays safe', () => {
    const m = build('fenced', { system: 'pauses' });
    const run = replay(m, zombie(1));
    expect(firstFailure(m, run)).toBeNull();
    const storage = (run.states[run.states.length - 1] as LeaseWorld).node('storage');
    expect(storage).toEqual({ accepted: [{ token: 2, client: 'c2' }], rejected: [{ token: 1, client: 'c1' }] });
  });

  it('lease-exclusivity: with fencing, two clients still act on a lease at once (10 + lease steps); storage stays safe', () => {
    // The zombie scenario up to c2's lease check; minimal for the reasons above, minus the writes.
    const m = build('lease-exclusivity');
    const labels = [...grant('c1', 1), 'c1: checkLease', 'pause c1', 'tick', 'lock: timer expire', ...grant('c2', 2), 'c2: checkLease'];
    expect(firstFailure(m, replay(m, labels))).toEqual({ step: labels.length, properties: [EXCLUSIVE] });
    const r = check(m, { all: true });
    expect(r.violations.map((v) => v.property)).toEqual([EXCLUSIVE]);
    expect(shortest(r)).toBe(11);
    expect(statuses(r)).toMatchObject({ [MONOTONE]: 'holds', [UNIQUE]: 'holds', 'stale-write-rejected': 'holds' });
  });

  it('token-counter-not-durable: a restarted lock service issues token 1 again (14 steps, no time needed)', () => {
    // Minimal: two grants and two writes (12 steps) and the crash and recovery that reset the counter.
    const m = build('token-counter-not-durable');
    const labels = [...grant('c1', 1), ...write('c1', 1), 'crash lock', 'recover lock', ...grant('c2', 1), ...write('c2', 1)];
    expect(firstFailure(m, replay(m, labels))).toEqual({ step: 14, properties: [UNIQUE] });
    const r = check(m);
    expect(r.violations[0].property).toBe(UNIQUE);
    expect(shortest(r)).toBe(14);
    // With the counter on disk the same restart hands out token 2, and storage fences c1.
    expect(check(build('fenced', { system: 'lock-restarts' })).verdict).toBe('holds');
  });

  it('drifting-clock-no-margin: c1\'s clock loses a tick, it still trusts its lease after c2 got it (14 steps)', () => {
    // Clocks start exact; in the one tick c1's clock stands still (offset 0 → -1), so at time 1 the
    // lock service has expired the lease and granted it to c2, while c1 still reads 0 < expiry 1.
    // Minimal: two grants, two writes, the expiry timer and at least one tick.
    const m = build('drifting-clock-no-margin');
    const exact = (w: LeaseWorld) => w.ids.every((id) => w.clock(id) === 0);
    const labels = [...grant('c1', 1), 'tick (offsets 0 -1 0 0)', 'lock: timer expire', ...grant('c2', 2), ...write('c2', 2), ...write('c1', 1)];
    expect(firstFailure(m, replay(m, labels, exact))).toEqual({ step: 14, properties: [MONOTONE] });
    const r = check(m);
    expect(r.violations[0].property).toBe(MONOTONE);
    expect(shortest(r)).toBe(14);
  });
});

/**
 * An independent account of drift without pauses, in clock arithmetic only. The lock grants at
 * tick g (c1 asked in that tick, under bounded timing), arms its timer for its clock reading + lease
 * and fires it at the first tick G its clock reaches that; c2 asks then, gets the lease and writes.
 * c1 believes its lease valid while its clock reads below its reading at g + lease − margin. The
 * unfenced protocol breaks iff c1 can still believe so at some tick t ≥ G (≤ maxTime). Offsets
 * stay within ±skew and move by at most `drift` per tick.
 */
function driftBreaksLease(lease: number, margin: number, maxTime: number, skew = 1, drift = 1): boolean {
  let trajectories: number[][] = [];
  for (let o = -skew; o <= skew; o++) trajectories.push([o]);
  for (let t = 1; t <= maxTime; t++) {
    trajectories = trajectories.flatMap((tr) => {
      const last = tr[tr.length - 1];
      const out: number[][] = [];
      for (let o = Math.max(-skew, last - drift); o <= Math.min(skew, last + drift); o++) out.push([...tr, o]);
      return out;
    });
  }
  for (let g = 0; g <= maxTime; g++) {
    for (const lock of trajectories) {
      const deadline = g + lock[g] + lease;
      let expired = -1;
      for (let t = g; t <= maxTime && expired < 0; t++) if (t + lock[t] >= deadline) expired = t;
      if (expired < 0) continue;
      for (const c1 of trajectories) {
        for (let t = expired; t <= maxTime; t++) if (t + c1[t] < g + c1[g] + lease - margin) return true;
      }
    }
  }
  return false;
}

describe('lease-fencing: the drift margin, against clock arithmetic', () => {
  it('the arithmetic itself: no drift, no break; skew ±1 drifting 1/tick can eat 4 ticks of a lease', () => {
    expect(driftBreaksLease(3, 0, 5, 1, 0)).toBe(false);
    expect(driftBreaksLease(5, 3, 5)).toBe(true);
    expect(driftBreaksLease(5, 4, 5)).toBe(false);
  });

  for (const [lease, margin, maxTime] of [
    [1, 0, 2],
    [2, 1, 2],
    [3, 2, 3],
    // The break of lease 5 with margin 3 needs no more than 3 ticks: a shorter horizon is a
    // smaller space and no weaker a counterexample.
    [5, 3, 3],
    [5, 4, 5],
  ]) {
    const breaks = driftBreaksLease(lease, margin, maxTime);
    it(`lease ${lease}, margin ${margin}, time to ${maxTime}: storage is ${breaks ? 'corrupted' : 'safe'} without fencing`, () => {
      // Only the properties asserted on: a break ends the search at its first violation.
      const properties = breaks ? [MONOTONE] : [MONOTONE, 'both-clients-write'];
      const r = check(build('drifting-clock-no-margin', { lease, margin, faults: { 'max-time': String(maxTime) } }), { properties });
      expect(statuses(r)[MONOTONE]).toBe(breaks ? 'violated' : 'holds');
      if (!breaks) expect(statuses(r)['both-clients-write']).toBe('holds');
    }, 30_000);
  }
});
