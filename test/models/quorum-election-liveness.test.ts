/**
 * "Eventually a leader" in quorum-election's unbounded-terms variants: without a symmetry breaker
 * elections can fail for ever (a livelock lasso, checked by replay against the model's identity
 * and by weak fairness on the concrete loop); with solo timeouts every behaviour elects a leader
 * (checked against an independent enumeration of the reachable states).
 */
import { describe, expect, it } from 'vitest';
import { definition, ledTerms, serverIds, type ElectionWorld as World } from '../../models/quorum-election/index.ts';
import { check } from '../../src/explore/check.ts';
import type { Violation } from '../../src/explore/result.ts';
import { instantiate } from '../../src/model/definition.ts';
import { InputError } from '../../src/model/errors.ts';
import { identity, type Model } from '../../src/model/model.ts';
import { statesAlong } from '../../src/trace/trace.ts';
import { reachable } from '../support/paths.ts';

const build = (variant: string, nodes = 3, system?: string, faults?: Record<string, string>) =>
  instantiate(definition, { params: { nodes, maxTerm: 2 }, variant, system, faults }) as Model<World, unknown>;

const PROPERTY = 'eventually-a-leader';
const leaderless = (w: World) => w.nodesOf('server').every((id) => ledTerms(w, id).length === 0);
const terms = (w: World) => w.role('server').map((s) => s.term);
const timeout = (id: string) => `${id}: timer electionTimeout`;

function fingerprintOf(model: Model<World, unknown>): (w: World) => string {
  const id = identity(model);
  const out = new Int32Array(2);
  return (w) => {
    id(w, out);
    return `${out[0]}:${out[1]}`;
  };
}

/** The states along a scenario given by step labels; each step must be enabled where it is taken. */
function replay(model: Model<World, unknown>, labels: readonly string[]): World[] {
  const states = [model.init()[0]];
  labels.forEach((label, i) => {
    const s = states[states.length - 1];
    const a = model.actions(s).find((x) => model.label(x) === label);
    if (a === undefined) throw new Error(`step ${i + 1} "${label}" is not enabled; enabled: ${model.actions(s).map((x) => model.label(x)).join(' | ')}`);
    states.push(model.next(s, a));
  });
  return states;
}

/**
 * A loop (its states, the last equal to the first up to the shift, and the labels taken) as a
 * concrete behaviour that repeats it, each time with every term shifted: is it weakly fair per
 * delivery and timer? A delivery or timer enabled in every state of one round and not taken in it
 * would be enabled for ever (the same message, or the same server's timer) and never taken.
 */
function weaklyFair(model: Model<World, unknown>, loopStates: readonly World[], taken: readonly string[]): boolean {
  const fairKinds = ['deliver', 'timer'];
  const enabled = loopStates.slice(0, -1).map((w) => new Set(model.actions(w).filter((a) => fairKinds.includes(model.step!(a).kind)).map((a) => model.label(a))));
  return [...enabled[0]].every((label) => !enabled.every((set) => set.has(label)) || taken.includes(label));
}

function violation(model: Model<World, unknown>): Violation {
  const v = check(model).violations.find((x) => x.property === PROPERTY);
  if (!v) throw new Error(`${PROPERTY} is not violated`);
  return v;
}

