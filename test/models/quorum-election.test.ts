import { describe, expect, it } from 'vitest';
import { definition, ledTerms, serverIds, type ElectionWorld as World } from '../../models/quorum-election/index.ts';
import { check } from '../../src/explore/check.ts';
import { instantiate } from '../../src/model/definition.ts';
import type { Model } from '../../src/model/model.ts';
import { reachable } from '../support/paths.ts';

interface Config {
  readonly variant?: string;
  readonly system?: string;
  readonly nodes?: number;
  readonly maxTerm?: number;
  readonly faults?: Record<string, string>;
}
const build = ({ variant = 'default', system, nodes = 3, maxTerm = 2, faults }: Config = {}) =>
  instantiate(definition, { params: { nodes, maxTerm }, variant, system, faults }) as Model<World, unknown>;

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

/** Whether the `always` property `name` holds in `w`. */
function holds(model: Model<World, unknown>, name: string, w: World): boolean {
  const p = model.properties.find((x) => x.name === name);
  if (!p || p.kind !== 'always') throw new Error(`no always-property "${name}"`);
  return p.holds(w);
}

/** Replay `labels` and check that `property` fails at the last state and nowhere before. */
function failsExactlyAtEnd(model: Model<World, unknown>, property: string, labels: readonly string[]): void {
  const states = replay(model, labels);
  expect(states.slice(0, -1).every((w) => holds(model, property, w))).toBe(true);
  expect(holds(model, property, states[states.length - 1])).toBe(false);
}

/** The length of BFS's shortest counterexample for `property` (which must be the one violated). */
function shortest(model: Model<World, unknown>, property: string): number {
  const r = check(model);
  expect(r.verdict).toBe('violated');
  expect(r.violations[0].property).toBe(property);
  return r.violations[0].trace!.steps.length - 1;
}

const timeout = (id: string) => `${id}: timer electionTimeout`;

/**
 * Ongaro's double vote: n2 wins term 1 with n1's vote; n1 crashes and comes back without its
 * vote (or without its term, and so without the vote that went with it); n3 asks for term 1 and
 * gets n1's vote a second time. Shortest: two leaders of one term need two timeouts and two
 * foreign votes (a request and a vote delivered each) — and with three nodes, where each
 * candidate votes for itself, one voter must vote twice in the term, which only a crash and a
 * recovery (two steps) can make it forget. So 2 + 4 + 2 = 8.
 */
const doubleVote = [
  timeout('n2'),
  'deliver RequestVote(term=1) n2→n1',
  'deliver Vote(term=1) n1→n2',
  'crash n1',
  'recover n1',
  timeout('n3'),
  'deliver RequestVote(term=1) n3→n1',
  'deliver Vote(term=1) n1→n3',
];

/**
 * A deposed leader's delayed write (Kleppmann, "How to do distributed locking", 2016, with the
 * term as fencing token): n1 leads term 1 and sends a write; n2 becomes leader of term 2 with
 * n3's vote, and its write arrives first; then n1's arrives. Shortest: two leaders (timeout,
 * request, vote: 3 steps each), the newer of a term ≥ 2, so its node was in term 1 before it
 * timed out — by voting for the first leader (a request already counted), else by a second
 * timeout — plus two writes sent and delivered: 6 + 4 = 10.
 */
const staleWrite = [
  timeout('n1'),
  'deliver RequestVote(term=1) n1→n2',
  'deliver Vote(term=1) n2→n1',
  'n1: write',
  timeout('n2'),
  'deliver RequestVote(term=2) n2→n3',
  'deliver Vote(term=2) n3→n2',
  'n2: write',
  'deliver Write(epoch=2) n2→store',
  'deliver Write(epoch=1) n1→store',
];

