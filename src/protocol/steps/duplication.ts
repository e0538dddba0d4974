/** Message duplication: within its budget, the network delivers a message in flight twice (one more copy). */
import type { Kernel } from '../kernel.ts';
import { USED } from '../world.ts';
import { spend } from './budgets.ts';
import { messageSteps } from './messages.ts';
import type { StepOf, StepSource } from './source.ts';

export function duplication(k: Kernel, budget: number): StepSource<StepOf<'duplicate'>> {
  const { net } = k;
  const { step, label, info } = messageSteps('duplicate', k.messages);
  return {
    kinds: ['duplicate'],
    enabled(w, out) {
      if (w.used[USED.duplicate] < budget) for (const msg of net.droppable(w.net)) out.push(step(msg));
    },
    apply: (w, a) => w.successor({ net: net.duplicate(w.net, a.msg), used: spend(w.used, 'duplicate') }),
    label,
    info,
    budgets: [{ counter: 'duplicate', limit: budget }],
  };
}
