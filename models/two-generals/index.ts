/**
 * The two generals (Akkoyunlu, Ekanadham & Huber 1975; Gray 1978): generals `a` and `b` must attack together or not at all,
 * and can only talk through messengers that the enemy may capture. General `a` sends the order
 * "attack at dawn"; then the generals acknowledge in turn, `k` times: Ack(n=1) b→a, Ack(n=2) a→b,
 * … Each general attacks exactly when it has taken part in the whole exchange, i.e. when it has
 * sent or received the last messenger — the natural rule for a protocol of fixed length.
 *
 * Dawn is any moment at which no messenger is on the road: from then on nothing either general
 * knows can change. Coordinated attack must hold there. With a reliable road it does (and both
 * attack); once one messenger may be lost it fails for every `k`: the sender of the last
 * messenger cannot tell whether it arrived, and no bounded `k` removes a last messenger. That is
 * the classic induction (drop the last message of a shortest successful run), shown here as a
 * shortest counterexample for each `k`.
 *
 * Liveness: both generals eventually attack. On the reliable road it holds with no fairness
 * assumed: every delivery consumes a messenger and sends at most one, so every behaviour is
 * finite, and a behaviour only stops when no messenger is left on the road — after the last one.
 * One capture stops the exchange for good: without retransmission no fairness helps.
 */
import { defineProtocol, eventually, int, protocol, role, sometimes, type Context, type Role, type WorldOf } from 'faultline';
import { agreement } from 'faultline/invariants';

/** The order "attack at dawn" (messenger 0), then the acknowledgements, numbered from 1. */
export type Msg = { readonly type: 'Order' } | { readonly type: 'Ack'; readonly n: number };

/** How far a general has got in the exchange (the last messenger it sent or received), and its plan. */
export interface General {
  readonly seen: number;
  readonly plan: 'attack' | 'wait';
}

/** The sender of messenger `n`: `a` sends the order and the even acknowledgements. */
export const senderOf = (n: number): 'a' | 'b' => (n % 2 === 0 ? 'a' : 'b');

/** The global state of the two generals, as its properties read it. */
export type TwoGeneralsWorld = WorldOf<
  { readonly a: Role<General, Msg>; readonly b: Role<General, Msg> },
  { readonly a: readonly ['a']; readonly b: readonly ['b'] }
>;

/** Both generals plan to attack. */
const bothAttack = (w: TwoGeneralsWorld) => w.node('a').plan === 'attack' && w.node('b').plan === 'attack';

/** No messenger is on the road: what each general knows is final. */
export const dawn = (w: TwoGeneralsWorld) => w.inFlight().length === 0;

export function twoGeneralsProtocol(k: number) {
  /** A general that has seen messenger `n`; it attacks once it has seen the last one, number `k`. */
  const at = (n: number): General => ({ seen: n, plan: n === k ? 'attack' : 'wait' });
  const messenger = (n: number): Msg => (n === 0 ? { type: 'Order' } : { type: 'Ack', n });
  /** On messenger `n`: answer with messenger n + 1 unless `n` was the last. */
  const receive = (_s: General, msg: Msg, from: string, ctx: Context<Msg>): General => {
    const n = msg.type === 'Order' ? 0 : msg.n;
    if (n === k) return at(k);
    ctx.send(from, messenger(n + 1));
    return at(n + 1);
  };
  // What a general has seen and planned survives a crash (a system model that crashes them is
  // only ever given on the command line).
  const general = role<General, Msg>({ init: () => at(-1), durable: 'all', receive });
  const a = role<General, Msg>({
    ...general,
    start: (_s, ctx) => {
      ctx.send('b', messenger(0));
      return at(0);
    },
  });
  return protocol(
    { roles: { a, b: general }, nodes: { a: ['a'], b: ['b'] } },
    {
      // The exchange is over at dawn, or once a general is down for good (what is on the road to
      // it is never read). Stopping anywhere else would be a deadlock.
      terminal: (w) => dawn(w) || w.crashed('a') || w.crashed('b'),
      properties: [
        agreement(
          'coordinated-attack',
          (w) => (dawn(w) ? [w.node('a').plan, w.node('b').plan] : []),
          'at dawn (no messenger on the road) both generals attack or neither does',
        ),
        eventually('both-eventually-attack', bothAttack, 'the exchange stops before both generals have decided to attack'),
        sometimes('both-attack', bothAttack, 'the attack happens at all'),
      ],
    },
  );
}

export const definition = defineProtocol({
  name: 'two-generals',
  description: 'the two generals: no protocol of bounded length coordinates an attack over a lossy channel',
  params: {
    k: int({ default: 2, min: 0, max: 20, description: 'rounds of acknowledgement after the order (k + 1 messengers in all)' }),
  },
  variants: {
    default: { expect: 'violated', system: 'lossy', description: 'one messenger may be captured: whatever k, the generals can act differently' },
    reliable: { expect: 'holds', system: 'reliable', description: 'no messenger is ever captured: every exchange completes and both attack' },
  },
  systems: {
    lossy: { description: 'the enemy may capture one messenger', faults: { drop: 1 } },
    reliable: { description: 'every messenger arrives, after any delay', faults: {} },
  },
  // Variants differ only in their system model; the protocol is the same.
  build: ({ params }) => twoGeneralsProtocol(params.k),
});
