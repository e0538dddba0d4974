/**
 * Leases and fencing tokens (Kleppmann, "How to do distributed locking", 2016; DDIA ch. 8, "The
 * leader and the lock"): a lock service `lock` grants a lease of `lease` ticks with a fencing
 * token; clients `c1`, `c2` acquire it, check on their own clock that it is still valid, and then
 * write to `storage` with their token.
 *
 * A client measures its lease from the moment it asked (on its own clock), minus a safety
 * `margin`, so a lease never looks longer to it than to the lock service — unless its clock
 * drifts. The check and the write are separate steps: the write is a timer due at once, so under
 * bounded timing it happens in the same tick — unless the client is paused in between, and then
 * it writes as a zombie after its lease has expired and another client took it.
 *
 * Storage keeps a log of the writes it accepted (and those it rejected), which the fencing
 * properties read. With fencing it rejects a token lower than one it already accepted.
 *
 * Lease exclusivity (at most one client between its lease check and its write) fails even with
 * fencing; it is checked only by the `lease-exclusivity` variant, so that the correct `fenced`
 * variant holds and the reason fencing is needed stays visible as its own counterexample.
 *
 * Whether a waiting client eventually gets the lease is checked by the `waiting-client-*`
 * variants, on the lock service alone with clients that ask again and again (see `waiting.ts`):
 * here every client asks once and time stops at `maxTime`, so every behaviour is finite and a
 * client that asks near the horizon waits for ever — a bound, not starvation.
 */
import type { Params } from '../../src/model/definition.ts';
import { InputError } from '../../src/model/errors.ts';
import { sometimes, type Property } from '../../src/model/property.ts';
import { protocolDefinition } from '../../src/protocol/definition.ts';
import type { NodeState, Protocol, Step } from '../../src/protocol/types.ts';
import type { World } from '../../src/protocol/world.ts';
import { acceptedTokensNeverDecrease, oneClientPerToken, type AcceptedWrite } from '../../invariants/fencing.ts';
import { mutualExclusion } from '../../invariants/mutual-exclusion.ts';
import { waitingProtocol, type WaitingMsg } from './waiting.ts';

export type Variant = 'fenced' | 'unfenced' | 'token-counter-not-durable' | 'drifting-clock-no-margin' | 'lease-exclusivity';

export type Msg =
  | { readonly type: 'Acquire' }
  | { readonly type: 'Grant'; readonly token: number }
  | { readonly type: 'Write'; readonly token: number };

/** A client's progress: ask, hold a lease it believes valid until `expiry` (own clock), check it, write. */
export type ClientState =
  | { readonly phase: 'idle' }
  | { readonly phase: 'requesting'; readonly sentAt: number }
  | { readonly phase: 'holding'; readonly token: number; readonly expiry: number }
  | { readonly phase: 'writing'; readonly token: number }
  | { readonly phase: 'done'; readonly token: number };

/** The lock service: the last token it issued and the current lease holder. */
export interface LockState {
  readonly issued: number;
  readonly holder: string | null;
}

export interface StorageState {
  readonly accepted: readonly AcceptedWrite[];
  readonly rejected: readonly AcceptedWrite[];
}

type Client = NodeState<ClientState, null>;
/** The lease is memory only; the token counter is on disk unless the variant says otherwise. */
type Lock = NodeState<{ readonly issued?: number }, LockState | { readonly holder: string | null }>;
type Storage = NodeState<StorageState, null>;

export const CLIENTS = ['c1', 'c2'] as const;

const fenced = (v: Variant) => v === 'fenced' || v === 'token-counter-not-durable' || v === 'lease-exclusivity';

/** The lock service's issued counter and holder, wherever the variant keeps them. */
export function lockState(s: Lock): LockState {
  const v = s.volatile as Partial<LockState> | null;
  return { issued: s.durable.issued ?? v?.issued ?? 0, holder: v?.holder ?? null };
}

