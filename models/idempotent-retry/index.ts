/**
 * Idempotent retries: exactly-once = at-least-once + deduplication. A client deposits money with
 * requests `Deposit(id=1)`, `Deposit(id=2)`, … one at a time. A timeout cannot tell a lost request
 * from a slow one, so the client resends the same request (same id) when its `retry` timer fires,
 * up to `retries` times, until the server's `Ack` arrives. The network may also lose and duplicate
 * messages, and the server may crash and restart with only what it wrote to disk.
 *
 * The server appends one ledger entry per deposit it applies. It recognises copies by request id
 * in a table of the ids it has applied — or not (`no-dedup`); kept on disk, written together with
 * the ledger entry (`default`: exactly-once even across a restart), or only in memory
 * (`volatile-dedup`: a restart forgets it, and a late copy is applied again).
 *
 * Liveness: every deposit is eventually acknowledged — as long as the losses cannot outnumber the
 * copies of one request (drop budget ≤ retries). No fairness is assumed, and none is needed: every
 * step consumes a message, a retry or a fault budget, so every behaviour is finite, and one only
 * stops where nothing is enabled (no copy left on its way, no retry left, the server up): the
 * client is done, or has given up on a deposit, which is the liveness property's counterexample.
 */
import { defineProtocol, eventually, int, protocol, role, sometimes, type Context, type Role, type WorldOf } from 'faultline';
import { acknowledgedApplied, atMostOnce } from 'faultline/invariants';

export type Msg = { readonly type: 'Deposit'; readonly id: number } | { readonly type: 'Ack'; readonly id: number };

export type Variant = 'default' | 'no-dedup' | 'volatile-dedup';

/**
 * The client: the request in progress (`requests + 1` once all are acknowledged) and how many
 * copies of it were sent. It does not crash in the declared systems; all of it is on disk.
 */
export interface Client {
  readonly current: number;
  readonly sent: number;
}

/**
 * The server: its ledger (ids of applied deposits, in order, on disk) and its dedup table
 * `applied` (on disk or in memory, as the variant says; empty and unused without dedup).
 */
export interface Server {
  readonly ledger: readonly number[];
  readonly applied: readonly number[];
}

/** The global state of idempotent-retry, as its properties read it. */
export type RetryWorld = WorldOf<
  { readonly client: Role<Client, Msg>; readonly server: Role<Server, Msg> },
  { readonly client: readonly ['client']; readonly server: readonly ['server'] }
>;

/** The deposits the server has applied, one entry per application. */
export const ledger = (w: RetryWorld): readonly number[] => w.node('server').ledger;

/** The requests the client has seen acknowledged. */
export const acknowledged = (w: RetryWorld): number[] => Array.from({ length: w.node('client').current - 1 }, (_, i) => i + 1);

export function idempotentRetryProtocol(requests: number, retries: number, variant: Variant) {
  const dedup = variant !== 'no-dedup';
  /** Send (a copy of) request `id`, keeping the retry timer armed while retries remain. */
  const sendCopy = (id: number, sent: number, ctx: Context<Msg>): Client => {
    ctx.send('server', { type: 'Deposit', id });
    if (sent <= retries) ctx.setTimer('retry');
    return { current: id, sent };
  };

  const client = role<Client, Msg>({
    init: () => ({ current: 1, sent: 0 }),
    durable: 'all',
    start: (_s, ctx) => sendCopy(1, 1, ctx),
    timer: (s, _name, ctx) => sendCopy(s.current, s.sent + 1, ctx),
    receive: (s, msg, _from, ctx) => {
      if (msg.type !== 'Ack' || msg.id !== s.current) return; // a late ack of an earlier request
      ctx.cancelTimer('retry');
      const next = msg.id + 1;
      return next <= requests ? sendCopy(next, 1, ctx) : { current: next, sent: 0 };
    },
  });
  const server = role<Server, Msg>({
    init: () => ({ ledger: [], applied: [] }),
    // The dedup table is written together with the ledger entry, unless it is kept in memory.
    durable: variant === 'volatile-dedup' ? ['ledger'] : 'all',
    receive: (s, msg, from, ctx) => {
      if (msg.type !== 'Deposit') return;
      ctx.send(from, { type: 'Ack', id: msg.id });
      if (!dedup) return { ...s, ledger: [...s.ledger, msg.id] };
      return s.applied.includes(msg.id) ? s : { ledger: [...s.ledger, msg.id], applied: [...s.applied, msg.id] };
    },
  });

  return protocol(
    { roles: { client, server }, nodes: { client: ['client'], server: ['server'] } },
    {
      // The client stops once every deposit is acknowledged, or once it has sent the last copy of
      // one (its retries spent); whether that deposit was acknowledged is the liveness property's
      // question, not a deadlock.
      terminal: (w) => acknowledged(w).length === requests || w.node('client').sent > retries,
      properties: [
        atMostOnce('applied-at-most-once', ledger, 'no deposit is applied twice'),
        acknowledgedApplied('acknowledged-applied', acknowledged, ledger, 'every deposit the client saw acknowledged was applied'),
        eventually(
          'all-eventually-acknowledged',
          (w) => acknowledged(w).length === requests,
          'the client stops with a deposit never acknowledged: every copy of it, or its acknowledgement, was lost',
        ),
        retries > 0 && sometimes('retry-happens', (w) => w.node('client').sent >= 2, 'the client resends a request'),
        sometimes(
          'copy-after-apply',
          (w) => w.inFlight().some((e) => e.payload.type === 'Deposit' && ledger(w).includes(e.payload.id)),
          'a copy of a deposit is on its way to the server after the deposit was applied',
        ),
        sometimes('all-acknowledged', (w) => acknowledged(w).length === requests, 'every deposit is acknowledged'),
      ],
    },
  );
}

export const definition = defineProtocol({
  name: 'idempotent-retry',
  description: 'at-least-once retries plus deduplication by request id give exactly-once, if the dedup table survives restarts',
  params: {
    requests: int({ default: 2, min: 1, max: 5, description: 'deposits the client makes, one after another' }),
    retries: int({ default: 2, min: 0, max: 4, description: 'times the client resends a request on timeout' }),
  },
  variants: {
    default: {
      expect: 'holds',
      system: 'crash-recovery',
      description: 'dedup table on disk, written with the ledger entry: exactly-once across a server restart',
    },
    'no-dedup': { expect: 'violated', system: 'crash-recovery', description: 'the server applies every copy it receives' },
    'volatile-dedup': {
      expect: 'violated',
      system: 'crash-recovery',
      description: 'dedup table in memory only: a restart forgets it and a late copy is applied again',
    },
  },
  systems: {
    'crash-recovery': {
      description: 'one message may be lost and one duplicated; the server may crash once and restart from disk',
      faults: { drop: 1, duplicate: 1, crash: 1, recover: 1, crashNodes: ['server'] },
    },
    lossy: { description: 'one message may be lost and one duplicated', faults: { drop: 1, duplicate: 1 } },
    reliable: { description: 'no loss or duplication; a timeout may still fire while a request is only slow', faults: {} },
  },
  build: ({ params, variant }) => idempotentRetryProtocol(params.requests, params.retries, variant),
});
