/**
 * Does a waiting client eventually get the lease? The `waiting-client-*` variants of lease-fencing
 * (models/lease-fencing/waiting.ts): two clients ask again and again, the lock service grants a
 * free lease to one waiting request, and a lease runs out on the lock's timer.
 *
 * Why it holds under the declared fairness (strong on each delivery to the lock, weak on every
 * delivery). Say c1 waits: its Acquire sits in the network until delivered (nothing else consumes
 * it). While the lease is taken every other step runs out (each client asks at most once more and
 * then waits), so the lease is freed again and again, and each time c1's Acquire is deliverable:
 * enabled infinitely often, so strong fairness delivers it. Then the Grant to c1 stays deliverable
 * until delivered (c1 is waiting for it), so weak fairness delivers it and c1 holds the lease.
 * Without strong fairness c1's Acquire is disabled whenever c2 holds the lease, so neither weak
 * fairness nor no fairness at all stops the lock from serving c2 every time.
 */
import { describe, expect, it } from 'vitest';
import { definition } from '../../models/lease-fencing/index.ts';
import { check } from '../../src/explore/check.ts';
import { instantiate } from '../../src/model/definition.ts';
import { parseFairness } from '../../src/model/fairness.ts';
import { statesAlong } from '../../src/trace/trace.ts';
import { sameState } from '../../src/trace/violation.ts';
import type { Model } from '../../src/model/model.ts';
import type { WaitingClientId, WaitingWorld as World } from '../../models/lease-fencing/waiting.ts';
import { faultline } from '../support/cli.ts';
import { expectGenuineCounterexample, fingerprintOf } from '../support/liveness.ts';

const SERVED = 'waiting-client-served';
const STARVED = 'waiting-client-starved';

const build = (variant: string, opts: { lease?: number; system?: string; faults?: Record<string, string> } = {}) =>
  instantiate(definition, { params: { lease: opts.lease ?? 1, margin: 0 }, variant, system: opts.system, faults: opts.faults });

const phase = (w: World, id: WaitingClientId) => w.node(id).phase;
const waiting = (id: WaitingClientId) => (w: World) => phase(w, id) === 'requesting';
const holding = (id: WaitingClientId) => (w: World) => phase(w, id) === 'holding';

/** The steps of one turn of c2 at the lock: ask, be granted, hold, let go, and the lease runs out. */
const C2_TURN = ['c2: acquire', 'deliver Acquire c2→lock', 'deliver Grant lock→c2', 'c2: finish', 'lock: timer expire'];

/** The labels of the actions enabled in `s`. */
const enabledLabels = (model: Model<World, unknown>, s: World) => model.actions(s).map((a) => model.label(a));

/**
 * A starvation lasso of c1: the trigger is c1's own acquire, so the shortest prefix is that one
 * step, and the loop can start right after it. From there (c1 waiting, c2 idle, the lease free)
 * any loop that keeps c1 waiting must free the lease for nobody but c2 — a delivery of c1's Acquire
 * would put a Grant to c1 on the way and the loop could not come back to c1's Acquire in flight —
 * so it contains a whole turn of c2: its five steps at least.
 */
function expectStarvationLasso(model: Model<World, unknown>, r: ReturnType<typeof check>) {
  expect(r.verdict).toBe('violated');
  const v = r.violations.find((x) => x.property === 'c1-gets-lease')!;
  const run = expectGenuineCounterexample(model, v, holding('c1'), waiting('c1'));
  expect(run.loopStart).toBe(1);
  expect(run.labels[0]).toBe('c1: acquire');
  const loop = run.labels.slice(run.loopStart!);
  expect(loop.length).toBeGreaterThanOrEqual(C2_TURN.length);
  for (const step of C2_TURN) expect(loop).toContain(step);
  return { ...run, loop, loopStates: run.states.slice(run.loopStart!) };
}

