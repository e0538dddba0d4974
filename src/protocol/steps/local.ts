/**
 * Local actions: what a node decides to do on its own (a client writes, an RM aborts), enabled
 * by the action's `when`, once per choice when it has `choices`. Labelled `rm1: prepare` or
 * `c: write(2)`.
 */
import type { Kernel } from '../kernel.ts';
import { compact } from '../text.ts';
import type { World } from '../world.ts';
import type { StepOf, StepSource } from './source.ts';

type Local = StepOf<'local'>;

export function localActions(k: Kernel): StepSource<Local> {
  const { ids, roles } = k;
  /** Each node's local actions in declaration order, with the step value of those without choices. */
  const actions = roles.map((role, node) =>
    Object.entries(role.actions ?? {}).map(([name, action]) => ({
      name,
      action,
      step: { kind: 'local', node, action: name, choice: undefined, chosen: false } as Local,
    })),
  );
  /** The node's state after it took the action (its effects recorded in the kernel's context). */
  const taken = (w: World, a: Local): unknown => {
    const act = roles[a.node].actions![a.action];
    return k.run(w, a.node, (st, ctx) => act.run(st, ctx, a.choice));
  };
  return {
    kinds: ['local'],
    enabledAt(w, i, out) {
      const local = actions[i];
      if (local.length === 0) return;
      const ctx = k.context(w, i);
      const s = w.states[i];
      for (const { name, action, step } of local) {
        if (!action.when(s, ctx)) continue;
        if (action.choices) {
          for (const choice of action.choices(s, ctx)) out.push({ kind: 'local', node: i, action: name, choice, chosen: true });
        } else out.push(step);
      }
    },
    apply: (w, a) => k.settle(w, a.node, taken(w, a)),
    peek: (w, a, out) => k.peek(w, a.node, taken(w, a), -1, out),
    label: (a) => `${ids[a.node]}: ${a.action}${a.chosen ? `(${compact(a.choice)})` : ''}`,
    info: (a) => ({ kind: 'local', node: ids[a.node], name: a.action }),
  };
}
