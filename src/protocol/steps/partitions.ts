/**
 * Network partitions: within its budget the adversary splits the nodes in two — every message
 * in flight across the cut is lost, and so is every message sent across it — until `heal`.
 * Each split is offered once (node 0 is always on the first side).
 */
import type { Kernel } from '../kernel.ts';
import type { NodeId } from '../types.ts';
import { USED } from '../world.ts';
import { spend } from './budgets.ts';
import type { Field, StepOf, StepSource } from './source.ts';

/** `tm rm1 | rm2 rm3`: the two sides of a partition, the nodes whose bit is set in `mask` first. */
function sides(ids: readonly NodeId[], mask: number): string {
  return `${ids.filter((_, i) => (mask >> i) & 1).join(' ')} | ${ids.filter((_, i) => !((mask >> i) & 1)).join(' ')}`;
}

/** The current partition (a bit mask of one side; 0 when the network is whole): identifies a state, shown as `a b | c`. */
const PARTITION: Field = {
  name: 'partition',
  encode(w, h) {
    h.int(w.partition);
  },
  show(w, out) {
    out.partition = w.partition === 0 ? null : sides(w.ids, w.partition);
  },
};

export function partitions(k: Kernel, budget: number): StepSource<StepOf<'partition' | 'heal'>> {
  const { ids, n, net, messages } = k;
  const splits: StepOf<'partition'>[] = [];
  for (let side = 1; side < 1 << n; side += 2) if (side !== (1 << n) - 1) splits.push({ kind: 'partition', side });
  const heal: StepOf<'heal'> = { kind: 'heal' };
  return {
    kinds: ['partition', 'heal'],
    enabled(w, out) {
      if (w.partition === 0 && w.used[USED.partition] < budget) for (const s of splits) out.push(s);
      if (w.partition !== 0) out.push(heal);
    },
    apply(w, a) {
      if (a.kind === 'heal') return w.successor({ partition: 0 });
      const side = a.side;
      const cut = (id: number) => ((side >> messages.sender[id]) & 1) !== ((side >> messages.recipient[id]) & 1);
      return w.successor({ partition: side, net: net.lose(w.net, cut), used: spend(w.used, 'partition') });
    },
    label: (a) => (a.kind === 'heal' ? 'heal' : `partition ${sides(ids, a.side)}`),
    info: (a) => ({ kind: a.kind }),
    keeps: [PARTITION],
    budgets: [{ counter: 'partition', limit: budget }],
  };
}
