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
import { leadsTo, protocol, role, sometimes, type Fairness, type Role, type WorldOf } from 'faultline';

export type WaitingMsg = { readonly type: 'Acquire' } | { readonly type: 'Grant' };

/** A client that asks again and again: idle, waiting for the lease, holding it. Its phase is on disk. */
export interface WaitingClient {
  readonly phase: 'idle' | 'requesting' | 'holding';
}

/** The lock service: only the current holder, in memory. */
export interface WaitingLock {
  readonly holder: string | null;
}

export const WAITING_CLIENTS = ['c1', 'c2'] as const;
export type WaitingClientId = (typeof WAITING_CLIENTS)[number];

/** The global state of the waiting-client protocol, as its properties read it. */
export type WaitingWorld = WorldOf<
  { readonly lock: Role<WaitingLock, WaitingMsg>; readonly client: Role<WaitingClient, WaitingMsg> },
  { readonly lock: readonly ['lock']; readonly client: typeof WAITING_CLIENTS }
>;

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

export function waitingProtocol(lease: number, fairness: 'strong' | 'weak') {
  const lock = role<WaitingLock, WaitingMsg>({
    init: () => ({ holder: null }),
    // As in index.ts: a request waits in the network while the lease is taken.
    accepts: (s) => s.holder === null,
    receive: (_s, _msg, from, ctx) => {
      ctx.send(from, { type: 'Grant' });
      ctx.setTimer('expire', lease);
      return { holder: from };
    },
    timer: () => ({ holder: null }),
  });
  const client = role<WaitingClient, WaitingMsg>({
    init: () => ({ phase: 'idle' }),
    durable: 'all',
    receive: (s, msg) => {
      if (msg.type === 'Grant' && s.phase === 'requesting') return { phase: 'holding' };
    },
    actions: {
      acquire: {
        when: (s) => s.phase === 'idle',
        run: (_s, ctx) => {
          ctx.send('lock', { type: 'Acquire' });
          return { phase: 'requesting' };
        },
      },
      // Done with the lease (the lock service learns nothing: the lease runs out on its timer).
      finish: {
        when: (s) => s.phase === 'holding',
        run: () => ({ phase: 'idle' }),
      },
    },
  });
  const phase = (w: WaitingWorld, id: WaitingClientId) => w.node(id).phase;
  return protocol(
    { roles: { lock, client }, nodes: { lock: ['lock'], client: WAITING_CLIENTS } },
    {
      // The clients ask for ever: a run never ends (but at the horizon of time, when there are
      // clocks), so a state without enabled steps is a deadlock.
      fairness: waitingFairness(fairness),
      properties: [
        ...WAITING_CLIENTS.map((id) =>
          leadsTo(
            `${id}-gets-lease`,
            (w: WaitingWorld) => phase(w, id) === 'requesting',
            (w: WaitingWorld) => phase(w, id) === 'holding',
            `${id} asks for the lease and never holds it`,
          ),
        ),
        sometimes(
          'both-clients-wait',
          (w) => WAITING_CLIENTS.every((id) => phase(w, id) === 'requesting'),
          'both clients wait for the lease at once: the lock service has to choose',
        ),
      ],
    },
  );
}
