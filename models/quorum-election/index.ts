/**
 * Quorum leader election, Raft-style (Ongaro & Ousterhout, "In Search of an Understandable
 * Consensus Algorithm", 2014, §5.2 and §5.4.1 without logs): nodes `n1…nN` time out, start an
 * election in the next term, ask the others for votes (`RequestVote`) and become leader on a
 * quorum of votes (`Vote`). A node grants one vote per term. A leader serves a client write by
 * sending it to the storage node `store` stamped with its term as the epoch; the storage fences:
 * it refuses a write from an epoch older than one it has already accepted.
 *
 * Timeouts have no clock: an election timer may fire at any moment, as in an asynchronous system.
 * Terms are bounded: a node starts an election only while its term is below `maxTerm`, so the
 * state space is finite. A crash keeps only what is on disk; the variants move currentTerm or
 * votedFor from disk to memory, shrink the quorum, or drop the storage's epoch check. The storage
 * is not crashed: its data is on disk, and a crash would only delay writes, as the network does.
 *
 * Liveness ("eventually a leader") needs elections that can go on for ever, which bounded terms
 * cannot: a split vote uses the terms up and the run stops leaderless. The `unbounded-terms`
 * variants drop the bound, and the storage (they are about electing a leader). Their states are
 * identified up to a shift of every term (`relativeTerms`, like TLC's VIEW): the protocol only
 * compares terms and adds one, so shifted states have shifted futures, and the properties compare
 * terms only. Traces show the real terms; a lasso returns to its first state up to the shift.
 * Raft's timing requirement (message delays much shorter than election timeouts) is assumed, as
 * `assume`, and keeps them finite: a server times out only once its own election has played out
 * (none of its RequestVotes, and no Vote for it, still in flight), and not while a leader is up
 * (its heartbeats, not modelled as messages, come first). Every message is read, and one that
 * changes nothing dropped. With equal timeouts another server may still time out while an
 * election is under way, so every election can be split, or overtaken by the next before its
 * votes count, for ever: a livelock (`unbounded-terms`, violated). Randomised timeouts (§5.2)
 * prevent that; idealised, a server times out only while no other server is a candidate
 * (`unbounded-terms-solo-timeouts`). Then the first election always succeeds: a leader is
 * elected on every behaviour, under the declared weak fairness on deliveries and timers (each
 * message and each server's timer its own class) or none. Partitions are refused: a server cut
 * off would raise its term for ever (why Raft has PreVote), through infinitely many states.
 */
import {
  defineProtocol,
  eventually,
  int,
  protocol,
  role,
  sometimes,
  type Context,
  type Fairness,
  type NodeId,
  type Role,
  type StepInfo,
  type WorldOf,
} from 'faultline';
import { electionSafety, noStaleEpochWrite } from 'faultline/invariants';

export type Msg =
  | { readonly type: 'RequestVote'; readonly term: number }
  | { readonly type: 'Vote'; readonly term: number }
  | { readonly type: 'Write'; readonly epoch: number };

export type Variant =
  | 'default'
  | 'vote-not-durable'
  | 'term-not-durable'
  | 'minority-quorum'
  | 'no-fencing'
  | 'solo-timeouts'
  | 'unbounded-terms'
  | 'unbounded-terms-solo-timeouts';

/** The variants whose terms have no bound (identified up to a shift of every term). */
export const UNBOUNDED: readonly Variant[] = ['unbounded-terms', 'unbounded-terms-solo-timeouts'];

/** Weak fairness, one class per message and per server's timer: what stays enabled happens. */
export const FAIRNESS: readonly Fairness[] = [{ strength: 'weak', kind: ['deliver', 'timer'] }];

export type ServerRole = 'follower' | 'candidate' | 'leader';

/**
 * A server. On disk (surviving a crash): the ghost record `led`, and currentTerm and votedFor
 * unless the variant keeps one of them only in memory; the role and its bookkeeping are in memory.
 */
export interface Server {
  readonly term: number;
  readonly votedFor: NodeId | null;
  readonly role: ServerRole;
  /**
   * A candidate's granted votes (itself included), by voter id (a Set, so that renaming the
   * interchangeable servers renames it); empty in any other role.
   */
  readonly votes: ReadonlySet<NodeId>;
  /** A leader: whether it has served its client write this term; false in any other role. */
  readonly wrote: boolean;
  /** Ghost: the terms in which this node became leader, sorted. Kept on disk so a crash cannot hide an election. */
  readonly led: readonly number[];
}

/** The storage: the epochs of the writes it accepted, in order (on disk). */
export interface Store {
  readonly accepted: readonly number[];
}

