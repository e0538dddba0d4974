/**
 * Synchronous rounds (timing `rounds`): a round step delivers every message of the round, runs
 * each up, loyal node's `endOfRound`, and starts the next round. With Byzantine nodes, the
 * adversary first chooses what each traitor tells each loyal node this round. After the
 * protocol's last round nothing happens any more: a legal end.
 */
import type { Kernel } from '../kernel.ts';
import type { Protocol } from '../types.ts';
import type { World } from '../world.ts';
import type { ByzantineSource } from './byzantine.ts';
import type { Field, StepOf, StepSource } from './source.ts';

export function rounds(k: Kernel, protocol: Protocol<any, any>, adversary: ByzantineSource | null): StepSource<StepOf<'round'>> {
  const { n, net, messages, roles } = k;
  const last = protocol.rounds;
  if (!last) throw new Error('timing "rounds" needs the protocol to declare how many rounds it runs');
  const round: StepOf<'round'> = { kind: 'round' };
  /** The round, and how many of its Byzantine choices are made: identify a state; shown with the pair choosing next. */
  const ROUND: Field = {
    name: 'round',
    encode(w, h) {
      h.int(w.round);
      h.int(w.cursor);
    },
    show(w, out) {
      out.round = w.round;
      if (adversary) out.nextLie = w.round <= last ? adversary.choosing(w) : null;
    },
  };
  /** Deliver every message of this round to its (up, loyal) recipient, run the end-of-round handlers, start the next round. */
  const endRound = (w: World): World => {
    const inFlight = net.all(w.net);
    let cur = w.successor({ net: net.empty });
    for (const msg of inFlight) {
      const e = messages.get(msg);
      const i = messages.recipient[msg];
      const receive = roles[i].receive;
      if (!receive || !k.active(cur, i)) continue;
      cur = k.settle(cur, i, k.run(cur, i, (st, ctx) => receive(st, e.payload, e.from, ctx)));
    }
    for (let i = 0; i < n; i++) {
      const end = roles[i].endOfRound;
      if (!end || !k.active(cur, i)) continue;
      cur = k.settle(cur, i, k.run(cur, i, (st, ctx) => end(st, w.round, ctx)));
    }
    return cur.successor({ round: w.round + 1, cursor: 0 });
  };
  return {
    kinds: ['round'],
    initial: () => [{ round: 1 }],
    enabled(w, out) {
      if (w.round > last) return;
      if (!adversary?.choose(w, out)) out.push(round);
    },
    apply: (w) => endRound(w),
    label: () => 'round',
    info: () => ({ kind: 'round' }),
    keeps: [ROUND],
    ended: (w) => w.round > last,
  };
}
