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
import type { ModelDefinition, Params } from '../../src/model/definition.ts';
import { InputError } from '../../src/model/errors.ts';
import type { Fairness, StepInfo } from '../../src/model/model.ts';
import { eventually, sometimes } from '../../src/model/property.ts';
import type { ProtocolModel } from '../../src/protocol/compile.ts';
import { protocolDefinition } from '../../src/protocol/definition.ts';
import type { Context, NodeId, NodeState, Protocol } from '../../src/protocol/types.ts';
import type { World } from '../../src/protocol/world.ts';
import { electionSafety } from '../../invariants/election-safety.ts';
import { noStaleEpochWrite } from '../../invariants/epoch-fencing.ts';

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

export type Role = 'follower' | 'candidate' | 'leader';

/** What a node's handlers work with, wherever each field is kept (disk or memory). */
export interface Server {
  readonly term: number;
  readonly votedFor: NodeId | null;
  readonly role: Role;
  /** A candidate's granted votes (itself included), sorted. */
  readonly votes: readonly NodeId[];
  /** A leader: whether it has served its client write this term. */
  readonly wrote: boolean;
  /** Ghost: the terms in which this node became leader, sorted. Kept on disk so a crash cannot hide an election. */
  readonly led: readonly number[];
}

/** On disk: the ghost record, plus currentTerm and votedFor where the variant keeps them there. */
export interface Disk {
  readonly term?: number;
  readonly votedFor?: NodeId | null;
  readonly led: readonly number[];
}

/** In memory: the role and its bookkeeping, plus currentTerm or votedFor where a variant keeps them only here. */
export interface Memory {
  readonly role: Role;
  readonly votes?: readonly NodeId[];
  readonly wrote?: boolean;
  readonly term?: number;
  readonly votedFor?: NodeId | null;
}

export type ServerState = NodeState<Disk, Memory>;
export type StoreState = NodeState<{ readonly accepted: readonly number[] }, null>;

/** The election timer's name: a follower or candidate that hears nothing decisive starts an election. */
export const ELECTION_TIMEOUT = 'electionTimeout';

export const serverIds = (n: number): string[] => Array.from({ length: n }, (_, i) => `n${i + 1}`);

/** The quorum a candidate needs: a majority, or (the bug) ⌊n/2⌋. */
export const quorumOf = (n: number, variant: Variant): number => (variant === 'minority-quorum' ? Math.floor(n / 2) : Math.floor(n / 2) + 1);

/** The epochs of the writes the storage accepted, in order. */
export const acceptedEpochs = (w: World): readonly number[] => w.node<StoreState>('store').durable.accepted;

/** The terms in which `id` became leader (ghost; survives crashes). */
export const ledTerms = (w: World, id: NodeId): readonly number[] => w.node<ServerState>(id).durable.led;

/**
 * Whether delivering `msg` would change anything. With bounded terms a message that would not (an
 * old term's request or vote, a request when the vote of its term is given to another) is left in
 * flight, as if ignored: nothing else changes, and the search need not interleave its consumption.
 * It stays deliverable should it matter again (a node that forgot its vote or term in a crash).
 * With term and vote on disk, a message that changes nothing now never will.
 */
export const effective = (x: Pick<Server, 'term' | 'votedFor' | 'role' | 'votes'>, msg: Msg, from: NodeId): boolean => {
  if (msg.type === 'RequestVote') return msg.term > x.term || (msg.term === x.term && (x.votedFor === null || x.votedFor === from));
  if (msg.type === 'Vote') return x.role === 'candidate' && msg.term === x.term && !x.votes.includes(from);
  return false;
};