/** No votes (a candidate's votes outside its candidacy). */
const NO_VOTES: ReadonlySet<NodeId> = new Set();

/** The election timer's name: a follower or candidate that hears nothing decisive starts an election. */
export const ELECTION_TIMEOUT = 'electionTimeout';

/** A server's node id. */
export type ServerId = `n${number}`;

export const serverIds = (n: number): ServerId[] => Array.from({ length: n }, (_, i) => `n${i + 1}` as const);

/** The global state of quorum-election, as its properties and view read it. */
export type ElectionWorld = WorldOf<
  { readonly server: Role<Server, Msg>; readonly storage: Role<Store, Msg> },
  { readonly server: ServerId[]; readonly storage: readonly 'store'[] }
>;

/** The quorum a candidate needs: a majority, or (the bug) ⌊n/2⌋. */
export const quorumOf = (n: number, variant: Variant): number => (variant === 'minority-quorum' ? Math.floor(n / 2) : Math.floor(n / 2) + 1);

/** The epochs of the writes the storage accepted, in order. */
export const acceptedEpochs = (w: ElectionWorld): readonly number[] => w.node('store').accepted;

/** The terms in which `id` became leader (ghost; survives crashes). */
export const ledTerms = (w: ElectionWorld, id: ServerId): readonly number[] => w.node(id).led;

/**
 * Whether delivering `msg` would change anything. With bounded terms a message that would not (an
 * old term's request or vote, a request when the vote of its term is given to another) is left in
 * flight, as if ignored: nothing else changes, and the search need not interleave its consumption.
 * It stays deliverable should it matter again (a node that forgot its vote or term in a crash).
 * With term and vote on disk, a message that changes nothing now never will.
 */
export const effective = (x: Pick<Server, 'term' | 'votedFor' | 'role' | 'votes'>, msg: Msg, from: NodeId): boolean => {
  if (msg.type === 'RequestVote') return msg.term > x.term || (msg.term === x.term && (x.votedFor === null || x.votedFor === from));
  if (msg.type === 'Vote') return x.role === 'candidate' && msg.term === x.term && !x.votes.has(from);
  return false;
};

