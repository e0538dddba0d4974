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
import { InputError, defineProtocol, eventually, int, protocol, role, sometimes, type Role, type WorldOf } from 'faultline';
import { agreement, validity } from 'faultline/invariants';

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
 * that "chosen" can be read off the state; no acceptor consults it. The last two are on disk.
 */
export interface Acceptor {
  readonly promised: number;
  readonly accepted: Proposal | null;
  readonly votes: readonly Proposal[];
}

/**
 * A proposer: the last ballot it started and the value it learned (on disk), and the ballot in
 * progress (in memory): its phase, the acceptors that answered this phase, the highest proposal
 * reported in phase 1, and the value sent in phase 2.
 */
export interface Proposer {
  readonly ballot: number;
  readonly learned: string | null;
  readonly phase: 'idle' | 'preparing' | 'accepting';
  /** The acceptors that answered this phase, by id (a Set, so that renaming acceptors renames it). */
  readonly heard: ReadonlySet<AcceptorId>;
  readonly prior: Proposal | null;
  readonly value: string | null;
}

/** A proposer's node id. */
export type ProposerId = `p${number}`;
/** An acceptor's node id. */
export type AcceptorId = `a${number}`;

export const proposerIds = (p: number): ProposerId[] => Array.from({ length: p }, (_, i) => `p${i + 1}` as const);
export const acceptorIds = (a: number): AcceptorId[] => Array.from({ length: a }, (_, i) => `a${i + 1}` as const);
/** The value proposer `pi` proposes. */
export const ownValue = (proposer: string) => `v${proposer.slice(1)}`;

/** The global state of Paxos, as its properties read it. */
export type PaxosWorld = WorldOf<
  { readonly proposer: Role<Proposer, Msg>; readonly acceptor: Role<Acceptor, Msg> },
  { readonly proposer: ProposerId[]; readonly acceptor: AcceptorId[] }
>;

/** Values accepted by a majority of the acceptors in one ballot (sorted, without repetition). */
export function chosen(w: PaxosWorld): string[] {
  const out: string[] = [];
  const votes = w.role('acceptor').map((s) => s.votes);
  for (let i = 0; i < votes.length; i++) {
    for (const [b, v] of votes[i]) {
      if (out.includes(v)) continue;
      // Count each (ballot, value) once, at the first acceptor that has it.
      if (votes.slice(0, i).some((vs) => vs.some(([c]) => c === b))) continue;
      const k = votes.filter((vs) => vs.some(([c]) => c === b)).length;
      if (k > votes.length / 2) out.push(v);
    }
  }
  return out.sort();
}

/** Values some proposer has learned. */
export const learned = (w: PaxosWorld): string[] => w.role('proposer').flatMap((s) => s.learned ?? []);

export interface PaxosConfig {
  readonly proposers: number;
  readonly acceptors: number;
  readonly ballots: number;
  readonly variant: Variant;
}