describe('quorum-election', () => {
  it('every variant behaves as it says at its defaults', () => {
    for (const v of definition.variants) expect(check(build({ variant: v.name })).verdict, v.name).toBe(v.expect);
  });

  it('the correct variant holds under every declared system, with every witness reached', () => {
    for (const system of definition.systems!.map((s) => s.name)) {
      const r = check(build({ system }));
      expect(r.verdict, system).toBe('holds');
      expect(r.properties.filter((p) => p.kind === 'sometimes').every((p) => p.status === 'holds'), system).toBe(true);
    }
  });

  it('one crash of n1 stands for a crash of any server (symmetry): crashing any node changes no verdict or length', () => {
    const anyNode = { crash: '1', recover: '1', 'crash-nodes': '' };
    expect(check(build({ system: 'crash-recovery', faults: anyNode })).verdict).toBe('holds');
    for (const variant of ['vote-not-durable', 'term-not-durable']) {
      expect(shortest(build({ variant, system: 'crash-recovery', faults: anyNode }), 'election-safety')).toBe(doubleVote.length);
    }
  });

  it('vote-not-durable: the double-vote scenario elects two leaders in term 1, and BFS finds no shorter one', () => {
    const m = build({ variant: 'vote-not-durable' });
    failsExactlyAtEnd(m, 'election-safety', doubleVote);
    expect(shortest(m, 'election-safety')).toBe(doubleVote.length);
  });

  it('term-not-durable: a recovered node takes term 1 for new and votes again', () => {
    const m = build({ variant: 'term-not-durable' });
    failsExactlyAtEnd(m, 'election-safety', doubleVote);
    expect(shortest(m, 'election-safety')).toBe(doubleVote.length);
  });

  it('with term and vote on disk the recovered node refuses the second request', () => {
    expect(() => replay(build({ system: 'crash-recovery' }), doubleVote)).toThrow(/step 7 .* is not enabled/);
  });

  it('minority-quorum, 3 nodes: a quorum of 1, so any two timeouts in one term elect two leaders', () => {
    const m = build({ variant: 'minority-quorum' });
    failsExactlyAtEnd(m, 'election-safety', [timeout('n1'), timeout('n2')]);
    expect(shortest(m, 'election-safety')).toBe(2);
  });

  it('minority-quorum, 4 nodes: {n1,n2} and {n3,n4} each elect a leader of term 1, no fault needed', () => {
    // Each leader needs its timeout and one foreign vote (request and vote delivered): 2 × 3 = 6.
    const splitBrain = [
      timeout('n1'),
      'deliver RequestVote(term=1) n1→n2',
      'deliver Vote(term=1) n2→n1',
      timeout('n3'),
      'deliver RequestVote(term=1) n3→n4',
      'deliver Vote(term=1) n4→n3',
    ];
    const m = build({ variant: 'minority-quorum', nodes: 4 });
    failsExactlyAtEnd(m, 'election-safety', splitBrain);
    expect(shortest(m, 'election-safety')).toBe(splitBrain.length);
    // With a majority (3 of 4) the same steps elect no one: two votes each are not enough.
    const majority = replay(build({ nodes: 4, system: 'reliable' }), splitBrain);
    expect(serverIds(4).flatMap((id) => ledTerms(majority[majority.length - 1], id))).toEqual([]);
  });

  it("no-fencing: the deposed leader's delayed write is accepted after the new leader's", () => {
    const m = build({ variant: 'no-fencing' });
    failsExactlyAtEnd(m, 'no-stale-write', staleWrite);
    expect(shortest(m, 'no-stale-write')).toBe(staleWrite.length);
  });

  it('with fencing the storage refuses that write (the last step is not enabled)', () => {
    expect(() => replay(build({ system: 'reliable' }), staleWrite)).toThrow(/step 10 .* is not enabled/);
  });

  it('election safety is checked on the ghost record: a crashed leader still counts', () => {
    const m = build({ system: 'crash-recovery' });
    const states = replay(m, [timeout('n1'), 'deliver RequestVote(term=1) n1→n2', 'deliver Vote(term=1) n2→n1', 'crash n1']);
    const last = states[states.length - 1];
    expect(last.crashed('n1')).toBe(true);
    expect(ledTerms(last, 'n1')).toEqual([1]);
  });
});

describe('quorum-election, bounded terms: why liveness needs the unbounded-terms variants', () => {
  const leaderless = (w: World) => serverIds(3).every((id) => ledTerms(w, id).length === 0);

  it('without the timing assumption, symmetric timeouts split every vote until the term bound: a leaderless stop', () => {
    const m = build({ system: 'reliable' });
    const states = replay(m, [timeout('n1'), timeout('n2'), timeout('n3'), timeout('n1'), timeout('n2'), timeout('n3')]);
    const last = states[states.length - 1];
    expect(m.actions(last)).toEqual([]);
    expect(leaderless(last)).toBe(true);
    // A legal end, not a deadlock: every server has reached the last term.
    expect(m.terminal!(last)).toBe(true);
  });

  it('with solo timeouts every run that stops has elected a leader, reliable or lossy', () => {
    for (const system of ['reliable', 'lossy']) {
      const m = build({ variant: 'solo-timeouts', system });
      const { deadEnds } = reachable(m);
      expect(deadEnds.length, system).toBeGreaterThan(0);
      expect(deadEnds.filter(leaderless), system).toEqual([]);
      expect(deadEnds.every((w) => m.terminal!(w)), system).toBe(true);
    }
  });

  it('solo timeouts: a candidate at the last term whose request was lost holds the other server back — a legal end, not a deadlock', () => {
    // Two servers, one term: n1's only RequestVote is lost, it may not start another election,
    // and n2 may not time out while n1 is a candidate. The run stops leaderless, at the bound.
    const m = build({ variant: 'solo-timeouts', system: 'lossy', nodes: 2, maxTerm: 1 });
    const states = replay(m, [timeout('n1'), 'drop RequestVote(term=1) n1→n2']);
    const last = states[states.length - 1];
    expect(m.actions(last)).toEqual([]);
    expect(m.terminal!(last)).toBe(true);
    const r = check(m);
    expect(r.properties.find((p) => p.name === 'deadlock')?.status).toBe('holds');
    expect(r.properties.find((p) => p.name === 'election-safety')?.status).toBe('holds');
  });

  it('solo timeouts forbid the split vote: the second timeout is not enabled while n1 is a candidate', () => {
    expect(() => replay(build({ variant: 'solo-timeouts', system: 'reliable' }), [timeout('n1'), timeout('n2')])).toThrow(
      /step 2 .* is not enabled/,
    );
  });
});
