/**
 * Process pauses (a GC pause, a descheduled VM): within its budget a node stops taking steps,
 * without being told, while time and the other nodes go on; it may resume at any time.
 */
import type { FaultConfig } from '../faults.ts';
import type { Kernel } from '../kernel.ts';
import { PAUSED, UP, USED } from '../world.ts';
import { spend } from './budgets.ts';
import type { StepOf, StepSource } from './source.ts';
import { STATUS, statusSteps } from './status.ts';

export function pauses(k: Kernel, config: FaultConfig): StepSource<StepOf<'pause' | 'resume'>> {
  const { n } = k;
  const pausable = k.indicesOf(config.pauseNodes);
  const { step, label, info } = statusSteps(k.ids, ['pause', 'resume']);
  return {
    kinds: ['pause', 'resume'],
    enabled(w, out) {
      if (w.used[USED.pause] < config.pause) {
        for (const i of pausable) if (w.status[i] === UP && k.loyal(w, i)) out.push(step('pause', i));
      }
      for (let i = 0; i < n; i++) if (w.status[i] === PAUSED) out.push(step('resume', i));
    },
    apply(w, a) {
      const status = w.status.slice();
      status[a.node] = a.kind === 'pause' ? PAUSED : UP;
      return w.successor(a.kind === 'pause' ? { status, used: spend(w.used, 'pause') } : { status });
    },
    label,
    info,
    keeps: [STATUS],
    budgets: [{ counter: 'pause', limit: config.pause }],
  };
}
