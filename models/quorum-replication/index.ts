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
import type { Params } from '../../src/model/definition.ts';
import { InputError } from '../../src/model/errors.ts';
import { sometimes } from '../../src/model/property.ts';
import { protocolDefinition } from '../../src/protocol/definition.ts';
import type { Context, NodeState, Protocol } from '../../src/protocol/types.ts';
import type { World } from '../../src/protocol/world.ts';
import { noStaleRead, type RegisterOp } from '../../invariants/linearizability.ts';

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
export type Client = NodeState<
  { readonly op: number; readonly replied: readonly string[]; readonly highest: number; readonly history: readonly RegisterOp[] },
  null
>;
export type Replica = NodeState<{ readonly version: number }, null>;

export const replicaIds = (n: number): string[] => Array.from({ length: n }, (_, i) => `r${i + 1}`);

const history = (w: World) => w.node<Client>('client').durable.history;
const completedWrite = (w: World) => Math.max(0, ...history(w).filter((o) => o.kind === 'write').map((o) => o.version));

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

export function quorumReplicationProtocol(n: number, r: number, w: number, writes: number): Protocol<Msg> {
  const replicas = replicaIds(n);
  const client = (op: number, replied: readonly string[], highest: number, hist: readonly RegisterOp[]): Client => ({
    durable: { op, replied, highest, history: hist },
    volatile: null,
  });
  /** Operation `op` is write ⌊op/2⌋ + 1 when even, read ⌊op/2⌋ + 1 when odd. */
  const begin = (op: number, hist: readonly RegisterOp[], ctx: Context<Msg>): Client => {
    if (op < 2 * writes) {
      const k = Math.floor(op / 2) + 1;
      ctx.broadcast(op % 2 === 0 ? { type: 'Write', version: k } : { type: 'Read', read: k }, replicas);
    }
    return client(op, [], 0, hist);
  };
  /** Complete the operation in progress, which returned `version`, and begin the next. */
  const complete = (s: Client, version: number, ctx: Context<Msg>): Client => {
    const { op } = s.durable;
    const done: RegisterOp = { kind: op % 2 === 0 ? 'write' : 'read', version, invokedAt: 2 * op, completedAt: 2 * op + 1 };
    return begin(op + 1, [...s.durable.history, done], ctx);
  };
  const answered = (s: Client, from: string) => [...s.durable.replied, from].sort();

  return {
    nodes: [{ id: 'client', role: 'client' }, ...replicas.map((id) => ({ id, role: 'replica' }))],
    roles: {
      client: {
        init: () => client(0, [], 0, []),
        start: (_s: Client, ctx) => begin(0, [], ctx),
        receive: (s: Client, msg, from, ctx): Client | void => {
          const { op, replied, highest, history: hist } = s.durable;
          const k = Math.floor(op / 2) + 1;
          if (replied.includes(from)) return; // a duplicate answer
          if (msg.type === 'WriteAck' && op % 2 === 0 && msg.version === k) {
            const acks = answered(s, from);
            return acks.length === w ? complete(s, k, ctx) : client(op, acks, highest, hist);
          }
          if (msg.type === 'ReadReply' && op % 2 === 1 && msg.read === k) {
            const replies = answered(s, from);
            const best = Math.max(highest, msg.version);
            return replies.length === r ? complete(s, best, ctx) : client(op, replies, best, hist);
          }
          // Otherwise a late answer to an operation already complete: ignored.
        },
      },
      replica: {
        init: (): Replica => ({ durable: { version: 0 }, volatile: null }),
        receive: (s: Replica, msg, from, ctx): Replica | void => {
          if (msg.type === 'Write') {
            ctx.send(from, { type: 'WriteAck', version: msg.version });
            if (msg.version > s.durable.version) return { durable: { version: msg.version }, volatile: null };
          } else if (msg.type === 'Read') {
            ctx.send(from, { type: 'ReadReply', read: msg.read, version: s.durable.version });
          }
        },
      },
    },
    properties: [
      noStaleRead('no-stale-read', history, 'a read that starts after a write completed returns that version or a later one'),
      // With w = n a write completes only once every replica has it: nothing can lag.
      ...(w < n
        ? [
            sometimes(
              'replica-lags',
              (x: World) => replicas.some((id) => x.node<Replica>(id).durable.version < completedWrite(x)),
              'a write completes while some replica has not received it',
            ),
          ]
        : []),
      sometimes(
        'fresh-read',
        (x: World) => history(x).some((o, i) => o.kind === 'read' && o.version >= 1 && o.version === history(x)[i - 1].version),
        'a read returns the write just completed',
      ),
    ],
  };
}

export const definition = protocolDefinition<Msg>({
  name: 'quorum-replication',
  description: 'a replicated register with read and write quorums: stale reads unless r + w > n',
  params: [
    { name: 'n', default: 3, min: 1, max: 7, description: 'replicas' },
    { name: 'r', default: 0, min: 0, max: 7, description: "read quorum (0: the variant's)" },
    { name: 'w', default: 0, min: 0, max: 7, description: "write quorum (0: the variant's)" },
    { name: 'writes', default: 1, min: 1, max: 3, description: 'writes, each followed by a read' },
  ],
  variants: [
    {
      name: 'strict-quorum',
      expect: 'holds',
      system: 'async',
      description: 'r + w > n (default: r = w = a majority): every read quorum meets every write quorum',
    },
    {
      name: 'partial-quorum',
      expect: 'violated',
      system: 'async',
      description: 'r + w ≤ n (default: r = w = 1): a read can miss a completed write',
    },
  ],
  systems: [
    { name: 'async', description: 'messages are delayed and reordered arbitrarily, never lost', faults: {} },
    { name: 'lossy', description: 'one message may also be lost', faults: { drop: 1 } },
  ],
  protocol: (params: Params, variant: string) => {
    const n = params.n as number;
    const q = quorums(n, params.r as number, params.w as number, variant as Variant);
    return quorumReplicationProtocol(n, q.r, q.w, params.writes as number);
  },
});