export function leaseProtocol(lease: number, margin: number, variant: Variant): Protocol<Msg> {
  const durableCounter = variant !== 'token-counter-not-durable';
  const client = (durable: ClientState): Client => ({ durable, volatile: null });
  const lock = ({ issued, holder }: LockState): Lock =>
    durableCounter ? { durable: { issued }, volatile: { holder } } : { durable: {}, volatile: { issued, holder } };
  const storage = (durable: StorageState): Storage => ({ durable, volatile: null });
  const accepted = (w: World) => w.node<Storage>('storage').durable.accepted;
  const phase = (w: World, id: string) => w.node<Client>(id).durable.phase;

  const properties: Property<World, Step>[] = [acceptedTokensNeverDecrease(accepted), oneClientPerToken(accepted)];
  if (variant === 'lease-exclusivity') {
    properties.unshift(
      mutualExclusion(
        'lease-exclusivity',
        'client',
        (w, id) => phase(w, id) === 'writing',
        'two clients have each checked their lease and are about to write: a lease alone does not give mutual exclusion',
      ),
    );
  }
  properties.push(
    sometimes(
      'both-clients-write',
      (w) => CLIENTS.every((c) => accepted(w).some((x) => x.client === c)),
      'storage accepts a write from each client: the lease passed from one to the other',
    ),
  );
  if (fenced(variant)) {
    properties.push(
      sometimes(
        'stale-write-rejected',
        (w) => w.node<Storage>('storage').durable.rejected.length > 0,
        'storage rejects a write with an old fencing token',
      ),
    );
  }

  return {
    nodes: [{ id: 'lock', role: 'lock' }, ...CLIENTS.map((id) => ({ id, role: 'client' })), { id: 'storage', role: 'storage' }],
    roles: {
      lock: {
        init: (): Lock => lock({ issued: 0, holder: null }),
        // A request waits in the network while the lease is taken.
        accepts: (s: Lock) => lockState(s).holder === null,
        receive: (s: Lock, msg, from, ctx): Lock | void => {
          if (msg.type !== 'Acquire') return;
          const token = lockState(s).issued + 1;
          ctx.send(from, { type: 'Grant', token });
          ctx.setTimer('expire', lease);
          return lock({ issued: token, holder: from });
        },
        timer: (s: Lock): Lock => lock({ ...lockState(s), holder: null }),
      },
      client: {
        init: (): Client => client({ phase: 'idle' }),
        receive: (s: Client, msg): Client | void => {
          if (msg.type !== 'Grant' || s.durable.phase !== 'requesting') return;
          return client({ phase: 'holding', token: msg.token, expiry: s.durable.sentAt + lease - margin });
        },
        actions: {
          acquire: {
            when: (s: Client) => s.durable.phase === 'idle',
            run: (_s: Client, ctx): Client => {
              ctx.send('lock', { type: 'Acquire' });
              return client({ phase: 'requesting', sentAt: ctx.now });
            },
          },
          checkLease: {
            when: (s: Client, ctx) => s.durable.phase === 'holding' && ctx.now < s.durable.expiry,
            run: (s: Client, ctx): Client => {
              ctx.setTimer('write', 0);
              return client({ phase: 'writing', token: (s.durable as { token: number }).token });
            },
          },
        },
        timer: (s: Client, _name, ctx): Client => {
          const token = (s.durable as { token: number }).token;
          ctx.send('storage', { type: 'Write', token });
          return client({ phase: 'done', token });
        },
      },
      storage: {
        init: (): Storage => storage({ accepted: [], rejected: [] }),
        receive: (s: Storage, msg, from): Storage | void => {
          if (msg.type !== 'Write') return;
          const write = { token: msg.token, client: from };
          const stale = fenced(variant) && s.durable.accepted.some((x) => x.token > msg.token);
          return storage(
            stale ? { ...s.durable, rejected: [...s.durable.rejected, write] } : { ...s.durable, accepted: [...s.durable.accepted, write] },
          );
        },
      },
    },
    properties,
  };
}

