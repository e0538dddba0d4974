import { describe, expect, it } from 'vitest';
import { definition, senderOf, type TwoGeneralsWorld } from '../../models/two-generals/index.ts';
import { check } from '../../src/explore/check.ts';
import { instantiate, resolveParams } from '../../src/model/definition.ts';
import { expectGenuineCounterexample } from '../support/liveness.ts';
import { paths } from '../support/paths.ts';
import { firstFailing, holds, replayStates } from '../support/scenario.ts';

const build = (k: number, variant = 'default') => instantiate(definition, { params: { k }, variant });

/** Messenger n in a label: the order is messenger 0, then Ack(n=1), Ack(n=2), … */
const messenger = (n: number) => `${n === 0 ? 'Order' : `Ack(n=${n})`} ${senderOf(n)}→${senderOf(n + 1)}`;

/**
 * The classic scenario: every messenger but the last arrives, the last is captured. The sender of
 * messenger k has seen it and attacks; the receiver never will. k deliveries and one drop.
 */
const lastMessengerLost = (k: number) => [...Array.from({ length: k }, (_, n) => `deliver ${messenger(n)}`), `drop ${messenger(k)}`];

describe('two-generals', () => {
  it('each variant shows what it expects at its defaults', () => {
    for (const v of definition.variants) {
      const r = check(instantiate(definition, { params: resolveParams(definition, v, {}), variant: v.name }));
      expect(r.verdict, v.name).toBe(v.expect);
    }
  });

  for (const k of [0, 1, 2, 3, 4]) {
    it(`k=${k}, reliable: every exchange completes, both attack; k + 2 states (one messenger on the road at a time)`, () => {
      const r = check(build(k, 'reliable'));
      expect(r.verdict).toBe('holds');
      // Init (the order on the road) and one state after each of the k + 1 deliveries.
      expect(r.stats.distinctStates).toBe(k + 2);
      // First reached after the k + 1 deliveries: a path of k + 2 states.
      expect(r.properties.find((p) => p.name === 'both-attack')).toMatchObject({ status: 'holds', witnessDepth: k + 2 });
    });
  }

  for (const k of [0, 1, 2, 3]) {
    it(`k=${k}, one messenger may be lost: capturing the last one is a shortest counterexample, k + 1 steps`, () => {
      const model = build(k);
      const states = replayStates(model, lastMessengerLost(k));
      expect(firstFailing(model, 'coordinated-attack', states)).toBe(k + 1);

      const r = check(model);
      expect(r.verdict).toBe('violated');
      expect(r.violations[0].property).toBe('coordinated-attack');
      expect(r.violations[0].trace!.steps.map((s) => s.action).slice(1)).toEqual(lastMessengerLost(k));

      // Minimality by brute force: no path of at most k steps reaches a violating state.
      for (const p of paths(model, k)) expect(holds(model, 'coordinated-attack', p.states[p.states.length - 1])).toBe(true);
    });
  }

  it('k=3 with one loss: the whole space is the chain plus one dead end per captured messenger, 2k + 3 states', () => {
    const k = 3;
    const r = check(build(k), { all: true });
    expect(r.stats.distinctStates).toBe(2 * k + 3);
    // Losing an earlier messenger leaves both waiting; only the last one splits the generals.
    expect(r.properties.find((p) => p.name === 'both-attack')?.status).toBe('holds');
    // Every run stops at dawn (the last messenger read, or one captured): no deadlock.
    expect(r.properties.find((p) => p.name === 'deadlock')?.status).toBe('holds');
  });

  it('more losses do not help the generals: with drop=2 the shortest counterexample is still k + 1 steps', () => {
    for (const k of [1, 2, 3]) {
      const r = check(instantiate(definition, { params: { k }, variant: 'default', faults: { drop: '2' } }));
      expect(r.violations[0].trace!.steps.length - 1).toBe(k + 1);
    }
  });
});

/*
 * Liveness: both generals eventually attack. On the reliable road each delivery consumes one
 * messenger and sends at most one, so every behaviour is finite and stops only once the last
 * messenger arrived: both attack, with no fairness assumed. With one capture, the exchange stops
 * at the captured messenger; capturing the order stops it at once (1 step), whatever k.
 */
describe('two-generals: both eventually attack only on a reliable road', () => {
  const bothAttack = (w: TwoGeneralsWorld) => w.node('a').plan === 'attack' && w.node('b').plan === 'attack';

  for (const k of [0, 2, 4]) {
    it(`k=${k}: holds on the reliable road with no fairness assumed (every behaviour is finite)`, () => {
      const r = check(build(k, 'reliable'), { fairness: [] });
      expect(r.properties.find((p) => p.name === 'both-eventually-attack')?.status).toBe('holds');
      expect(r.warnings).toEqual([expect.stringContaining('every behaviour is finite')]);
    });

    it(`k=${k}: one capture stops the exchange for good — the order captured, a run of 1 step`, () => {
      const model = build(k);
      const v = check(model, { all: true }).violations.find((x) => x.property === 'both-eventually-attack')!;
      const run = expectGenuineCounterexample(model, v, bothAttack);
      expect(run.labels).toEqual(['drop Order a→b']);
    });
  }
});
