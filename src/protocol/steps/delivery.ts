/**
 * Delivery: a message in flight reaches its recipient, which must be up, honest and — when its
 * role has an `accepts` guard — ready for it; the role's `receive` handles it.
 */
import type { Kernel } from '../kernel.ts';
import { messageSteps } from './messages.ts';
import type { StepOf, StepSource } from './source.ts';

export function delivery(k: Kernel): StepSource<StepOf<'deliver'>> {
  const { messages, net, roles } = k;
  const { step, label, info } = messageSteps('deliver', messages);
  return {
    kinds: ['deliver'],
    enabled(w, out) {
      for (const msg of net.deliverable(w.net)) {
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
      const e = messages.get(a.msg);
      const i = messages.recipient[a.msg];
      const receive = roles[i].receive;
      const s = k.run(w, i, receive && ((st, ctx) => receive(st, e.payload, e.from, ctx)));
      return k.settle(w, i, s, { net: net.deliver(w.net, a.msg) });
    },
    label,
    info,
  };
}