const bounded = { network: 'unordered', timing: 'bounded', maxTime: 2 } as const;

export const definition = protocolDefinition<Msg | WaitingMsg>({
  name: 'lease-fencing',
  description: 'A lock service grants leases with fencing tokens; paused clients, drifting clocks and a forgetful lock service against storage that fences',
  params: [
    { name: 'lease', default: 1, min: 1, max: 6, description: 'lease duration in clock ticks' },
    { name: 'margin', default: 0, min: 0, max: 5, description: 'ticks a client takes off its lease for clock drift (must be < lease)' },
  ],
  variants: [
    { name: 'fenced', expect: 'holds', system: 'pauses-and-restarts', description: 'storage rejects tokens lower than one it accepted: zombies and restarts cannot corrupt it' },
    { name: 'unfenced', expect: 'violated', system: 'pauses', description: 'storage accepts any write: a client paused between lease check and write writes after its lease passed on' },
    {
      name: 'token-counter-not-durable',
      expect: 'violated',
      system: 'lock-restarts',
      description: 'fenced, but the lock service keeps its token counter in memory: after a restart it issues a token again',
    },
    {
      name: 'drifting-clock-no-margin',
      expect: 'violated',
      system: 'drifting-clocks',
      description: 'no fencing and no pauses; a client trusts its drifting clock without a margin and writes after its lease expired',
    },
    {
      name: 'lease-exclusivity',
      expect: 'violated',
      system: 'pauses',
      description: 'the fenced protocol checked for lease exclusivity: it fails (storage stays safe), which is why storage must fence',
    },
    {
      name: 'waiting-client-served',
      expect: 'holds',
      system: 'asynchronous',
      description: 'clients ask again and again; the lock serves each request it could serve infinitely often (strong fairness): every waiting client gets the lease',
    },
    {
      name: 'waiting-client-starved',
      expect: 'violated',
      system: 'asynchronous',
      description: 'the same, with weak fairness only: a request waits while the lease is taken, so the lock may serve the other client every time',
    },
  ],
  systems: [
    {
      name: 'pauses',
      description: 'bounded delays and perfect clocks; one client may pause (e.g. for GC) for as long as it likes',
      faults: { ...bounded, pause: 1, pauseNodes: [...CLIENTS] },
    },
    {
      name: 'drifting-clocks',
      description: 'bounded delays, no pauses; clocks up to 1 tick off true time, drifting by up to 1 tick per tick',
      faults: { ...bounded, skew: 1, drift: 1 },
    },
    {
      name: 'lock-restarts',
      description: 'bounded delays and perfect clocks; the lock service may crash once and restart from disk',
      faults: { ...bounded, crash: 1, recover: 1, crashNodes: ['lock'] },
    },
    {
      name: 'pauses-and-restarts',
      description: 'bounded delays and perfect clocks; a client may pause and the lock service may restart from disk',
      faults: { ...bounded, pause: 1, pauseNodes: [...CLIENTS], crash: 1, recover: 1, crashNodes: ['lock'] },
    },
    {
      name: 'asynchronous',
      description: 'no clocks: a lease runs out at some point after it is granted; a reliable network; no faults',
      faults: {},
    },
  ],
  protocol: (params: Params, variant: string) => {
    const lease = params.lease as number;
    const margin = params.margin as number;
    if (margin >= lease) throw new InputError(`param margin (${margin}) must be < lease (${lease}): the lease would never look valid`);
    // Two protocols under one definition; each only ever handles the messages it sends itself.
    type Either = Protocol<Msg | WaitingMsg>;
    if (variant === 'waiting-client-served') return waitingProtocol(lease, 'strong') as Either;
    if (variant === 'waiting-client-starved') return waitingProtocol(lease, 'weak') as Either;
    return leaseProtocol(lease, margin, variant as Variant) as Either;
  },
});