describe('quorum-election, unbounded terms: eventually a leader', () => {
  const ids = serverIds(3);
  /**
   * The classic split vote, for ever: every server times out in the same term and votes for
   * itself; each request arrives at a server that has voted (for itself) and is refused; nothing
   * is left in flight, so each times out again, one term on. The state after the next round of
   * timeouts is the state after the first, every term one higher.
   */
  const firstRound = ids.map(timeout);
  const refusals = (term: number) => ids.flatMap((from) => ids.filter((to) => to !== from).map((to) => `deliver RequestVote(term=${term}) ${from}→${to}`));
  const splitVoteLoop = [...refusals(1), ...ids.map(timeout)];

  it('the split vote repeats: back to the same state up to the shift of terms, no leader, weakly fair', () => {
    const m = build('unbounded-terms');
    const fp = fingerprintOf(m);
    const states = replay(m, [...firstRound, ...splitVoteLoop]);
    const start = firstRound.length;
    expect(fp(states[states.length - 1])).toBe(fp(states[start]));
    expect(terms(states[states.length - 1])).toEqual(terms(states[start]).map((t) => t + 1));
    expect(states.every(leaderless)).toBe(true);
    expect(weaklyFair(m, states.slice(start), splitVoteLoop)).toBe(true);
  });

  for (const n of [2, 3]) {
    it(`nodes=${n}: violated by a lasso of repeated elections after n steps, which replays to its loop start`, () => {
      // Prefix exactly n. No more: the split-vote scenario (n timeouts) reaches a loop. No less:
      // a server still in term 0 has voted for nobody, which it never is again (a server that
      // moves to a term votes in it, for itself or the first to ask), so no loop state has one,
      // and each step moves at most one server out of term 0.
      const m = build('unbounded-terms', n);
      const v = violation(m);
      expect(v.liveness!.end).toBe('loop');
      const loopStart = v.path!.loopStart!;
      expect(loopStart).toBe(n);
      const { states, actions } = statesAlong(m, v.path!);
      const fp = fingerprintOf(m);
      expect(fp(states[states.length - 1])).toBe(fp(states[loopStart]));
      expect(states.every(leaderless)).toBe(true);
      // A real cycle of elections: every server's term rose by the same amount, at least one.
      const rise = terms(states[states.length - 1]).map((t, i) => t - terms(states[loopStart])[i]);
      expect(new Set(rise).size).toBe(1);
      expect(rise[0]).toBeGreaterThanOrEqual(1);
      const labels = actions.map((a) => m.label(a));
      expect(labels.slice(loopStart).some((l) => l.endsWith('timer electionTimeout'))).toBe(true);
      expect(weaklyFair(m, states.slice(loopStart), labels.slice(loopStart))).toBe(true);
    });
  }

  it('solo timeouts: a leader on every behaviour — no leaderless state is a dead end or on a cycle', () => {
    // Independent of the checker: every reachable state, keyed by what the model shows (real
    // terms: with solo timeouts they stay small, the first election succeeding). A behaviour that
    // never elects a leader would stop in a leaderless dead end or loop among leaderless states.
    const m = build('unbounded-terms-solo-timeouts');
    const { states, deadEnds } = reachable(m);
    expect(deadEnds.length).toBeGreaterThan(0);
    expect(deadEnds.filter(leaderless)).toEqual([]);
    const key = (w: World) => JSON.stringify(m.show!(w));
    const colour = new Map<string, 'open' | 'done'>();
    const cyclic = (w: World): boolean => {
      colour.set(key(w), 'open');
      for (const a of m.actions(w)) {
        const t = m.next(w, a);
        if (!leaderless(t)) continue;
        const c = colour.get(key(t));
        if (c === 'open' || (c === undefined && cyclic(t))) return true;
      }
      colour.set(key(w), 'done');
      return false;
    };
    expect(states.filter(leaderless).some((w) => !colour.has(key(w)) && cyclic(w))).toBe(false);
    // So it holds under the declared fairness and under none; the checker says so, and that
    // fairness plays no part.
    for (const fairness of [undefined, []]) {
      const r = check(m, fairness ? { fairness } : {});
      expect(r.properties.find((p) => p.name === PROPERTY)!.status).toBe('holds');
      expect(r.verdict).toBe('holds');
    }
    expect(check(m).warnings).toEqual([expect.stringMatching(/every behaviour is finite/)]);
  });

  it('solo timeouts forbid what the livelock needs: a second timeout while an election is under way', () => {
    expect(() => replay(build('unbounded-terms-solo-timeouts'), firstRound.slice(0, 2))).toThrow(/step 2 .* is not enabled/);
    expect(() => replay(build('unbounded-terms'), firstRound.slice(0, 2))).not.toThrow();
  });

  it('Raft timing: a candidate does not time out again before its requests are delivered and its votes counted', () => {
    const m = build('unbounded-terms');
    expect(() => replay(m, [timeout('n1'), timeout('n1')])).toThrow(/step 2 .* is not enabled/);
    expect(() => replay(m, [timeout('n1'), 'deliver RequestVote(term=1) n1→n2', 'deliver RequestVote(term=1) n1→n3', timeout('n1')])).toThrow(
      /step 4 .* is not enabled/,
    );
  });

  it('refuses partitions, under which a cut-off server raises its term for ever: by system or by override, as bad input', () => {
    const refusal = /^quorum-election unbounded-terms(-solo-timeouts)? cannot be checked with these faults: partitions /;
    for (const variant of ['unbounded-terms', 'unbounded-terms-solo-timeouts']) {
      expect(() => build(variant, 3, 'partitions')).toThrow(refusal);
      expect(() => build(variant, 3, undefined, { partition: '1' })).toThrow(InputError);
      expect(() => build(variant, 3, undefined, { partition: '1' })).toThrow(refusal);
    }
    // Bounded terms are finite under partitions: nothing is refused.
    expect(() => build('default', 3, 'partitions')).not.toThrow();
  });
});