export function paxosProtocol({ proposers, acceptors, ballots, variant }: PaxosConfig) {
  const pids = proposerIds(proposers);
  const aids = acceptorIds(acceptors);
  const quorum = variant === 'minority-quorum' ? Math.floor(acceptors / 2) : Math.floor(acceptors / 2) + 1;
  if (quorum === 0) throw new InputError('minority-quorum needs at least 2 acceptors (⌊1/2⌋ = 0 is no quorum)');
  const values = pids.map(ownValue);
  /** No ballot in progress. */
  const nobody: ReadonlySet<AcceptorId> = new Set();
  const idle: Pick<Proposer, 'phase' | 'heard' | 'prior' | 'value'> = { phase: 'idle', heard: nobody, prior: null, value: null };

  /** The next ballot proposer `id` owns after `ballot`, or null past the bound. */
  const nextBallot = (id: string, ballot: number): number | null => {
    const i = pids.findIndex((p) => p === id) + 1;
    const b = ballot === 0 ? i : ballot + proposers;
    return b <= ballots ? b : null;
  };

  const proposer = role<Proposer, Msg>({
    init: () => ({ ballot: 0, learned: null, ...idle }),
    durable: ['ballot', 'learned'],
    actions: {
      // Start (or, after a timeout, restart with a higher ballot): a distinct step for fairness later.
      prepare: {
        when: (s, ctx) => s.learned === null && nextBallot(ctx.self, s.ballot) !== null,
        run: (s, ctx) => {
          const ballot = nextBallot(ctx.self, s.ballot)!;
          ctx.broadcast({ type: 'Prepare', ballot }, aids);
          return { ...s, ...idle, ballot, phase: 'preparing' };
        },
      },
    },
    receive: (s, msg, from, ctx) => {
      if (msg.type === 'Prepare' || msg.type === 'Accept' || msg.ballot !== s.ballot || s.heard.has(from as AcceptorId)) return;
      // In id order, so that equal sets read alike in traces (a Set's identity ignores order).
      const heard: ReadonlySet<AcceptorId> = new Set([...s.heard, from as AcceptorId].sort());
      if (msg.type === 'Promise' && s.phase === 'preparing') {
        const prior = msg.accepted !== null && (s.prior === null || msg.accepted[0] > s.prior[0]) ? msg.accepted : s.prior;
        if (heard.size < quorum) return { ...s, heard, prior };
        const value = prior === null || variant === 'ignore-accepted' ? ownValue(ctx.self) : prior[1];
        ctx.broadcast({ type: 'Accept', ballot: s.ballot, value }, aids);
        return { ...s, phase: 'accepting', heard: nobody, prior: null, value };
      }
      if (msg.type === 'Accepted' && s.phase === 'accepting') {
        if (heard.size < quorum) return { ...s, heard };
        return { ...s, ...idle, learned: s.value };
      }
    },
  });
  const acceptor = role<Acceptor, Msg>({
    init: () => ({ promised: 0, accepted: null, votes: [] }),
    durable: variant === 'volatile-promise' ? ['accepted', 'votes'] : 'all',
    receive: (s, msg, from, ctx) => {
      if (msg.type === 'Prepare' && msg.ballot > s.promised) {
        ctx.send(from, { type: 'Promise', ballot: msg.ballot, accepted: s.accepted });
        return { ...s, promised: msg.ballot };
      }
      if (msg.type === 'Accept' && msg.ballot >= s.promised) {
        ctx.send(from, { type: 'Accepted', ballot: msg.ballot });
        const proposal: Proposal = [msg.ballot, msg.value];
        const known = s.votes.some(([b]) => b === msg.ballot);
        const votes = known ? s.votes : [...s.votes, proposal].sort((x, y) => x[0] - y[0]);
        return { promised: msg.ballot, accepted: proposal, votes };
      }
      // Otherwise it has promised a higher ballot: the message is ignored (no nack is needed for safety).
    },
  });

  return protocol(
    { roles: { proposer, acceptor }, nodes: { proposer: pids, acceptor: aids } },
    {
      // Acceptors are interchangeable: proposers address them all alike and record them by id.
      // (Proposers are not: each owns its ballots and proposes its own value.)
      symmetric: ['acceptor'],
      // A legal end: no proposer may start a ballot — each has learned a value, used up its
      // ballots, or is down. (A set network always has a message to deliver again, so only a
      // network that consumes messages ends at all.) Progress is `value-eventually-chosen`'s.
      terminal: (w) => pids.every((id) => w.crashed(id) || w.node(id).learned !== null || nextBallot(id, w.node(id).ballot) === null),
      properties: [
        agreement('agreement', (w: PaxosWorld) => [...chosen(w), ...learned(w)], 'at most one value is chosen, and every learner learns that one'),
        validity('validity', (w: PaxosWorld) => [...chosen(w), ...learned(w)], () => values, 'only a proposed value is chosen'),
        eventually('value-eventually-chosen', (w) => chosen(w).length > 0, 'no value is ever chosen'),
        sometimes('value-chosen', (w) => chosen(w).length > 0, 'some value is chosen'),
        sometimes('value-learned', (w) => learned(w).length > 0, 'a proposer learns the chosen value'),
        // With one proposer (or one ballot) every ballot carries its own value: nothing else to adopt.
        proposers > 1 &&
          ballots > 1 &&
          sometimes(
            'earlier-value-adopted',
            (w) => w.role('acceptor').some((s) => s.votes.some(([b, v]) => v !== ownValue(pids[(b - 1) % proposers]))),
            "a later ballot carries an earlier ballot's value, not its proposer's own",
          ),
      ],
      fairness: [{ strength: 'weak', kind: 'deliver' }],
    },
  );
}

export const definition = defineProtocol({
  name: 'paxos',
  description: 'single-decree Paxos (Paxos Made Simple): at most one value is chosen, despite crashes, loss and reordering',
  params: {
    proposers: int({ default: 2, min: 1, max: 3, description: 'proposers, each with its own value' }),
    acceptors: int({ default: 3, min: 1, max: 5, description: 'acceptors' }),
    ballots: int({ default: 2, min: 1, max: 6, description: 'highest ballot number (shared round-robin by the proposers)' }),
  },
  variants: {
    default: { expect: 'holds', system: 'crash-recovery', description: 'Paxos as published: agreement holds' },
    'volatile-promise': {
      expect: 'violated',
      system: 'crash-recovery',
      description: 'acceptors keep their promise in memory only: after a restart one accepts an older ballot',
    },
    'ignore-accepted': {
      expect: 'violated',
      system: 'crash-recovery',
      description: 'a proposer always proposes its own value, ignoring proposals reported in phase 1',
    },
    'minority-quorum': {
      expect: 'violated',
      system: 'crash-recovery',
      description: 'quorums of ⌊N/2⌋ acceptors, which need not intersect',
    },
  },
  // Messages live in a set, as in Lamport's TLA+ Paxos: any message may be delivered any number of
  // times, in any order, or never — duplication, reordering and loss at once, for safety. Only a1
  // may crash: acceptors are interchangeable, so a crash of any other one is the same behaviour
  // with the acceptors renamed.
  systems: {
    'crash-recovery': {
      description: 'messages delivered any number of times, in any order, or never; acceptor a1 may crash once and restart from disk',
      faults: { network: 'set', crash: 1, recover: 1, crashNodes: ['a1'] },
    },
    'no-crash': { description: 'messages delivered any number of times, in any order, or never; no crash', faults: { network: 'set' } },
    lossy: { description: 'messages consumed on delivery, reordered; one may be lost', faults: { drop: 1 } },
  },
  build: ({ params, variant }) => paxosProtocol({ ...params, variant }),
});
