/**
 * Single-decree Paxos, as in Lamport's "Paxos Made Simple" (2001). Proposers `p1…pP` each
 * propose their own value (`p1` proposes `v1`, …) and own the ballots ≡ their number modulo P,
 * up to `ballots`. Acceptors `a1…aN` keep on disk the highest ballot they promised and the last
 * proposal they accepted. Proposers also act as learners of their own ballot.
 *
 * Phase 1: a proposer sends Prepare(b); an acceptor that has promised nothing ≥ b promises b and
 * reports its accepted proposal. Phase 2: with promises from a quorum, the proposer sends
 * Accept(b, v), v being the value of the highest-ballot proposal reported (its own if none); an
 * acceptor that has promised nothing > b accepts it and tells the proposer, which learns v once
 * a quorum accepted. A value is chosen when a majority of acceptors accepted it in one ballot.
 *
 * Each bug removes one reason Paxos is safe: the promise on disk (`volatile-promise`: a restart
 * forgets it), the value rule of phase 2 (`ignore-accepted`), quorum intersection
 * (`minority-quorum`: ⌊N/2⌋ acceptors).
 *
 * Liveness: some value is eventually chosen, assuming every message that stays deliverable is
 * delivered (weak fairness on delivery). Without it, a behaviour delivers one message again and
 * again for ever (the set network never consumes it). Duelling proposers do not livelock here:
 * ballots are bounded, so the highest ballot ever started is never preempted, and under fair
 * delivery it completes. The FLP-style duel needs an unbounded supply of ballots, which a
 * finite-state check cannot contain; within the bound it ends when the ballots run out.
 */
import type { Params } from '../../src/model/definition.ts';
import { InputError } from '../../src/model/errors.ts';
import { eventually, sometimes } from '../../src/model/property.ts';
import { protocolDefinition } from '../../src/protocol/definition.ts';
import type { NodeState, Protocol } from '../../src/protocol/types.ts';
import type { World } from '../../src/protocol/world.ts';
import { agreement, validity } from '../../invariants/agreement.ts';

/** A proposal: ballot and value. */
export type Proposal = readonly [ballot: number, value: string];

export type Msg =
  | { readonly type: 'Prepare'; readonly ballot: number }
  | { readonly type: 'Promise'; readonly ballot: number; readonly accepted: Proposal | null }
  | { readonly type: 'Accept'; readonly ballot: number; readonly value: string }
  | { readonly type: 'Accepted'; readonly ballot: number };

export type Variant = 'default' | 'volatile-promise' | 'ignore-accepted' | 'minority-quorum';

/**
 * An acceptor: `promised` (on disk, except in `volatile-promise`), the last proposal `accepted`,
 * and `votes`, every proposal it ever accepted — a history variable (Lamport's `votes`), kept so
 * that "chosen" can be read off the state; no acceptor consults it.
 */
export type Acceptor = NodeState<
  { readonly promised?: number; readonly accepted: Proposal | null; readonly votes: readonly Proposal[] },
  { readonly promised: number } | null
>;

/**
 * A proposer: the last ballot it started and the value it learned (on disk), and the ballot in
 * progress (in memory): its phase, the acceptors that answered this phase, the highest proposal
 * reported in phase 1, and the value sent in phase 2.
 */
export type Proposer = NodeState<
  { readonly ballot: number; readonly learned: string | null },
  {
    readonly phase: 'idle' | 'preparing' | 'accepting';
    readonly heard: readonly string[];
    readonly prior: Proposal | null;
    readonly value: string | null;
  } | null
>;

export const proposerIds = (p: number) => Array.from({ length: p }, (_, i) => `p${i + 1}`);
export const acceptorIds = (a: number) => Array.from({ length: a }, (_, i) => `a${i + 1}`);
/** The value proposer `pi` proposes. */
export const ownValue = (proposer: string) => `v${proposer.slice(1)}`;

/** Values accepted by a majority of the acceptors in one ballot (sorted, without repetition). */
export function chosen(w: World, acceptors: readonly string[] = w.nodesOf('acceptor')): string[] {
  const out: string[] = [];
  const votes = acceptors.map((id) => w.node<Acceptor>(id).durable.votes);
  for (let i = 0; i < votes.length; i++) {
    for (const [b, v] of votes[i]) {
      if (out.includes(v)) continue;
      // Count each (ballot, value) once, at the first acceptor that has it.
      if (votes.slice(0, i).some((vs) => vs.some(([c]) => c === b))) continue;
      const k = votes.filter((vs) => vs.some(([c]) => c === b)).length;
      if (k > acceptors.length / 2) out.push(v);
    }
  }
  return out.sort();
}

