/**
 * Quorum replication (Gifford's weighted voting; Dynamo-style R/W quorums): a register kept on
 * `n` replicas. A client writes version 1, 2, … by sending it to every replica and counts the
 * write done once `w` replicas acknowledged it; the others may still lag, their copies in flight.
 * After each write the client reads: it asks every replica and returns the highest version among
 * the first `r` replies.
 *
 * If r + w > n every read quorum meets every write quorum, so a read started after a write
 * completed sees it (or a later one). If r + w ≤ n a read can be answered entirely by replicas the
 * write has not reached yet: a stale read, with no message lost at all — asynchrony is enough.
 */
import { InputError, defineProtocol, int, protocol, role, sometimes, type Context, type Role, type WorldOf } from 'faultline';
import { noStaleRead, type RegisterOp } from 'faultline/invariants';

export type Msg =
  | { readonly type: 'Write'; readonly version: number }
  | { readonly type: 'WriteAck'; readonly version: number }
  | { readonly type: 'Read'; readonly read: number }
  | { readonly type: 'ReadReply'; readonly read: number; readonly version: number };

export type Variant = 'strict-quorum' | 'partial-quorum';

/**
 * The client (which does not crash here) runs write 1, read 1, write 2, read 2, …: `op` is the
 * index of the operation in progress (`2 × writes` once all are done); `replied` the replicas that
 * answered it; `highest` the highest version a read has been told; `history` the completed
 * operations, with the client's own step numbers as real time (it is the only client).
 */
export interface Client {
  readonly op: number;
  readonly replied: readonly string[];
  readonly highest: number;
  readonly history: readonly RegisterOp[];
}
export interface Replica {
  readonly version: number;
}

/** A replica's node id. */
export type ReplicaId = `r${number}`;

export const replicaIds = (n: number): ReplicaId[] => Array.from({ length: n }, (_, i) => `r${i + 1}` as const);

/** The global state of quorum replication, as its properties read it. */
export type QuorumWorld = WorldOf<
  { readonly client: Role<Client, Msg>; readonly replica: Role<Replica, Msg> },
  { readonly client: readonly ['client']; readonly replica: ReplicaId[] }
>;

const history = (x: QuorumWorld) => x.node('client').history;
const completedWrite = (x: QuorumWorld) => Math.max(0, ...history(x).filter((o) => o.kind === 'write').map((o) => o.version));

/** The quorum sizes a variant uses when `r` / `w` are not given (0). */
export function quorums(n: number, r: number, w: number, variant: Variant): { r: number; w: number } {
  const fallback = variant === 'strict-quorum' ? Math.floor(n / 2) + 1 : 1;
  const q = { r: r === 0 ? fallback : r, w: w === 0 ? fallback : w };
  if (q.r > n || q.w > n) throw new InputError(`quorums must be at most n=${n}, got r=${q.r}, w=${q.w}`);
  if (variant === 'strict-quorum' && q.r + q.w <= n) {
    throw new InputError(`strict-quorum needs r + w > n (got r=${q.r}, w=${q.w}, n=${n}); use --variant partial-quorum`);
  }
  if (variant === 'partial-quorum' && q.r + q.w > n) {
    throw new InputError(`partial-quorum needs r + w ≤ n (got r=${q.r}, w=${q.w}, n=${n}); use --variant strict-quorum`);
  }
  return q;
}

