import { describe, expect, it } from 'vitest';
import { acknowledged, definition, type RetryWorld } from '../../models/idempotent-retry/index.ts';
import { check } from '../../src/explore/check.ts';
import { instantiate, resolveParams } from '../../src/model/definition.ts';
import { expectGenuineCounterexample } from '../support/liveness.ts';
import { paths } from '../support/paths.ts';
import { firstFailing, holds, replayStates } from '../support/scenario.ts';

const build = (variant: string, params: Record<string, number> = {}, faults?: Record<string, string>, system?: string) =>
  instantiate(definition, { params: { requests: 2, retries: 2, ...params }, variant, faults, system });

const send = 'deliver Deposit(id=1) client→server';

/**
 * No dedup: the timeout fires while the first deposit is merely slow (a timeout cannot tell),
 * and both copies are applied. Shortest: each ledger entry needs a delivery of its own copy (2
 * steps), and the client sends one copy until something makes a second — a retry or a duplicate
 * (1 step). So at least 3 steps, and this scenario has 3.
 */
const prematureRetry = ['client: timer retry', send, send];

/**
 * Volatile dedup table: the copy is recognised unless the server forgot the table, which only a
 * crash and a restart do (2 steps; a crashed server receives nothing, so it must restart before
 * the copy arrives). Shortest: 3 steps as above, plus those 2 — 5; this scenario has 5.
 */
const restartForgets = ['client: timer retry', send, 'crash server', 'recover server', send];

describe('idempotent-retry', () => {
  it('each variant shows what it expects at its defaults', () => {
    for (const v of definition.variants) {
      const r = check(instantiate(definition, { params: resolveParams(definition, v, {}), variant: v.name }));
      expect(r.verdict, v.name).toBe(v.expect);
      if (v.expect === 'violated') expect(r.violations[0].property, v.name).toBe('applied-at-most-once');
    }
  });

  it('durable dedup: exactly-once across a restart, with every witness reached', () => {
    const r = check(build('default'));
    expect(r.verdict).toBe('holds');
    expect(r.properties.map((p) => [p.name, p.status])).toEqual([
      ['applied-at-most-once', 'holds'],
      ['acknowledged-applied', 'holds'],
      ['all-eventually-acknowledged', 'holds'],
      ['retry-happens', 'holds'],
      ['copy-after-apply', 'holds'],
      ['all-acknowledged', 'holds'],
      // Every run stops where the client is done or has given up (its `terminal`), never elsewhere.
      ['deadlock', 'holds'],
    ]);
  });

  it('durable dedup still holds with more faults: two crashes, two losses, two duplicates', () => {
    const r = check(build('default', { requests: 1 }, { crash: '2', recover: '2', drop: '2', duplicate: '2' }));
    expect(r.verdict).toBe('holds');
  });

  it('the same scenarios are harmless with a durable table: the copy is acknowledged, not applied', () => {
    const model = build('default');
    for (const scenario of [prematureRetry, restartForgets]) {
      const states = replayStates(model, scenario);
      expect(firstFailing(model, 'applied-at-most-once', states)).toBe(-1);
    }
  });

  for (const [variant, scenario] of [
    ['no-dedup', prematureRetry],
    ['volatile-dedup', restartForgets],
  ] as const) {
    it(`${variant}: the hand-derived scenario applies a deposit twice at its last step, and BFS finds it as shortest`, () => {
      const model = build(variant);
      const states = replayStates(model, scenario);
      expect(firstFailing(model, 'applied-at-most-once', states)).toBe(scenario.length);

      const r = check(model);
      expect(r.verdict).toBe('violated');
      expect(r.violations[0].property).toBe('applied-at-most-once');
      expect(r.violations[0].trace!.steps.length - 1).toBe(scenario.length);

      // Minimality by brute force: no shorter path violates (the argument is in the scenario's comment).
      for (const p of paths(model, scenario.length - 1)) {
        expect(holds(model, 'applied-at-most-once', p.states[p.states.length - 1])).toBe(true);
      }
    });
  }

  it('no-dedup fails even on a reliable network: a premature timeout is enough', () => {
    const r = check(build('no-dedup', {}, undefined, 'reliable'));
    // The retry and the first delivery may come in either order: both are shortest.
    expect([...r.violations[0].trace!.steps.map((s) => s.action).slice(1)].sort()).toEqual([...prematureRetry].sort());
  });

  it('volatile-dedup holds without crashes: only a restart loses the table', () => {
    expect(check(build('volatile-dedup', {}, undefined, 'lossy')).verdict).toBe('holds');
  });

  it('without retries or duplication no copy of a deposit exists, so even no-dedup applies each once', () => {
    const r = check(build('no-dedup', { retries: 0 }, { duplicate: '0' }));
    expect(r.properties.find((p) => p.name === 'applied-at-most-once')?.status).toBe('holds');
    expect(r.properties.find((p) => p.name === 'retry-happens')).toBeUndefined();
    // The witness reports that the danger was never exercised, so the check is not a vacuous pass.
    expect(r.properties.find((p) => p.name === 'copy-after-apply')?.status).toBe('violated');
    expect(r.verdict).toBe('violated');
  });
});

/*
 * Liveness: every deposit is eventually acknowledged. A request has retries + 1 copies; each copy
 * fails only if it or its Ack is lost, one drop each, and duplicates and premature retries only
 * add copies. A crashed server holds messages for later, and its recovery is enabled until taken
 * (the budgets match). So the client can be left waiting exactly when drop ≥ retries + 1. No
 * fairness is declared: every step consumes a message, a retry or a fault budget, so every
 * behaviour is finite, and the checker says that fairness plays no part.
 */
describe('idempotent-retry: every deposit is eventually acknowledged while retries cover the losses', () => {
  const all = (requests: number) => (w: RetryWorld) => acknowledged(w).length === requests;

  it('holds at the defaults (2 retries against 1 loss, and a restart), with no fairness assumed', () => {
    const r = check(build('default'), { fairness: [] });
    expect(r.verdict).toBe('holds');
    expect(r.fairness).toBe('none');
    expect(r.warnings).toEqual([expect.stringContaining('every behaviour is finite')]);
  });

  for (const retries of [0, 1, 2]) {
    for (const drop of [retries, retries + 1]) {
      const stuck = drop >= retries + 1;
      it(`retries=${retries}, drop=${drop}: ${stuck ? 'a request can be lost for good' : 'every deposit is acknowledged'}`, () => {
        const model = build('default', { requests: 1, retries }, { drop: String(drop) }, 'lossy');
        const r = check(model, { all: true });
        const status = r.properties.find((p) => p.name === 'all-eventually-acknowledged')!.status;
        expect(status).toBe(stuck ? 'violated' : 'holds');
        // A client that has sent its last copy gives up: a legal end, which the liveness property judges.
        expect(r.properties.find((p) => p.name === 'deadlock')!.status).toBe('holds');
        if (!stuck) return;
        // Shortest: the first request's copies all dropped as they are sent — retries + 1 drops
        // and `retries` timer firings; then nothing is in flight and no retry is left.
        const v = r.violations.find((x) => x.property === 'all-eventually-acknowledged')!;
        const run = expectGenuineCounterexample(model, v, all(1));
        expect(run.loopStart).toBeNull();
        expect(v.liveness!.end).toBe('terminal');
        expect(run.actions).toHaveLength(2 * retries + 1);
        expect(run.labels.filter((l) => l === 'drop Deposit(id=1) client→server')).toHaveLength(retries + 1);
        expect(run.labels.filter((l) => l === 'client: timer retry')).toHaveLength(retries);
      });
    }
  }
});
