/** Message loss: within its budget, the network loses one copy of a message in flight. */
import type { Kernel } from '../kernel.ts';
import { USED } from '../world.ts';
import { spend } from './budgets.ts';
import { messageSteps } from './messages.ts';
import type { StepOf, StepSource } from './source.ts';

export function loss(k: Kernel, budget: number): StepSource<StepOf<'drop'>> {
  const { net } = k;
  const { step, label, info } = messageSteps('drop', k.messages);
  return {
    kinds: ['drop'],
    enabled(w, out) {
      if (w.used[USED.drop] < budget) for (const msg of net.droppable(w.net)) out.push(step(msg));
    },
    apply: (w, a) => w.successor({ net: net.drop(w.net, a.msg), used: spend(w.used, 'drop') }),
    label,
    info,
    budgets: [{ counter: 'drop', limit: budget }],
  };
}
