/**
 * Fault budgets: how many faults of each kind have happened (`World.used`), against the budget
 * each taking-part source declares. The counters identify a state (a fault spent cannot be spent
 * again) and are shown as `faults: { drop: '1/1' }`.
 */
import { USED, type Counter } from '../world.ts';
import type { Budget, Field } from './source.ts';

/** `used` with one more fault of `counter` spent. */
export function spend(used: readonly number[], counter: Counter): readonly number[] {
  const out = used.slice();
  out[USED[counter]]++;
  return out;
}

/** The `used` bookkeeping for the budgets in force: every counter identifies a state; those with a budget are shown. */
export function budgetsField(budgets: readonly Budget[]): Field {
  const shown = (Object.keys(USED) as Counter[]).flatMap((counter) => budgets.filter((b) => b.counter === counter));
  return {
    name: 'used',
    encode(w, h) {
      for (const x of w.used) h.int(x);
    },
    show(w, out) {
      out.faults = Object.fromEntries(shown.map((b) => [b.counter, `${w.used[USED[b.counter]]}/${b.limit}`]));
    },
  };
}
