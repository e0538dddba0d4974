import { always, defineProtocol, eventually, protocol, role, sometimes } from 'faultline';

// Messages between the client `c`, the primary `p` and the backup `b`.
type Msg =
  | { readonly type: 'Write'; readonly value: number }
  | { readonly type: 'Replicate'; readonly value: number }
  | { readonly type: 'Replicated'; readonly value: number }
  | { readonly type: 'Ack'; readonly value: number };

interface Client {
  readonly acked: boolean;
  /** Writes sent so far (the first, then retries). */
  readonly sent: number;
}
interface Replica {
  readonly value: number | null;
}

const VALUE = 1;
/** How many times the client sends its write, at most: a bound that keeps the state space finite. */
const ATTEMPTS = 2;

function register(ackEarly: boolean) {
  const client = role<Client, Msg>({
    init: () => ({ acked: false, sent: 0 }),
    // Send the write, and keep a retry timer until it is acknowledged.
    start: (s, ctx) => {
      ctx.send('p', { type: 'Write', value: VALUE });
      ctx.setTimer('retry');
      return { ...s, sent: 1 };
    },
    timer: (s, _name, ctx) => {
      if (s.acked || s.sent === ATTEMPTS) return;
      ctx.send('p', { type: 'Write', value: VALUE });
      if (s.sent + 1 < ATTEMPTS) ctx.setTimer('retry');
      return { ...s, sent: s.sent + 1 };
    },
    receive: (s, msg, _from, ctx) => {
      if (msg.type !== 'Ack') return;
      ctx.cancelTimer('retry');
      return { ...s, acked: true };
    },
  });
  const primary = role<Replica, Msg>({
    init: () => ({ value: null }),
    receive: (s, msg, from, ctx) => {
      if (msg.type === 'Write') {
        ctx.send('b', { type: 'Replicate', value: msg.value });
        if (ackEarly) ctx.send(from, { type: 'Ack', value: msg.value });
        return { value: msg.value };
      }
      if (msg.type === 'Replicated' && !ackEarly) ctx.send('c', { type: 'Ack', value: msg.value });
    },
  });
  const backup = role<Replica, Msg>({
    init: () => ({ value: null }),
    durable: 'all',
    receive: (s, msg, from, ctx) => {
      if (msg.type !== 'Replicate') return;
      ctx.send(from, { type: 'Replicated', value: msg.value });
      return { value: msg.value };
    },
  });
  return protocol(
    { roles: { client, primary, backup }, nodes: { client: ['c'], primary: ['p'], backup: ['b'] } },
    {
      deadlock: false,
      fairness: [{ strength: 'weak', kind: ['deliver', 'timer'] }],
      properties: [
        always(
          'acknowledged-write-survives',
          (w) => !w.node('c').acked || (!w.crashed('p') && w.node('p').value === VALUE) || (!w.crashed('b') && w.node('b').value === VALUE),
          'once the client has its Ack, a live replica holds the write',
        ),
        eventually('write-acknowledged', (w) => w.node('c').acked, 'the client eventually gets its Ack'),
        sometimes('acknowledged', (w) => w.node('c').acked),
      ],
    },
  );
}

export default defineProtocol({
  name: 'primary-backup',
  description: 'a client writes to a primary that replicates to a backup',
  variants: {
    'ack-after-replicate': { expect: 'holds', description: 'the primary acknowledges once the backup has the write' },
    'ack-early': { expect: 'violated', description: 'the primary acknowledges before the backup has the write' },
  },
  systems: {
    'primary-crash': { description: 'the primary may crash once; one message may be lost', faults: { crash: 1, crashNodes: ['p'], drop: 1 } },
  },
  build: ({ variant }) => register(variant === 'ack-early'),
});