describe('lease-fencing: a waiting client eventually gets the lease', () => {
  it('holds under strong fairness on delivering each request to the lock, with fair loops to check', () => {
    const r = check(build(SERVED), { all: true });
    expect(r.verdict).toBe('holds');
    expect(r.fairness).toBe('strong:deliver@lock,weak:deliver');
    expect(r.properties.filter((p) => p.kind === 'leadsTo').map((p) => p.status)).toEqual(['holds', 'holds']);
    // No vacuity warning: the clients' turns form fair loops, so infinite behaviours were checked.
    expect(r.warnings).toEqual([]);
  });

  it('fails without fairness: a lasso in which the lock serves c2 every time', () => {
    const model = build(SERVED);
    expectStarvationLasso(model, check(model, { fairness: [] }));
  });

  it('fails with weak fairness only (waiting-client-starved): the loop is weakly fair but not strongly fair', () => {
    const model = build(STARVED);
    const r = check(model);
    expect(r.fairness).toBe('weak:deliver');
    const { loop, loopStates } = expectStarvationLasso(model, r);
    // By definition, against the loop's own states: every delivery enabled in all of them is
    // taken (weak fairness is respected)…
    const enabled = loopStates.map((s) => enabledLabels(model, s).filter((l) => l.startsWith('deliver ')));
    for (const label of new Set(enabled.flat())) {
      if (enabled.every((ls) => ls.includes(label))) expect(loop).toContain(label);
    }
    // …while c1's request is enabled on the loop (whenever the lease is free) and never taken:
    // exactly what strong fairness forbids.
    const c1Request = 'deliver Acquire c1→lock';
    expect(enabled.some((ls) => ls.includes(c1Request))).toBe(true);
    expect(enabled.every((ls) => ls.includes(c1Request))).toBe(false);
    expect(loop).not.toContain(c1Request);
  });

  it('weak fairness on delivery is needed too: without it the Grant to c1 can wait while c2 takes its turns', () => {
    const model = build(SERVED);
    const r = check(model, { fairness: parseFairness('strong:deliver@lock') });
    const v = r.violations.find((x) => x.property === 'c1-gets-lease')!;
    const run = expectGenuineCounterexample(model, v, holding('c1'), waiting('c1'));
    // The lock has served c1 (its Acquire is delivered before the loop), yet the Grant never arrives.
    expect(run.labels.slice(0, run.loopStart!)).toContain('deliver Acquire c1→lock');
    const loop = run.labels.slice(run.loopStart!);
    expect(loop).not.toContain('deliver Grant lock→c1');
    for (const s of run.states.slice(run.loopStart!)) expect(enabledLabels(model, s)).toContain('deliver Grant lock→c1');
  });

  it('both variants agree on everything but fairness: same state graph', () => {
    const served = check(build(SERVED));
    const starved = check(build(STARVED));
    expect(starved.stats.distinctStates).toBe(served.stats.distinctStates);
    expect(starved.stats.generatedStates).toBe(served.stats.generatedStates);
  });

  it('a paused client that never resumes is never served (faults are never fair); assuming it resumes, it is', () => {
    const model = build(SERVED, { faults: { pause: '1' } });
    const v = check(model).violations.find((x) => x.property === 'c1-gets-lease')!;
    const run = expectGenuineCounterexample(model, v, holding('c1'), waiting('c1'));
    expect(run.labels.slice(0, run.loopStart!)).toContain('pause c1');
    expect(run.labels.slice(run.loopStart!)).not.toContain('resume c1');
    const fair = parseFairness('strong:deliver@lock,weak:deliver,weak:resume');
    expect(check(model, { fairness: fair }).verdict).toBe('holds');
  });

  for (const [lease, maxTime] of [
    [1, 1],
    [1, 2],
    [2, 3],
  ]) {
    it(`with clocks (bounded timing, lease ${lease}, time to ${maxTime}) a client waits for ever at the horizon: a stuck run of ${maxTime} + 6 steps`, () => {
      // A run stops only where nothing is enabled: time at the horizon (maxTime ticks), both
      // clients waiting with their requests in the network, and the lease taken by a grant whose
      // timer cannot fire before the horizon. The holder asked, was served, was granted, let go
      // and asked again (5 steps), the other client asked (1 step): maxTime + 6 steps.
      const model = build(SERVED, { lease, system: 'pauses', faults: { pause: '0', 'max-time': String(maxTime) } });
      const r = check(model);
      const v = r.violations.find((x) => x.property === 'c1-gets-lease')!;
      const run = expectGenuineCounterexample(model, v, holding('c1'), waiting('c1'));
      expect(v.liveness!.end).toBe('terminal');
      expect(run.loopStart).toBeNull();
      expect(run.actions).toHaveLength(maxTime + 6);
      expect(run.labels.filter((l) => l === 'tick')).toHaveLength(maxTime);
      const last = run.states[run.states.length - 1];
      expect(waiting('c1')(last) && waiting('c2')(last)).toBe(true);
    });
  }

  it('the CLI shows the lasso with --fairness none (exit 1) and holds with the declared fairness (exit 0)', async () => {
    const none = await faultline('check', 'lease-fencing', '--variant', SERVED, '--fairness', 'none');
    expect(none.code).toBe(1);
    expect(none.stdout).toContain('↻ lasso: after 1 step');
    expect((await faultline('check', 'lease-fencing', '--variant', SERVED)).code).toBe(0);
  });
});

describe('lease-fencing: the loop really is a loop of the model', () => {
  it("replaying c2's turn from the loop start returns to the same state (by the model's fingerprint)", () => {
    // Independent of the checker: build the lasso by hand and compare fingerprints.
    const model = build(STARVED);
    let s = model.init()[0] as World;
    const pick = (label: string) => {
      const a = model.actions(s).find((x) => model.label(x) === label);
      expect(a, label).toBeDefined();
      s = model.next(s, a!) as World;
    };
    pick('c1: acquire');
    const start = fingerprintOf(model, s);
    for (const step of ['c2: acquire', 'deliver Acquire c2→lock', 'deliver Grant lock→c2', 'lock: timer expire', 'c2: finish']) {
      pick(step);
      expect(holding('c1')(s)).toBe(false);
    }
    expect(fingerprintOf(model, s)).toBe(start);
  });

  it('replay identifies a protocol state by its fingerprint, as the explorer does (a world is not plain data)', () => {
    const model = build(STARVED);
    const v = check(model).violations[0];
    const { states } = statesAlong(model, v.path!);
    expect(sameState(model, states[states.length - 1], states[v.path!.loopStart!])).toBe(true);
    expect(sameState(model, states[0], states[1])).toBe(false);
  });
});
