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
 * stops where nothing is enabled (no copy left on its way, no retry left, the server up).
 */
import type { Params } from '../../src/model/definition.ts';
import { eventually, sometimes } from '../../src/model/property.ts';
import { protocolDefinition } from '../../src/protocol/definition.ts';
import type { Context, NodeState, Protocol } from '../../src/protocol/types.ts';
import type { World } from '../../src/protocol/world.ts';
import { acknowledgedApplied, atMostOnce } from '../../invariants/exactly-once.ts';

export type Msg = { readonly type: 'Deposit'; readonly id: number } | { readonly type: 'Ack'; readonly id: number };

export type Variant = 'default' | 'no-dedup' | 'volatile-dedup';

/**
 * The client (which does not crash here): the request in progress (`requests + 1` once all are
 * acknowledged) and how many copies of it were sent.
 */
export type Client = NodeState<{ readonly current: number; readonly sent: number }, null>;

/** The ledger (ids of applied deposits, in order) is on disk; the dedup table `applied` is where the variant keeps it. */
export type Server = NodeState<
  { readonly ledger: readonly number[]; readonly applied?: readonly number[] },
  { readonly applied: readonly number[] } | null
>;

/** The deposits the server has applied, one entry per application. */
export const ledger = (w: World): readonly number[] => w.node<Server>('server').durable.ledger;

/** The requests the client has seen acknowledged. */
export const acknowledged = (w: World): number[] =>
  Array.from({ length: w.node<Client>('client').durable.current - 1 }, (_, i) => i + 1);

export function idempotentRetryProtocol(requests: number, retries: number, variant: Variant): Protocol<Msg> {
  const client = (current: number, sent: number): Client => ({ durable: { current, sent }, volatile: null });
  /** Send (a copy of) request `id`, keeping the retry timer armed while retries remain. */
  const sendCopy = (id: number, sent: number, ctx: Context<Msg>): Client => {
    ctx.send('server', { type: 'Deposit', id });
    if (sent <= retries) ctx.setTimer('retry');
    return client(id, sent);
  };

  const table = (s: Server): readonly number[] =>
    variant === 'default' ? s.durable.applied! : variant === 'volatile-dedup' ? s.volatile!.applied : [];
  const withApplied = (s: Server, id: number): Server => {
    const ledger = [...s.durable.ledger, id];
    if (variant === 'default') return { durable: { ledger, applied: [...s.durable.applied!, id] }, volatile: null };
    if (variant === 'volatile-dedup') return { durable: { ledger }, volatile: { applied: [...s.volatile!.applied, id] } };
    return { durable: { ledger }, volatile: null };
  };

  return {
    nodes: [
      { id: 'client', role: 'client' },
      { id: 'server', role: 'server' },
    ],
    roles: {
      client: {
        init: () => client(1, 0),
        start: (_s: Client, ctx) => sendCopy(1, 1, ctx),
        timer: (s: Client, _name, ctx) => sendCopy(s.durable.current, s.durable.sent + 1, ctx),
        receive: (s: Client, msg, _from, ctx): Client | void => {
          if (msg.type !== 'Ack' || msg.id !== s.durable.current) return; // a late ack of an earlier request
          ctx.cancelTimer('retry');
          const next = msg.id + 1;
          return next <= requests ? sendCopy(next, 1, ctx) : client(next, 0);
        },
      },
      server: {
        init: (): Server =>
          variant === 'default'
            ? { durable: { ledger: [], applied: [] }, volatile: null }
            : variant === 'volatile-dedup'
              ? { durable: { ledger: [] }, volatile: { applied: [] } }
              : { durable: { ledger: [] }, volatile: null },
        receive: (s: Server, msg, from, ctx): Server => {
          if (msg.type !== 'Deposit') return s;
          ctx.send(from, { type: 'Ack', id: msg.id });
          return table(s).includes(msg.id) ? s : withApplied(s, msg.id);
        },
      },
    },
    properties: [
      atMostOnce('applied-at-most-once', ledger, 'no deposit is applied twice'),
      acknowledgedApplied('acknowledged-applied', acknowledged, ledger, 'every deposit the client saw acknowledged was applied'),
      eventually(
        'all-eventually-acknowledged',
        (w: World) => acknowledged(w).length === requests,
        'the client stops with a deposit never acknowledged: every copy of it, or its acknowledgement, was lost',
      ),
      ...(retries > 0
        ? [sometimes('retry-happens', (w: World) => w.node<Client>('client').durable.sent >= 2, 'the client resends a request')]
        : []),
      sometimes(
        'copy-after-apply',
        (w: World) => w.inFlight().some((e) => e.payload.type === 'Deposit' && ledger(w).includes(e.payload.id as number)),
        'a copy of a deposit is on its way to the server after the deposit was applied',
      ),
      sometimes('all-acknowledged', (w: World) => acknowledged(w).length === requests, 'every deposit is acknowledged'),
    ],
  };
}

export const definition = protocolDefinition<Msg>({
  name: 'idempotent-retry',
  description: 'at-least-once retries plus deduplication by request id give exactly-once, if the dedup table survives restarts',
  params: [
    { name: 'requests', default: 2, min: 1, max: 5, description: 'deposits the client makes, one after another' },
    { name: 'retries', default: 2, min: 0, max: 4, description: 'times the client resends a request on timeout' },
  ],
  variants: [
    {
      name: 'default',
      expect: 'holds',
      system: 'crash-recovery',
      description: 'dedup table on disk, written with the ledger entry: exactly-once across a server restart',
    },
    { name: 'no-dedup', expect: 'violated', system: 'crash-recovery', description: 'the server applies every copy it receives' },
    {
      name: 'volatile-dedup',
      expect: 'violated',
      system: 'crash-recovery',
      description: 'dedup table in memory only: a restart forgets it and a late copy is applied again',
    },
  ],
  systems: [
    {
      name: 'crash-recovery',
      description: 'one message may be lost and one duplicated; the server may crash once and restart from disk',
      faults: { drop: 1, duplicate: 1, crash: 1, recover: 1, crashNodes: ['server'] },
    },
    { name: 'lossy', description: 'one message may be lost and one duplicated', faults: { drop: 1, duplicate: 1 } },
    { name: 'reliable', description: 'no loss or duplication; a timeout may still fire while a request is only slow', faults: {} },
  ],
  protocol: (params: Params, variant: string) =>
    idempotentRetryProtocol(params.requests as number, params.retries as number, variant as Variant),
});