export function electionProtocol(n: number, maxTerm: number, variant: Variant = 'default'): Protocol<Msg> {
  const ids = serverIds(n);
  const quorum = quorumOf(n, variant);
  const termOnDisk = variant !== 'term-not-durable';
  const voteOnDisk = variant !== 'vote-not-durable';
  const fencing = variant !== 'no-fencing';
  const unbounded = UNBOUNDED.includes(variant);
  const solo = variant === 'solo-timeouts' || variant === 'unbounded-terms-solo-timeouts';
  /** Whether a server may still start an election: not a leader, and (bounded) below the last term. */
  const mayStart = (x: Server) => x.role !== 'leader' && (unbounded || x.term < maxTerm);

  const pack = (x: Server): ServerState => {
    const durable: { term?: number; votedFor?: NodeId | null; led: readonly number[] } = { led: x.led };
    const memory: { role: Role; votes?: readonly NodeId[]; wrote?: boolean; term?: number; votedFor?: NodeId | null } = { role: x.role };
    if (x.role === 'candidate') memory.votes = x.votes;
    if (x.role === 'leader') memory.wrote = x.wrote;
    if (termOnDisk) durable.term = x.term;
    else memory.term = x.term;
    if (voteOnDisk) durable.votedFor = x.votedFor;
    else memory.votedFor = x.votedFor;
    return { durable, volatile: memory };
  };
  const unpack = (s: ServerState): Server => ({
    term: (termOnDisk ? s.durable.term : s.volatile.term)!,
    votedFor: (voteOnDisk ? s.durable.votedFor : s.volatile.votedFor)!,
    role: s.volatile.role,
    votes: s.volatile.votes ?? [],
    wrote: s.volatile.wrote ?? false,
    led: s.durable.led,
  });
  const fresh: Server = { term: 0, votedFor: null, role: 'follower', votes: [], wrote: false, led: [] };

  /** The node's new state; its election timer is armed exactly while it is not leader and may still start an election. */
  const settle = (x: Server, ctx: Context<Msg>): ServerState => {
    if (mayStart(x)) ctx.setTimer(ELECTION_TIMEOUT);
    else ctx.cancelTimer(ELECTION_TIMEOUT);
    return pack(x);
  };
  /** A candidate with a quorum of votes becomes leader of its term. */
  const tally = (x: Server): Server =>
    x.votes.length >= quorum ? { ...x, role: 'leader', votes: [], wrote: false, led: [...x.led, x.term].sort((a, b) => a - b) } : x;


  /** Whether `id` is up in `role`. */
  const isUp = (w: World, id: NodeId, role: Role) => !w.crashed(id) && w.node<ServerState>(id).volatile.role === role;
  const isTimeout = (step: StepInfo) => step.kind === 'timer' && step.name === ELECTION_TIMEOUT;
  /** Unbounded terms: an election of `id` is still being carried by the network. */
  const electionInFlight = (w: World, id: NodeId) =>
    w.inFlight().some((e) => (e.payload.type === 'RequestVote' && e.from === id) || (e.payload.type === 'Vote' && e.to === id));
  /**
   * When the environment lets `id`'s election timer fire. Randomised timeouts, idealised (`solo`):
   * only while no other server is a candidate, so elections never overlap and no vote is split.
   * Raft's timing (unbounded terms): only once its last election has played out, and while no
   * leader is up.
   */
  const timeoutAssumed = (w: World, id: NodeId): boolean =>
    (!solo || !ids.some((other) => other !== id && isUp(w, other, 'candidate'))) &&
    (!unbounded || (!electionInFlight(w, id) && !ids.some((other) => isUp(w, other, 'leader'))));

  return {
    // Unbounded terms are about electing a leader: no storage, no client writes.
    nodes: [...ids.map((id) => ({ id, role: 'server' })), ...(unbounded ? [] : [{ id: 'store', role: 'storage' }])],
    roles: {
      server: {
        init: () => pack(fresh),
        start: (s: ServerState, ctx) => settle(unpack(s), ctx),
        recover: (s: ServerState, ctx) => settle(unpack(s), ctx),
        timer: (s: ServerState, _name, ctx): ServerState | void => {
          const x = unpack(s);
          if (!mayStart(x)) return;
          const term = x.term + 1;
          ctx.broadcast({ type: 'RequestVote', term }, ctx.peers('server'));
          return settle(tally({ ...x, term, votedFor: ctx.self, role: 'candidate', votes: [ctx.self] }), ctx);
        },
        // Unbounded terms: every message is read, and one that changes nothing dropped (a message
        // left in flight for ever would keep its sender's timer from firing, see `assume`).
        ...(unbounded ? {} : { accepts: (s: ServerState, msg: Msg, from: NodeId) => effective(unpack(s), msg, from) }),
        receive: (s: ServerState, msg, from, ctx): ServerState | void => {
          let x = unpack(s);
          if (msg.type === 'RequestVote') {
            // A newer term makes anyone a follower of it, with its vote in that term still free.
            if (msg.term > x.term) x = { ...x, term: msg.term, votedFor: null, role: 'follower', votes: [], wrote: false };
            if (msg.term === x.term && (x.votedFor === null || x.votedFor === from)) {
              x = { ...x, votedFor: from };
              ctx.send(from, { type: 'Vote', term: msg.term });
            }
            return settle(x, ctx);
          }
          if (msg.type === 'Vote' && x.role === 'candidate' && msg.term === x.term && !x.votes.includes(from)) {
            return settle(tally({ ...x, votes: [...x.votes, from].sort() }), ctx);
          }
        },
        actions: unbounded ? {} : {
          write: {
            // Whoever believes it leads serves a client write, stamped with its term.
            when: (s: ServerState) => s.volatile.role === 'leader' && s.volatile.wrote === false,
            run: (s: ServerState, ctx) => {
              const x = unpack(s);
              ctx.send('store', { type: 'Write', epoch: x.term });
              return settle({ ...x, wrote: true }, ctx);
            },
          },
        },
      },
      storage: {
        init: (): StoreState => ({ durable: { accepted: [] }, volatile: null }),
        // With fencing, a write from an epoch older than one accepted is refused: left undelivered, as if dropped on arrival.
        accepts: (s: StoreState, msg) => !fencing || msg.type !== 'Write' || msg.epoch >= Math.max(0, ...s.durable.accepted),
        receive: (s: StoreState, msg): StoreState | void => {
          if (msg.type !== 'Write') return;
          const accepted = s.durable.accepted;
          return { durable: { accepted: [...accepted, msg.epoch] }, volatile: null };
        },
      },
    },
    ...(solo || unbounded ? { assume: (w: World, step: StepInfo) => !isTimeout(step) || timeoutAssumed(w, step.node!) } : {}),
    fairness: FAIRNESS,
    properties: [
      electionSafety('election-safety', (w: World) => ids.flatMap((id) => ledTerms(w, id).map((term) => ({ leader: id, term })))),
      sometimes('leader-elected', (w: World) => ids.some((id) => ledTerms(w, id).length > 0), 'some node becomes leader'),
      ...(unbounded
        ? [eventually('eventually-a-leader', (w: World) => ids.some((id) => ledTerms(w, id).length > 0), 'some server is eventually elected leader')]
        : [
            noStaleEpochWrite('no-stale-write', acceptedEpochs),
            sometimes('write-accepted', (w: World) => acceptedEpochs(w).length > 0, 'the storage accepts a write'),
            sometimes(
              'stale-write-arrives',
              (w: World) => {
                const accepted = acceptedEpochs(w);
                if (accepted.length === 0) return false;
                const newest = Math.max(...accepted);
                return w.inFlight().some((e) => e.payload.type === 'Write' && (e.payload.epoch as number) < newest);
              },
              "a deposed leader's write is on its way to the storage after a newer leader's write was accepted",
            ),
          ]),
    ],
  };
}