/** Values some proposer has learned. */
export const learned = (w: World, proposers: readonly string[] = w.nodesOf('proposer')): string[] =>
  proposers.flatMap((id) => w.node<Proposer>(id).durable.learned ?? []);

export interface PaxosConfig {
  readonly proposers: number;
  readonly acceptors: number;
  readonly ballots: number;
  readonly variant: Variant;
}

export function paxosProtocol({ proposers, acceptors, ballots, variant }: PaxosConfig): Protocol<Msg> {
  const pids = proposerIds(proposers);
  const aids = acceptorIds(acceptors);
  const quorum = variant === 'minority-quorum' ? Math.floor(acceptors / 2) : Math.floor(acceptors / 2) + 1;
  if (quorum === 0) throw new InputError('minority-quorum needs at least 2 acceptors (⌊1/2⌋ = 0 is no quorum)');
  const durablePromise = variant !== 'volatile-promise';
  const values = pids.map(ownValue);
  const idle: NonNullable<Proposer['volatile']> = { phase: 'idle', heard: [], prior: null, value: null };

  /** The next ballot proposer `id` owns after `ballot`, or null past the bound. */
  const nextBallot = (id: string, ballot: number): number | null => {
    const i = pids.indexOf(id) + 1;
    const b = ballot === 0 ? i : ballot + proposers;
    return b <= ballots ? b : null;
  };

  const promisedOf = (s: Acceptor) => (durablePromise ? s.durable.promised! : s.volatile!.promised);
  const acceptor = (s: Acceptor, promised: number, accepted: Proposal | null, votes: readonly Proposal[]): Acceptor =>
    durablePromise ? { durable: { promised, accepted, votes }, volatile: null } : { durable: { accepted, votes }, volatile: { promised } };

  return {
    nodes: [...pids.map((id) => ({ id, role: 'proposer' })), ...aids.map((id) => ({ id, role: 'acceptor' }))],
    roles: {
      proposer: {
        init: (): Proposer => ({ durable: { ballot: 0, learned: null }, volatile: idle }),
        actions: {
          // Start (or, after a timeout, restart with a higher ballot): a distinct step for fairness later.
          prepare: {
            when: (s: Proposer, ctx) => s.durable.learned === null && nextBallot(ctx.self, s.durable.ballot) !== null,
            run: (s: Proposer, ctx): Proposer => {
              const ballot = nextBallot(ctx.self, s.durable.ballot)!;
              ctx.broadcast({ type: 'Prepare', ballot }, aids);
              return { durable: { ...s.durable, ballot }, volatile: { ...idle, phase: 'preparing' } };
            },
          },
        },
        receive: (s: Proposer, msg, from, ctx): Proposer | void => {
          const v = s.volatile!;
          if (msg.type === 'Prepare' || msg.type === 'Accept' || msg.ballot !== s.durable.ballot || v.heard.includes(from)) return;
          const heard = [...v.heard, from].sort();
          if (msg.type === 'Promise' && v.phase === 'preparing') {
            const prior = msg.accepted !== null && (v.prior === null || msg.accepted[0] > v.prior[0]) ? msg.accepted : v.prior;
            if (heard.length < quorum) return { ...s, volatile: { ...v, heard, prior } };
            const value = prior === null || variant === 'ignore-accepted' ? ownValue(ctx.self) : prior[1];
            ctx.broadcast({ type: 'Accept', ballot: s.durable.ballot, value }, aids);
            return { ...s, volatile: { phase: 'accepting', heard: [], prior: null, value } };
          }
          if (msg.type === 'Accepted' && v.phase === 'accepting') {
            if (heard.length < quorum) return { ...s, volatile: { ...v, heard } };
            return { durable: { ...s.durable, learned: v.value }, volatile: idle };
          }
        },
      },
      acceptor: {
        init: (): Acceptor => acceptor({ durable: { accepted: null, votes: [] }, volatile: null }, 0, null, []),
        receive: (s: Acceptor, msg, from, ctx): Acceptor | void => {
          const promised = promisedOf(s);
          const { accepted, votes } = s.durable;
          if (msg.type === 'Prepare' && msg.ballot > promised) {
            ctx.send(from, { type: 'Promise', ballot: msg.ballot, accepted });
            return acceptor(s, msg.ballot, accepted, votes);
          }
          if (msg.type === 'Accept' && msg.ballot >= promised) {
            ctx.send(from, { type: 'Accepted', ballot: msg.ballot });
            const proposal: Proposal = [msg.ballot, msg.value];
            const known = votes.some(([b]) => b === msg.ballot);
            const all = known ? votes : [...votes, proposal].sort((x, y) => x[0] - y[0]);
            return acceptor(s, msg.ballot, proposal, all);
          }
          // Otherwise it has promised a higher ballot: the message is ignored (no nack is needed for safety).
        },
      },
    },
    properties: [
      agreement(
        'agreement',
        (w: World) => [...chosen(w, aids), ...learned(w, pids)],
        'at most one value is chosen, and every learner learns that one',
      ),
      validity('validity', (w: World) => [...chosen(w, aids), ...learned(w, pids)], () => values, 'only a proposed value is chosen'),
      eventually('value-eventually-chosen', (w: World) => chosen(w, aids).length > 0, 'no value is ever chosen'),
      sometimes('value-chosen', (w: World) => chosen(w, aids).length > 0, 'some value is chosen'),
      sometimes('value-learned', (w: World) => learned(w, pids).length > 0, 'a proposer learns the chosen value'),
      // With one proposer (or one ballot) every ballot carries its own value: nothing else to adopt.
      ...(proposers > 1 && ballots > 1
        ? [
            sometimes(
              'earlier-value-adopted',
              (w: World) =>
                aids.some((id) => w.node<Acceptor>(id).durable.votes.some(([b, v]) => v !== ownValue(pids[(b - 1) % proposers]))),
              "a later ballot carries an earlier ballot's value, not its proposer's own",
            ),
          ]
        : []),
    ],
    fairness: [{ strength: 'weak', kind: 'deliver' }],
  };
}