export function quorumReplicationProtocol(n: number, r: number, w: number, writes: number) {
  const replicas = replicaIds(n);
  /** Operation `op` is write ⌊op/2⌋ + 1 when even, read ⌊op/2⌋ + 1 when odd. */
  const begin = (op: number, hist: readonly RegisterOp[], ctx: Context<Msg>): Client => {
    if (op < 2 * writes) {
      const k = Math.floor(op / 2) + 1;
      ctx.broadcast(op % 2 === 0 ? { type: 'Write', version: k } : { type: 'Read', read: k }, replicas);
    }
    return { op, replied: [], highest: 0, history: hist };
  };
  /** Complete the operation in progress, which returned `version`, and begin the next. */
  const complete = (s: Client, version: number, ctx: Context<Msg>): Client => {
    const { op } = s;
    const done: RegisterOp = { kind: op % 2 === 0 ? 'write' : 'read', version, invokedAt: 2 * op, completedAt: 2 * op + 1 };
    return begin(op + 1, [...s.history, done], ctx);
  };
  const answered = (s: Client, from: string) => [...s.replied, from].sort();

  // Nothing is lost in a crash (no system model here crashes a node; `--faults` can).
  const client = role<Client, Msg>({
    init: () => ({ op: 0, replied: [], highest: 0, history: [] }),
    durable: 'all',
    start: (_s, ctx) => begin(0, [], ctx),
    receive: (s, msg, from, ctx) => {
      const k = Math.floor(s.op / 2) + 1;
      if (s.replied.includes(from)) return; // a duplicate answer
      if (msg.type === 'WriteAck' && s.op % 2 === 0 && msg.version === k) {
        const acks = answered(s, from);
        return acks.length === w ? complete(s, k, ctx) : { ...s, replied: acks };
      }
      if (msg.type === 'ReadReply' && s.op % 2 === 1 && msg.read === k) {
        const replies = answered(s, from);
        const best = Math.max(s.highest, msg.version);
        return replies.length === r ? complete(s, best, ctx) : { ...s, replied: replies, highest: best };
      }
      // Otherwise a late answer to an operation already complete: ignored.
    },
  });
  const replica = role<Replica, Msg>({
    init: () => ({ version: 0 }),
    durable: 'all',
    receive: (s, msg, from, ctx) => {
      if (msg.type === 'Write') {
        ctx.send(from, { type: 'WriteAck', version: msg.version });
        if (msg.version > s.version) return { version: msg.version };
      } else if (msg.type === 'Read') {
        ctx.send(from, { type: 'ReadReply', read: msg.read, version: s.version });
      }
    },
  });

  return protocol(
    { roles: { client, replica }, nodes: { client: ['client'], replica: replicas } },
    {
      // The client has completed every operation — or a fault took a message or a node away and
      // it may wait for good, since nothing is resent: this model checks what reads return, not
      // that they return. Without faults, a client stuck mid-operation is a deadlock.
      terminal: (x) => x.node('client').op === 2 * writes || x.faultsUsed('drop') + x.faultsUsed('partition') + x.faultsUsed('crash') > 0,
      properties: [
        noStaleRead('no-stale-read', history, 'a read that starts after a write completed returns that version or a later one'),
        // With w = n a write completes only once every replica has it: nothing can lag.
        w < n &&
          sometimes(
            'replica-lags',
            (x) => x.role('replica').some((s) => s.version < completedWrite(x)),
            'a write completes while some replica has not received it',
          ),
        sometimes(
          'fresh-read',
          (x) => history(x).some((o, i) => o.kind === 'read' && o.version >= 1 && o.version === history(x)[i - 1].version),
          'a read returns the write just completed',
        ),
      ],
    },
  );
}

export const definition = defineProtocol({
  name: 'quorum-replication',
  description: 'a replicated register with read and write quorums: stale reads unless r + w > n',
  params: {
    n: int({ default: 3, min: 1, max: 7, description: 'replicas' }),
    r: int({ default: 0, min: 0, max: 7, description: "read quorum (0: the variant's)" }),
    w: int({ default: 0, min: 0, max: 7, description: "write quorum (0: the variant's)" }),
    writes: int({ default: 1, min: 1, max: 3, description: 'writes, each followed by a read' }),
  },
  variants: {
    'strict-quorum': {
      expect: 'holds',
      system: 'async',
      description: 'r + w > n (default: r = w = a majority): every read quorum meets every write quorum',
    },
    'partial-quorum': {
      expect: 'violated',
      system: 'async',
      description: 'r + w ≤ n (default: r = w = 1): a read can miss a completed write',
    },
  },
  systems: {
    async: { description: 'messages are delayed and reordered arbitrarily, never lost', faults: {} },
    lossy: { description: 'one message may also be lost', faults: { drop: 1 } },
  },
  build: ({ params, variant }) => {
    const q = quorums(params.n, params.r, params.w, variant);
    return quorumReplicationProtocol(params.n, q.r, q.w, params.writes);
  },
});