export function electionProtocol(n: number, maxTerm: number, variant: Variant = 'default') {
  const ids = serverIds(n);
  const quorum = quorumOf(n, variant);
  const termOnDisk = variant !== 'term-not-durable';
  const voteOnDisk = variant !== 'vote-not-durable';
  const fencing = variant !== 'no-fencing';
  const unbounded = UNBOUNDED.includes(variant);
  const solo = variant === 'solo-timeouts' || variant === 'unbounded-terms-solo-timeouts';
  /** Whether a server may still start an election: not a leader, and (bounded) below the last term. */
  const mayStart = (x: Server) => x.role !== 'leader' && (unbounded || x.term < maxTerm);

  /** The node's new state; its election timer is armed exactly while it is not leader and may still start an election. */
  const settle = (x: Server, ctx: Context<Msg>): Server => {
    if (mayStart(x)) ctx.setTimer(ELECTION_TIMEOUT);
    else ctx.cancelTimer(ELECTION_TIMEOUT);
    return x;
  };
  /** A candidate with a quorum of votes becomes leader of its term. */
  const tally = (x: Server): Server =>
    x.votes.size >= quorum ? { ...x, role: 'leader', votes: NO_VOTES, wrote: false, led: [...x.led, x.term].sort((a, b) => a - b) } : x;

  /** Whether `id` is up in `role`. */
  const isUp = (w: ElectionWorld, id: ServerId, role: ServerRole) => !w.crashed(id) && w.node(id).role === role;
  const isTimeout = (step: StepInfo) => step.kind === 'timer' && step.name === ELECTION_TIMEOUT;
  /** Unbounded terms: an election of `id` is still being carried by the network. */
  const electionInFlight = (w: ElectionWorld, id: NodeId) =>
    w.inFlight().some((e) => (e.payload.type === 'RequestVote' && e.from === id) || (e.payload.type === 'Vote' && e.to === id));
  /**
   * When the environment lets `id`'s election timer fire. Randomised timeouts, idealised (`solo`):
   * only while no other server is a candidate, so elections never overlap and no vote is split.
   * Raft's timing (unbounded terms): only once its last election has played out, and while no
   * leader is up.
   */
  const timeoutAssumed = (w: ElectionWorld, id: NodeId): boolean =>
    (!solo || !ids.some((other) => other !== id && isUp(w, other, 'candidate'))) &&
    (!unbounded || (!electionInFlight(w, id) && !ids.some((other) => isUp(w, other, 'leader'))));

  const server = role<Server, Msg>({
    init: () => ({ term: 0, votedFor: null, role: 'follower', votes: NO_VOTES, wrote: false, led: [] }),
    // On disk: the ghost record, and currentTerm and votedFor unless the variant keeps one only in memory.
    durable: ['led', termOnDisk && 'term', voteOnDisk && 'votedFor'],
    start: settle,
    recover: settle,
    timer: (s, _name, ctx) => {
      if (!mayStart(s)) return;
      const term = s.term + 1;
      ctx.broadcast({ type: 'RequestVote', term }, ctx.peers('server'));
      return settle(tally({ ...s, term, votedFor: ctx.self, role: 'candidate', votes: new Set([ctx.self]) }), ctx);
    },
    // Unbounded terms: every message is read, and one that changes nothing dropped (a message
    // left in flight for ever would keep its sender's timer from firing, see `assume`).
    accepts: unbounded ? undefined : effective,
    receive: (s, msg, from, ctx) => {
      let x = s;
      if (msg.type === 'RequestVote') {
        // A newer term makes anyone a follower of it, with its vote in that term still free.
        if (msg.term > x.term) x = { ...x, term: msg.term, votedFor: null, role: 'follower', votes: NO_VOTES, wrote: false };
        if (msg.term === x.term && (x.votedFor === null || x.votedFor === from)) {
          x = { ...x, votedFor: from };
          ctx.send(from, { type: 'Vote', term: msg.term });
        }
        return settle(x, ctx);
      }
      if (msg.type === 'Vote' && x.role === 'candidate' && msg.term === x.term && !x.votes.has(from)) {
        // In id order, so that equal sets read alike in traces (a Set's identity ignores order).
        return settle(tally({ ...x, votes: new Set([...x.votes, from].sort()) }), ctx);
      }
    },
    actions: unbounded
      ? {}
      : {
          write: {
            // Whoever believes it leads serves a client write, stamped with its term.
            when: (s) => s.role === 'leader' && !s.wrote,
            run: (s, ctx) => {
              ctx.send('store', { type: 'Write', epoch: s.term });
              return settle({ ...s, wrote: true }, ctx);
            },
          },
        },
  });
  const storage = role<Store, Msg>({
    init: () => ({ accepted: [] }),
    durable: 'all',
    // With fencing, a write from an epoch older than one accepted is refused: left undelivered, as if dropped on arrival.
    accepts: (s, msg) => !fencing || msg.type !== 'Write' || msg.epoch >= Math.max(0, ...s.accepted),
    receive: (s, msg) => (msg.type === 'Write' ? { accepted: [...s.accepted, msg.epoch] } : undefined),
  });
  // Unbounded terms are about electing a leader: no storage, no client writes.
  const stores: readonly 'store'[] = unbounded ? [] : ['store'];

  return protocol(
    { roles: { server, storage }, nodes: { server: ids, storage: stores } },
    {
      // Servers are interchangeable: they address each other by id and break no tie by id (the
      // systems that crash only n1 make n1 a class of its own).
      symmetric: ['server'],
      assume: solo || unbounded ? (w, step) => !isTimeout(step) || timeoutAssumed(w, step.node!) : undefined,
      // Legal ends. Unbounded terms: a leader is up (its heartbeats, not modelled, keep every
      // other server's timer from firing). Bounded terms: no election can start any more — every
      // server that is up leads, has used up the terms, or may not time out (solo timeouts:
      // another server is a candidate).
      terminal: (w) =>
        unbounded
          ? ids.some((id) => isUp(w, id, 'leader'))
          : ids.every((id) => w.crashed(id) || !mayStart(w.node(id)) || !timeoutAssumed(w, id)),
      // Identified up to a shift of every term, with unbounded terms.
      view: unbounded ? relativeTerms : undefined,
      refuse: (faults) => unbounded && faults.partition > 0 && 'partitions let a server cut off raise its term for ever (infinitely many states)',
      fairness: FAIRNESS,
      properties: [
        electionSafety('election-safety', (w: ElectionWorld) => ids.flatMap((id) => ledTerms(w, id).map((term) => ({ leader: id, term })))),
        sometimes('leader-elected', (w) => ids.some((id) => ledTerms(w, id).length > 0), 'some node becomes leader'),
        unbounded && eventually('eventually-a-leader', (w) => ids.some((id) => ledTerms(w, id).length > 0), 'some server is eventually elected leader'),
        !unbounded && noStaleEpochWrite('no-stale-write', acceptedEpochs),
        !unbounded && sometimes('write-accepted', (w) => acceptedEpochs(w).length > 0, 'the storage accepts a write'),
        !unbounded &&
          sometimes(
            'stale-write-arrives',
            (w) => {
              const accepted = acceptedEpochs(w);
              if (accepted.length === 0) return false;
              const newest = Math.max(...accepted);
              return w.inFlight().some((e) => e.payload.type === 'Write' && e.payload.epoch < newest);
            },
            "a deposed leader's write is on its way to the storage after a newer leader's write was accepted",
          ),
      ],
    },
  );
}