/**
 * What identifies a state with unbounded terms: the state with every term (the servers', their
 * messages', their ghost records') taken relative to the lowest term a server holds, the
 * in-flight messages as a sorted multiset (a message that can no longer change anything without
 * its term), and the fault bookkeeping as it is. The ghost record keeps only terms from the
 * lowest on: a server becomes leader only in its current term, so an older entry can never meet a
 * new election (and a clash of two, in a term that was current then, was seen when it happened).
 */
export function relativeTerms(w: World): unknown {
  const states = w.ids.map((id) => w.node<ServerState>(id));
  const base = Math.min(...states.map((s) => s.durable.term!));
  const shift = (t: number) => t - base;
  const nodes = states.map((s, i) => ({
    term: shift(s.durable.term!),
    votedFor: s.durable.votedFor,
    led: s.durable.led.filter((t) => t >= base).map(shift),
    volatile: s.volatile,
    timers: w.timers[i],
  }));
  // A message that can change nothing now never will (term and vote are on disk): its term no
  // longer matters, only that it is still on its way.
  const messages = w
    .inFlight()
    .map((e) => {
      const to = states[w.ids.indexOf(e.to)];
      const server = { term: to.durable.term!, votedFor: to.durable.votedFor!, role: to.volatile?.role, votes: to.volatile?.votes ?? [] };
      const p = e.payload as Msg & { term: number };
      return JSON.stringify([e.from, e.to, p.type, effective(server, p, e.from) ? shift(p.term) : 'dead']);
    })
    .sort();
  return { nodes, messages, status: w.status, used: w.used, partition: w.partition, time: w.time, offsets: w.offsets };
}

