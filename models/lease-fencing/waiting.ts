/**
 * Liveness of the lock service: does a client that asks for the lease eventually get it?
 *
 * This is the lock service of `index.ts` with clients that ask again and again (ask, hold the
 * lease, let it go, ask again), checked in an asynchronous system without clocks: a lease runs
 * out at some point after it is granted (the lock's `expire` timer may fire at any time). Storage,
 * the writes and the fencing tokens are left out: they play no part in who gets the lease, and a
 * token counter (like a clock) only grows, so every behaviour would be finite and fairness would
 * not matter. Starvation is a behaviour that goes on forever, so the model must be able to loop.
 *
 * A request waits in the network while the lease is taken: delivering it is enabled only while
 * the lease is free, so it is enabled infinitely often but not continuously. Weak fairness lets
 * the lock serve the other client every time the lease is free (`waiting-client-starved`); strong
 * fairness on delivering each client's request to the lock forbids that (`waiting-client-served`).
 */
import { leadsTo, sometimes } from '../../src/model/property.ts';
import type { Fairness } from '../../src/model/model.ts';
import type { NodeState, Protocol } from '../../src/protocol/types.ts';
import type { World } from '../../src/protocol/world.ts';

export type WaitingMsg = { readonly type: 'Acquire' } | { readonly type: 'Grant' };

/** A client that asks again and again: idle, waiting for the lease, holding it. */
export type WaitingClient = NodeState<{ readonly phase: 'idle' | 'requesting' | 'holding' }, null>;

/** The lock service: only the current holder, in memory. */
export type WaitingLock = NodeState<Record<string, never>, { readonly holder: string | null }>;

export const WAITING_CLIENTS = ['c1', 'c2'] as const;

export const phaseOf = (w: World, id: string) => w.node<WaitingClient>(id).durable.phase;

/**
 * The fairness each variant assumes. Both: a message on its way arrives if it stays deliverable
 * (weak fairness on every delivery; it matters for a Grant, which the other client's turns would
 * otherwise overtake for ever). `strong` adds: the lock does not ignore for ever a request it
 * could serve infinitely often (strong fairness on each delivery to the lock, one class per
 * message). The lease needs no assumption to run out: while it is taken every other step runs
 * out, and a behaviour takes a step while one is enabled.
 */
export function waitingFairness(lock: 'strong' | 'weak'): Fairness[] {
  const deliveries: Fairness = { strength: 'weak', kind: 'deliver' };
  return lock === 'strong' ? [{ strength: 'strong', kind: 'deliver', node: 'lock' }, deliveries] : [deliveries];
}

export function waitingProtocol(lease: number, lock: 'strong' | 'weak'): Protocol<WaitingMsg> {
  const client = (phase: WaitingClient['durable']['phase']): WaitingClient => ({ durable: { phase }, volatile: null });
  const lockWith = (holder: string | null): WaitingLock => ({ durable: {}, volatile: { holder } });
  return {
    nodes: [{ id: 'lock', role: 'lock' }, ...WAITING_CLIENTS.map((id) => ({ id, role: 'client' }))],
    roles: {
      lock: {
        init: () => lockWith(null),
        // As in index.ts: a request waits in the network while the lease is taken.
        accepts: (s: WaitingLock) => s.volatile.holder === null,
        receive: (_s: WaitingLock, _msg, from, ctx): WaitingLock => {
          ctx.send(from, { type: 'Grant' });
          ctx.setTimer('expire', lease);
          return lockWith(from);
        },
        timer: (): WaitingLock => lockWith(null),
      },
      client: {
        init: () => client('idle'),
        receive: (s: WaitingClient, msg): WaitingClient | void => {
          if (msg.type === 'Grant' && s.durable.phase === 'requesting') return client('holding');
        },
        actions: {
          acquire: {
            when: (s: WaitingClient) => s.durable.phase === 'idle',
            run: (_s, ctx): WaitingClient => {
              ctx.send('lock', { type: 'Acquire' });
              return client('requesting');
            },
          },
          // Done with the lease (the lock service learns nothing: the lease runs out on its timer).
          finish: {
            when: (s: WaitingClient) => s.durable.phase === 'holding',
            run: (): WaitingClient => client('idle'),
          },
        },
      },
    },
    properties: [
      ...WAITING_CLIENTS.map((id) =>
        leadsTo(
          `${id}-gets-lease`,
          (w: World) => phaseOf(w, id) === 'requesting',
          (w: World) => phaseOf(w, id) === 'holding',
          `${id} asks for the lease and never holds it`,
        ),
      ),
      sometimes(
        'both-clients-wait',
        (w: World) => WAITING_CLIENTS.every((id) => phaseOf(w, id) === 'requesting'),
        'both clients wait for the lease at once: the lock service has to choose',
      ),
    ],
    fairness: waitingFairness(lock),
  };
}