/**
 * What identifies a state with unbounded terms: the servers' states and timers with every term
 * (theirs, their messages', their ghost records') taken relative to the lowest term a server
 * holds, and the in-flight messages as a sorted multiset (a message that can no longer change
 * anything without its term); the layer adds the fault bookkeeping. The ghost record keeps only
 * terms from the lowest on: a server becomes leader only in its current term, so an older entry
 * can never meet a new election (and a clash of two, in a term that was current then, was seen
 * when it happened).
 */
export function relativeTerms(w: ElectionWorld): unknown {
  const ids = w.nodesOf('server');
  const servers = w.role('server');
  const base = Math.min(...servers.map((s) => s.term));
  const shift = (t: number) => t - base;
  const nodes = servers.map((s, i) => ({ ...s, term: shift(s.term), led: s.led.filter((t) => t >= base).map(shift), timers: w.timersOf(ids[i]) }));
  const byId = new Map<NodeId, Server>(ids.map((id, i) => [id, servers[i]]));
  // A message that can change nothing now never will (term and vote are on disk): its term no
  // longer matters, only that it is still on its way.
  const messages = w
    .inFlight()
    .map((e) => {
      const p = e.payload;
      const live = p.type !== 'Write' && effective(byId.get(e.to)!, p, e.from);
      return JSON.stringify([e.from, e.to, p.type, live ? shift(p.term) : 'dead']);
    })
    .sort();
  return { nodes, messages };
}

export const definition = defineProtocol({
  name: 'quorum-election',
  description: 'Raft-style leader election with terms, majority votes and an epoch-fenced storage, under crashes, partitions and loss',
  params: {
    nodes: int({ default: 3, min: 2, max: 5, description: 'number of servers that elect a leader' }),
    maxTerm: int({ default: 2, min: 1, max: 4, description: 'highest term a server may start an election for (not in the unbounded-terms variants)' }),
  },
  variants: {
    default: {
      expect: 'holds',
      description: 'currentTerm and votedFor on disk, majority quorum, fenced storage: one leader per term, no stale write',
      system: 'crash-recovery-lossy',
    },
    'vote-not-durable': {
      expect: 'violated',
      description: 'votedFor only in memory: a node that crashes and recovers votes twice in a term (two leaders)',
      system: 'crash-recovery',
    },
    'term-not-durable': {
      expect: 'violated',
      description: 'currentTerm only in memory: a recovered node takes an old term for a new one and votes again',
      system: 'crash-recovery',
    },
    'minority-quorum': {
      expect: 'violated',
      description: 'a quorum of ⌊n/2⌋ votes: two disjoint groups each elect a leader in the same term (split brain)',
      system: 'reliable',
    },
    'no-fencing': {
      expect: 'violated',
      description: 'the storage does not check epochs: a deposed leader, unaware of the new term, still gets its write accepted',
      system: 'reliable',
    },
    'solo-timeouts': {
      expect: 'holds',
      description: 'as default, assuming randomised timeouts never overlap: a server times out only while no other is a candidate',
      system: 'lossy',
    },
    'unbounded-terms': {
      expect: 'violated',
      description: 'terms without bound, equal timeouts: every server may time out in the same term and vote for itself, for ever (no leader: a livelock)',
      system: 'reliable',
    },
    'unbounded-terms-solo-timeouts': {
      expect: 'holds',
      description: 'terms without bound, randomised timeouts (a server times out only while no other is a candidate): a leader is eventually elected',
      system: 'reliable',
    },
  },
  systems: {
    reliable: { description: 'messages are delayed and reordered, never lost; no node fails', faults: {} },
    'crash-recovery': {
      description: 'one server may crash and recover with what is on its disk (by symmetry, n1 stands for any server)',
      faults: { crash: 1, recover: 1, crashNodes: ['n1'] },
    },
    partitions: { description: 'the network may split in two once (and heal)', faults: { partition: 1 } },
    lossy: { description: 'one message may be lost', faults: { drop: 1 } },
    'crash-recovery-lossy': {
      description: 'a server may crash and recover (n1, by symmetry) and one message may be lost',
      faults: { crash: 1, recover: 1, crashNodes: ['n1'], drop: 1 },
    },
  },
  build: ({ params, variant }) => electionProtocol(params.nodes, params.maxTerm, variant),
});