const protocolModel = protocolDefinition<Msg>({
  name: 'quorum-election',
  description: 'Raft-style leader election with terms, majority votes and an epoch-fenced storage, under crashes, partitions and loss',
  params: [
    { name: 'nodes', default: 3, min: 2, max: 5, description: 'number of servers that elect a leader' },
    { name: 'maxTerm', default: 2, min: 1, max: 4, description: 'highest term a server may start an election for (not in the unbounded-terms variants)' },
  ],
  variants: [
    {
      name: 'default',
      expect: 'holds',
      description: 'currentTerm and votedFor on disk, majority quorum, fenced storage: one leader per term, no stale write',
      system: 'crash-recovery-lossy',
    },
    {
      name: 'vote-not-durable',
      expect: 'violated',
      description: 'votedFor only in memory: a node that crashes and recovers votes twice in a term (two leaders)',
      system: 'crash-recovery',
    },
    {
      name: 'term-not-durable',
      expect: 'violated',
      description: 'currentTerm only in memory: a recovered node takes an old term for a new one and votes again',
      system: 'crash-recovery',
    },
    {
      name: 'minority-quorum',
      expect: 'violated',
      description: 'a quorum of ⌊n/2⌋ votes: two disjoint groups each elect a leader in the same term (split brain)',
      system: 'reliable',
    },
    {
      name: 'no-fencing',
      expect: 'violated',
      description: 'the storage does not check epochs: a deposed leader, unaware of the new term, still gets its write accepted',
      system: 'reliable',
    },
    {
      name: 'solo-timeouts',
      expect: 'holds',
      description: 'as default, assuming randomised timeouts never overlap: a server times out only while no other is a candidate',
      system: 'lossy',
    },
    {
      name: 'unbounded-terms',
      expect: 'violated',
      description: 'terms without bound, equal timeouts: every server may time out in the same term and vote for itself, for ever (no leader: a livelock)',
      system: 'reliable',
    },
    {
      name: 'unbounded-terms-solo-timeouts',
      expect: 'holds',
      description: 'terms without bound, randomised timeouts (a server times out only while no other is a candidate): a leader is eventually elected',
      system: 'reliable',
    },
  ],
  systems: [
    { name: 'reliable', description: 'messages are delayed and reordered, never lost; no node fails', faults: {} },
    {
      name: 'crash-recovery',
      description: 'one server may crash and recover with what is on its disk (by symmetry, n1 stands for any server)',
      faults: { crash: 1, recover: 1, crashNodes: ['n1'] },
    },
    { name: 'partitions', description: 'the network may split in two once (and heal)', faults: { partition: 1 } },
    { name: 'lossy', description: 'one message may be lost', faults: { drop: 1 } },
    {
      name: 'crash-recovery-lossy',
      description: 'a server may crash and recover (n1, by symmetry) and one message may be lost',
      faults: { crash: 1, recover: 1, crashNodes: ['n1'], drop: 1 },
    },
  ],
  protocol: (params: Params, variant: string) => electionProtocol(params.nodes as number, params.maxTerm as number, variant as Variant),
});

export const definition: ModelDefinition = {
  ...protocolModel,
  build(config) {
    const model = protocolModel.build(config) as ProtocolModel;
    if (!UNBOUNDED.includes(config.variant as Variant)) return model;
    if (model.config.partition > 0) {
      throw new InputError(`${config.variant} cannot be checked with partitions: a server cut off raises its term for ever (infinitely many states)`);
    }
    // Identified up to a shift of every term: the view replaces the fingerprint.
    return { ...model, fingerprint: undefined, view: relativeTerms };
  },
};
