/**
 * Crashes and recoveries, each within its budget. A crash resets the node to `init` with its
 * role's durable fields restored, and loses its timers; while down it takes no step and what it
 * is sent still waits in the network. A recovery brings it back up and runs the role's
 * `recover` on that state. Recovery needs a crash budget (crash-stop: no recovery budget).
 */
import { InputError } from '../../model/errors.ts';
import type { FaultConfig } from '../faults.ts';
import { NO_TIMERS, type Kernel } from '../kernel.ts';
import { CRASHED, UP, USED } from '../world.ts';
import { spend } from './budgets.ts';
import type { Budget, StepOf, StepSource } from './source.ts';
import { STATUS, statusSteps } from './status.ts';

export function crashes(k: Kernel, config: FaultConfig): StepSource<StepOf<'crash' | 'recover'>> {
  const { ids, decls, roles, n } = k;
  const crashable = k.indicesOf(config.crashNodes);
  const { step, label, info } = statusSteps(ids, ['crash', 'recover']);
  if (config.crash > 0) {
    // What survives a crash is the protocol's to say, never a default: forgetting it would
    // silently turn a disk into memory.
    const silent = [...new Set(crashable.map((i) => decls[i].role))].filter((r) => roles[decls.findIndex((d) => d.role === r)].durable === undefined);
    if (silent.length > 0) {
      const who = silent.length === 1 ? `role ${silent[0]} may crash but does not say` : `roles ${silent.join(', ')} may crash but do not say`;
      throw new InputError(`${who} what survives a crash: declare durable: [...fields], 'all', or [] (nothing)`);
    }
  }
  /** Which fields of each node's state survive a crash: every one, or those listed. */
  const durable = roles.map((r) => (r.durable === 'all' ? 'all' : (r.durable ?? []).filter((f): f is string => typeof f === 'string')));
  /**
   * A node's state right after a crash: what was on disk, over a fresh `init`. Recovery starts
   * from it; while the node is down it is what the world shows of it.
   */
  const afterCrash = (i: number, s: unknown): unknown => {
    const keep = durable[i];
    if (keep === 'all') return s;
    const fresh = roles[i].init(ids[i]);
    if (keep.length === 0) return fresh;
    if (typeof fresh !== 'object' || fresh === null || typeof s !== 'object' || s === null) {
      throw new Error(`role ${decls[i].role} lists durable fields, but its state is not a record`);
    }
    const out: Record<string, unknown> = { ...fresh };
    for (const f of keep) out[f] = (s as Record<string, unknown>)[f];
    return out;
  };
  const budgets: Budget[] = [];
  if (config.crash > 0) budgets.push({ counter: 'crash', limit: config.crash });
  if (config.recover > 0) budgets.push({ counter: 'recover', limit: config.recover });
  return {
    kinds: ['crash', 'recover'],
    enabled(w, out) {
      if (w.used[USED.crash] < config.crash) {
        for (const i of crashable) if (w.status[i] !== CRASHED && k.loyal(w, i)) out.push(step('crash', i));
      }
      if (w.used[USED.recover] < config.recover) {
        for (let i = 0; i < n; i++) if (w.status[i] === CRASHED) out.push(step('recover', i));
      }
    },
    apply(w, a) {
      const i = a.node;
      if (a.kind === 'recover') {
        const status = w.status.slice();
        status[i] = UP;
        return k.settle(w, i, k.run(w, i, roles[i].recover), { status, used: spend(w.used, 'recover') });
      }
      const states = w.states.slice();
      states[i] = afterCrash(i, w.states[i]);
      const timers = w.timers.slice();
      timers[i] = NO_TIMERS;
      const nodeHash = w.nodeHash.slice();
      k.hashNode(states[i], NO_TIMERS, nodeHash, i);
      const status = w.status.slice();
      status[i] = CRASHED;
      return w.successor({ states, timers, nodeHash, status, used: spend(w.used, 'crash') });
    },
    label,
    info,
    // Without a crash budget nobody is ever down, so status says nothing (recovery alone can't happen).
    keeps: config.crash > 0 ? [STATUS] : [],
    budgets,
  };
}