export const definition = protocolDefinition<Msg>({
  name: 'paxos',
  description: 'single-decree Paxos (Paxos Made Simple): at most one value is chosen, despite crashes, loss and reordering',
  params: [
    { name: 'proposers', default: 2, min: 1, max: 3, description: 'proposers, each with its own value' },
    { name: 'acceptors', default: 3, min: 1, max: 5, description: 'acceptors' },
    { name: 'ballots', default: 2, min: 1, max: 6, description: 'highest ballot number (shared round-robin by the proposers)' },
  ],
  variants: [
    { name: 'default', expect: 'holds', system: 'crash-recovery', description: 'Paxos as published: agreement holds' },
    {
      name: 'volatile-promise',
      expect: 'violated',
      system: 'crash-recovery',
      description: 'acceptors keep their promise in memory only: after a restart one accepts an older ballot',
    },
    {
      name: 'ignore-accepted',
      expect: 'violated',
      system: 'crash-recovery',
      description: 'a proposer always proposes its own value, ignoring proposals reported in phase 1',
    },
    {
      name: 'minority-quorum',
      expect: 'violated',
      system: 'crash-recovery',
      description: 'quorums of ⌊N/2⌋ acceptors, which need not intersect',
    },
  ],
  // Messages live in a set, as in Lamport's TLA+ Paxos: any message may be delivered any number of
  // times, in any order, or never — duplication, reordering and loss at once, for safety. Only a1
  // may crash: acceptors are interchangeable, so a crash of any other one is the same behaviour
  // with the acceptors renamed.
  systems: [
    {
      name: 'crash-recovery',
      description: 'messages delivered any number of times, in any order, or never; acceptor a1 may crash once and restart from disk',
      faults: { network: 'set', crash: 1, recover: 1, crashNodes: ['a1'] },
    },
    { name: 'no-crash', description: 'messages delivered any number of times, in any order, or never; no crash', faults: { network: 'set' } },
    { name: 'lossy', description: 'messages consumed on delivery, reordered; one may be lost', faults: { drop: 1 } },
  ],
  protocol: (params: Params, variant: string) =>
    paxosProtocol({
      proposers: params.proposers as number,
      acceptors: params.acceptors as number,
      ballots: params.ballots as number,
      variant: variant as Variant,
    }),
});
