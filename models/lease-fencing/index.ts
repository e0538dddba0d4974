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
import { InputError, defineProtocol, int, protocol, role, sometimes, type Protocol, type Role, type WorldOf } from 'faultline';
import { acceptedTokensNeverDecrease, mutualExclusion, oneClientPerToken, type AcceptedWrite } from 'faultline/invariants';
import { waitingProtocol } from './waiting.ts';

export type Variant = 'fenced' | 'unfenced' | 'token-counter-not-durable' | 'drifting-clock-no-margin' | 'lease-exclusivity';

export type Msg =
  | { readonly type: 'Acquire' }
  | { readonly type: 'Grant'; readonly token: number }
  | { readonly type: 'Write'; readonly token: number };

/**
 * A client's progress: ask, hold a lease it believes valid until `expiry` (own clock), check it,
 * write. All of it is on disk.
 */
export type ClientState =
  | { readonly phase: 'idle' }
  | { readonly phase: 'requesting'; readonly sentAt: number }
  | { readonly phase: 'holding'; readonly token: number; readonly expiry: number }
  | { readonly phase: 'writing'; readonly token: number }
  | { readonly phase: 'done'; readonly token: number };

/**
 * The lock service: the last token it issued (on disk, unless the variant keeps it in memory)
 * and the current lease holder (in memory).
 */
export interface LockState {
  readonly issued: number;
  readonly holder: string | null;
}

/** Storage's log of the writes it accepted and of those it rejected, on disk. */
export interface StorageState {
  readonly accepted: readonly AcceptedWrite[];
  readonly rejected: readonly AcceptedWrite[];
}

export const CLIENTS = ['c1', 'c2'] as const;

/** The global state of the lease protocol, as its properties read it. */
export type LeaseWorld = WorldOf<
  { readonly lock: Role<LockState, Msg>; readonly client: Role<ClientState, Msg>; readonly storage: Role<StorageState, Msg> },
  { readonly lock: readonly ['lock']; readonly client: typeof CLIENTS; readonly storage: readonly ['storage'] }
>;

/** The writes storage has accepted, in order. */
const accepted = (w: LeaseWorld) => w.node('storage').accepted;

export function leaseProtocol(lease: number, margin: number, variant: Variant) {
  const fenced = variant === 'fenced' || variant === 'token-counter-not-durable' || variant === 'lease-exclusivity';
  const lock = role<LockState, Msg>({
    init: () => ({ issued: 0, holder: null }),
    durable: variant === 'token-counter-not-durable' ? [] : ['issued'],
    // A request waits in the network while the lease is taken.
    accepts: (s) => s.holder === null,
    receive: (s, msg, from, ctx) => {
      if (msg.type !== 'Acquire') return;
      const token = s.issued + 1;
      ctx.send(from, { type: 'Grant', token });
      ctx.setTimer('expire', lease);
      return { issued: token, holder: from };
    },
    // The lease runs out.
    timer: (s) => ({ ...s, holder: null }),
  });
  const client = role<ClientState, Msg>({
    init: () => ({ phase: 'idle' }),
    durable: 'all',
    receive: (s, msg) => {
      if (msg.type !== 'Grant' || s.phase !== 'requesting') return;
      return { phase: 'holding', token: msg.token, expiry: s.sentAt + lease - margin };
    },
    actions: {
      acquire: {
        when: (s) => s.phase === 'idle',
        run: (_s, ctx) => {
          ctx.send('lock', { type: 'Acquire' });
          return { phase: 'requesting', sentAt: ctx.now };
        },
      },
      checkLease: {
        when: (s, ctx) => s.phase === 'holding' && ctx.now < s.expiry,
        run: (s, ctx) => {
          if (s.phase !== 'holding') return; // never (see `when`): narrows the state's type
          ctx.setTimer('write', 0);
          return { phase: 'writing', token: s.token };
        },
      },
    },
    // The write timer, armed by the lease check: only a writing client has it.
    timer: (s, _name, ctx) => {
      if (s.phase !== 'writing') return;
      ctx.send('storage', { type: 'Write', token: s.token });
      return { phase: 'done', token: s.token };
    },
  });
  const storage = role<StorageState, Msg>({
    init: () => ({ accepted: [], rejected: [] }),
    durable: 'all',
    receive: (s, msg, from) => {
      if (msg.type !== 'Write') return;
      const write = { token: msg.token, client: from };
      const stale = fenced && s.accepted.some((x) => x.token > msg.token);
      return stale ? { ...s, rejected: [...s.rejected, write] } : { ...s, accepted: [...s.accepted, write] };
    },
  });
  return protocol(
    { roles: { lock, client, storage }, nodes: { lock: ['lock'], client: CLIENTS, storage: ['storage'] } },
    {
      // Every client has written and storage has received the writes. (With clocks a run also
      // ends at maxTime, where a client may still wait for the lease or have let it run out.)
      terminal: (w) => w.role('client').every((c) => c.phase === 'done') && w.inFlight().length === 0,
      properties: [
        variant === 'lease-exclusivity' &&
          mutualExclusion(
            'lease-exclusivity',
            'client',
            (w, id) => w.node(id).phase === 'writing',
            'two clients have each checked their lease and are about to write: a lease alone does not give mutual exclusion',
          ),
        acceptedTokensNeverDecrease(accepted),
        oneClientPerToken(accepted),
        sometimes(
          'both-clients-write',
          (w) => CLIENTS.every((c) => accepted(w).some((x) => x.client === c)),
          'storage accepts a write from each client: the lease passed from one to the other',
        ),
        fenced && sometimes('stale-write-rejected', (w) => w.node('storage').rejected.length > 0, 'storage rejects a write with an old fencing token'),
      ],
    },
  );
}

