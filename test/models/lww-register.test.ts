import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { protocol, role } from 'faultline';
import { convergesWhenQuiet } from 'faultline/invariants';
import { compareStamps, definition, held, hlcLocal, hlcReceive, type LwwWorld as World } from '../../models/lww-register/index.ts';
import { check } from '../../src/explore/check.ts';
import { instantiate } from '../../src/model/definition.ts';
import { compile } from '../../src/protocol/compile.ts';
import { NO_FAULTS } from '../../src/protocol/faults.ts';
import { expectGenuineCounterexample } from '../support/liveness.ts';
import { firstFailure, replay } from '../support/scenario.ts';

const build = (variant: string, opts: { params?: Record<string, number>; system?: string; faults?: Record<string, string> } = {}) =>
  instantiate(definition, { params: { replicas: 2, writes: 1, ...opts.params }, variant, system: opts.system, faults: opts.faults });

const LOST = 'no-causally-later-write-lost';
const clocksAre = (r1: number, r2: number) => (w: World) => w.clock('r1') === r1 && w.clock('r2') === r2;

describe('lww-register: Lamport and hybrid logical clocks hold', () => {
  for (const variant of ['lamport', 'hlc']) {
    for (const system of ['skewed-clocks', 'synchronized-clocks']) {
      it(`${variant} holds under ${system}, every witness reached`, () => {
        const r = check(build(variant, { system }));
        expect(r.verdict).toBe('holds');
        expect(r.properties.filter((p) => p.kind === 'sometimes').map((p) => p.status)).toEqual(['holds', 'holds']);
      });
    }
    it(`${variant} holds with two increments per replica`, () => {
      expect(check(build(variant, { params: { writes: 2 } })).verdict).toBe('holds');
    });
  }

  it('lamport holds with three replicas', () => {
    expect(check(build('lamport', { params: { replicas: 3 } })).verdict).toBe('holds');
  });

  it('an HLC stamp exceeds its process\'s previous stamp and every stamp it received, and l never lags physical time', () => {
    // Events at two processes: a local event at physical time pt, or a receive of the other's last stamp.
    const event = fc.record({ at: fc.integer({ min: 0, max: 1 }), receive: fc.boolean(), pt: fc.integer({ min: -2, max: 6 }) });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), (events) => {
        const clocks: [number, number][] = [
          [0, 0],
          [0, 0],
        ];
        for (const { at, receive, pt } of events) {
          const before = clocks[at];
          const other = clocks[1 - at];
          const after = receive ? hlcReceive(before, other, pt) : hlcLocal(before, pt);
          expect(compareStamps(after, before)).toBeGreaterThan(0);
          if (receive) expect(compareStamps(after, other)).toBeGreaterThan(0);
          expect(after[0]).toBeGreaterThanOrEqual(pt);
          clocks[at] = after;
        }
      }),
      { seed: 20161, numRuns: 300 },
    );
  });
});

describe('lww-register: wall-clock stamps lose causally later writes', () => {
  it('DDIA Figure 8-3: an increment at the replica with the slow clock loses to the value it read (3 steps, shortest)', () => {
    // r1's clock is 1 tick behind true time, r2's 1 ahead. Client B's increment at r1 reads x = 1
    // (written at r2, stamped 1) and stamps x = 2 with r1's clock, -1: last-write-wins keeps x = 1.
    // Minimal: a loss needs a write that read another (with one write per replica, a replicated one:
    // write, deliver, write), so no shorter counterexample exists.
    const m = build('wall-clock');
    const run = replay(m, ['r2: increment', 'deliver Replicate(id=r2.1, value=1, stamp=[1,r2,1], deps=[]) r2→r1', 'r1: increment'], clocksAre(-1, 1));
    expect(firstFailure(m, run)).toEqual({ step: 3, properties: [LOST] });
    const end = run.states[3];
    expect(held(end, 'r1')).toMatchObject({ id: 'r2.1', value: 1 });

    const r = check(m);
    expect(r.verdict).toBe('violated');
    expect(r.violations[0].property).toBe(LOST);
    expect(r.violations[0].trace!.steps.length - 1).toBe(3);
  });

  // With r1 at offset -s and r2 at +s, r2 writes at clock s; r1 reads it, waits k ticks and writes at
  // clock k - s. Last-write-wins drops r1's write iff [k - s, r1] < [s, r2], i.e. iff k ≤ 2s (at
  // k = 2s the stamps tie on time and r1 < r2). So skew 0 loses only a write made in the same tick.
  for (const skew of [0, 1]) {
    for (let k = 0; k <= 2 * skew + 1; k++) {
      const lost = k <= 2 * skew;
      it(`skew ${skew}: a causally later write made ${k} tick(s) after the one it read is ${lost ? 'lost' : 'kept'}`, () => {
        const m = build('wall-clock', { faults: { skew: String(skew), 'max-time': String(2 * skew + 1) } });
        const deliver = `deliver Replicate(id=r2.1, value=1, stamp=[${skew},r2,1], deps=[]) r2→r1`;
        const run = replay(m, ['r2: increment', deliver, ...Array<string>(k).fill('tick'), 'r1: increment'], clocksAre(-skew, skew));
        expect(firstFailure(m, run)).toEqual(lost ? { step: k + 3, properties: [LOST] } : null);
        // Logical stamps keep the later write whatever the clocks say.
        for (const variant of ['lamport', 'hlc']) {
          const logical = build(variant, { faults: { skew: String(skew), 'max-time': String(2 * skew + 1) } });
          const stamp = variant === 'lamport' ? '[1,r2]' : `[${Math.max(0, skew)},${skew > 0 ? 0 : 1},r2]`;
          const path = [`r2: increment`, `deliver Replicate(id=r2.1, value=1, stamp=${stamp}, deps=[]) r2→r1`, ...Array<string>(k).fill('tick'), 'r1: increment'];
          const r = replay(logical, path, clocksAre(-skew, skew));
          expect(firstFailure(logical, r)).toBeNull();
          expect(held(r.states[r.states.length - 1], 'r1')).toMatchObject({ id: 'r1.1', value: 2 });
        }
      });
    }
  }

  it('skew 0 is still violated, by a tie within one tick', () => {
    const r = check(build('wall-clock', { system: 'synchronized-clocks' }));
    expect(r.verdict).toBe('violated');
    const steps = r.violations[0].trace!.steps;
    expect(steps.length - 1).toBe(3);
    const labels = steps.slice(1).map((s) => s.action);
    expect(labels).not.toContain('tick');
  });

  it('wall-clock stamps still converge: last-write-wins is a total order', () => {
    const r = check(build('wall-clock'), { all: true });
    const status = Object.fromEntries(r.properties.map((p) => [p.name, p.status]));
    expect(status[LOST]).toBe('violated');
    expect(status['converges-when-quiet']).toBe('holds');
    expect(status['replicas-converge']).toBe('holds');
  });

  it('every run ends with every write taken and every message read: no deadlock, even without a time bound', () => {
    // Increments and deliveries are enabled while any is left, and both run out. Without clocks
    // (no system model) no time bound ends a run, so this is the model's own end-state rule at work.
    for (const variant of ['lamport', 'hlc', 'wall-clock']) {
      const r = check(build(variant, { system: 'none' }), { all: true });
      expect(r.properties.find((p) => p.name === 'deadlock')?.status, variant).toBe('holds');
    }
  });
});

