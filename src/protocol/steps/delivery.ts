/**
 * Delivery: a message in flight reaches its recipient, which must be up, honest and — when its
 * role has an `accepts` guard — ready for it; the role's `receive` handles it.
 */
import type { Kernel } from '../kernel.ts';
import type { World } from '../world.ts';
import { messageSteps } from './messages.ts';
import type { StepOf, StepSource } from './source.ts';

export function delivery(k: Kernel): StepSource<StepOf<'deliver'>> {
  const { messages, net, roles } = k;
  const { step, label, info } = messageSteps('deliver', messages);
  /** Node `i`'s state after it handled message `msg` (its effects recorded in the kernel's context). */
  const received = (w: World, msg: number, i: number): unknown => {
    const e = messages.get(msg);
    const receive = roles[i].receive;
    return k.run(w, i, receive && ((st, ctx) => receive(st, e.payload, e.from, ctx)));
  };
  /** `received` as `peekStep` calls it (one function for every step: a closure per step would be garbage). */
  const receivedStep = (w: World, i: number, a: StepOf<'deliver'>): unknown => received(w, a.msg, i);
  return {
    kinds: ['deliver'],
    enabled(w, out) {
      const deliverable = net.deliverable(w.net);
      for (let d = 0; d < deliverable.length; d++) {
        const msg = deliverable[d];
        const to = messages.recipient[msg];
        if (!k.active(w, to)) continue;
        const accepts = roles[to].accepts;
        if (accepts) {
          const e = messages.get(msg);
          if (!accepts(w.states[to], e.payload, e.from)) continue;
        }
        out.push(step(msg));
      }
    },
    apply(w, a) {
      const i = messages.recipient[a.msg];
      return k.settle(w, i, received(w, a.msg, i), { net: net.deliver(w.net, a.msg) });
    },
    // The step's key: the message (its node is its recipient).
    peek: (w, a, out) => k.peekStep(w, messages.recipient[a.msg], 2 * a.msg, a.msg, receivedStep, a, out),
    label,
    info,
  };
}