const bounded = { network: 'unordered', timing: 'bounded', maxTime: 2 } as const;

export const definition = defineProtocol({
  name: 'lease-fencing',
  description: 'A lock service grants leases with fencing tokens; paused clients, drifting clocks and a forgetful lock service against storage that fences',
  params: {
    lease: int({ default: 1, min: 1, max: 6, description: 'lease duration in clock ticks' }),
    margin: int({ default: 0, min: 0, max: 5, description: 'ticks a client takes off its lease for clock drift (must be < lease)' }),
  },
  variants: {
    fenced: {
      expect: 'holds',
      system: 'pauses-and-restarts',
      description: 'storage rejects tokens lower than one it accepted: zombies and restarts cannot corrupt it',
    },
    unfenced: {
      expect: 'violated',
      system: 'pauses',
      description: 'storage accepts any write: a client paused between lease check and write writes after its lease passed on',
    },
    'token-counter-not-durable': {
      expect: 'violated',
      system: 'lock-restarts',
      description: 'fenced, but the lock service keeps its token counter in memory: after a restart it issues a token again',
    },
    'drifting-clock-no-margin': {
      expect: 'violated',
      system: 'drifting-clocks',
      description: 'no fencing and no pauses; a client trusts its drifting clock without a margin and writes after its lease expired',
    },
    'lease-exclusivity': {
      expect: 'violated',
      system: 'pauses',
      description: 'the fenced protocol checked for lease exclusivity: it fails (storage stays safe), which is why storage must fence',
    },
    'waiting-client-served': {
      expect: 'holds',
      system: 'asynchronous',
      description: 'clients ask again and again; the lock serves each request it could serve infinitely often (strong fairness): every waiting client gets the lease',
    },
    'waiting-client-starved': {
      expect: 'violated',
      system: 'asynchronous',
      description: 'the same, with weak fairness only: a request waits while the lease is taken, so the lock may serve the other client every time',
    },
  },
  systems: {
    pauses: {
      description: 'bounded delays and perfect clocks; one client may pause (e.g. for GC) for as long as it likes',
      faults: { ...bounded, pause: 1, pauseNodes: [...CLIENTS] },
    },
    'drifting-clocks': {
      description: 'bounded delays, no pauses; clocks up to 1 tick off true time, drifting by up to 1 tick per tick',
      faults: { ...bounded, skew: 1, drift: 1 },
    },
    'lock-restarts': {
      description: 'bounded delays and perfect clocks; the lock service may crash once and restart from disk',
      faults: { ...bounded, crash: 1, recover: 1, crashNodes: ['lock'] },
    },
    'pauses-and-restarts': {
      description: 'bounded delays and perfect clocks; a client may pause and the lock service may restart from disk',
      faults: { ...bounded, pause: 1, pauseNodes: [...CLIENTS], crash: 1, recover: 1, crashNodes: ['lock'] },
    },
    asynchronous: {
      description: 'no clocks: a lease runs out at some point after it is granted; a reliable network; no faults',
      faults: {},
    },
  },
  build: ({ params: { lease, margin }, variant }): Protocol<any, any> => {
    if (margin >= lease) throw new InputError(`param margin (${margin}) must be < lease (${lease}): the lease would never look valid`);
    // Two protocols under one definition, with different roles (hence `Protocol<any, any>`; each
    // is typed where it is built); each only ever handles the messages it sends itself.
    if (variant === 'waiting-client-served') return waitingProtocol(lease, 'strong');
    if (variant === 'waiting-client-starved') return waitingProtocol(lease, 'weak');
    return leaseProtocol(lease, margin, variant);
  },
});