/*
 * Liveness: once every replica has taken its writes, the replicas hold one version. No fairness
 * is declared: increments, messages and ticks all run out, so every behaviour is finite and stops
 * only with nothing in flight (every write has reached every replica, and the highest stamp won
 * everywhere). A lost message is never resent, which breaks it.
 */
describe('lww-register: replicas eventually converge once writes stop', () => {
  const converged = (w: World) => w.node('r1').writes === 1 && w.node('r2').writes === 1 && held(w, 'r1')?.id === held(w, 'r2')?.id;

  for (const variant of ['lamport', 'hlc']) {
    it(`${variant}: holds with no fairness assumed; the checker says every behaviour is finite`, () => {
      const r = check(build(variant), { fairness: [] });
      expect(r.verdict).toBe('holds');
      expect(r.warnings).toEqual([expect.stringContaining('every behaviour is finite')]);
    });

    it(`${variant}: one lost message leaves them apart for good — a run that stops at the horizon, in 4 + maxTime steps`, () => {
      // Shortest: both writes (2 steps); the higher-stamped one must be lost (1) and the other
      // delivered (1: the budget allows one loss, and a message in flight can still be delivered),
      // and the run stops only at the horizon (2 ticks).
      const model = build(variant, { faults: { drop: '1' } });
      const r = check(model, { all: true });
      const v = r.violations.find((x) => x.property === 'replicas-converge')!;
      const run = expectGenuineCounterexample(model, v, converged);
      expect(v.liveness!.end).toBe('terminal');
      expect(run.actions).toHaveLength(6);
      expect(run.labels.filter((l) => l === 'tick')).toHaveLength(2);
      expect(run.labels.filter((l) => l.startsWith('drop Replicate'))).toHaveLength(1);
    });
  }
});

describe('lww-register: the convergence property can fail', () => {
  // Two replicas that keep whichever write arrived last diverge when their writes cross.
  const replica = role<{ readonly value: string | null; readonly wrote: boolean }, { readonly type: 'Set'; readonly value: string }>({
    init: () => ({ value: null, wrote: false }),
    receive: (s, m) => ({ ...s, value: m.value }),
    actions: {
      write: {
        when: (s) => !s.wrote,
        run: (_s, ctx) => {
          ctx.broadcast({ type: 'Set', value: ctx.self });
          return { value: ctx.self, wrote: true };
        },
      },
    },
  });
  const lastArrivalWins = protocol(
    { roles: { replica }, nodes: { replica: ['a', 'b'] } },
    {
      // Both wrote and every write arrived: the run is over.
      terminal: (w) => w.role('replica').every((s) => s.wrote) && w.inFlight().length === 0,
      properties: [convergesWhenQuiet('replica', (w, id) => w.node(id).value)],
    },
  );

  it('is violated after both writes and both deliveries (4 steps)', () => {
    const r = check(compile(lastArrivalWins, NO_FAULTS));
    expect(r.verdict).toBe('violated');
    expect(r.violations[0].trace!.steps.length - 1).toBe(4);
  });
});
