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
  /** Each node's actions' places in its list, by name. */
  const indexOf = actions.map((local) => new Map(local.map(({ name }, at) => [name, at] as const)));
  /** The node's state after it took the action (its effects recorded in the kernel's context). */
  const taken = (w: World, a: Local): unknown => {
    const act = roles[a.node].actions![a.action];
    return k.run(w, a.node, (st, ctx) => act.run(st, ctx, a.choice));
  };
  /** `taken` as `peekStep` calls it (one function for every step: a closure per step would be garbage). */
  const takenStep = (w: World, _i: number, a: Local): unknown => taken(w, a);
  return {
    kinds: ['local'],
    enabledAt(w, i, out) {
      const local = actions[i];
      if (local.length === 0) return;
      const ctx = k.context(w, i);
      const s = w.states[i];
      for (let a = 0; a < local.length; a++) {
        const { name, action, step } = local[a];
        if (!action.when(s, ctx)) continue;
        if (action.choices) {
          for (const choice of action.choices(s, ctx)) out.push({ kind: 'local', node: i, action: name, choice, chosen: true });
        } else out.push(step);
      }
    },
    apply: (w, a) => k.settle(w, a.node, taken(w, a)),
    // An action without choices is the same step wherever its node is in the same state (its
    // key: the action's place among the node's); a choice may be any value, so that step runs.
    peek: (w, a, out) =>
      a.chosen ? k.peek(w, a.node, taken(w, a), -1, out) : k.peekStep(w, a.node, 2 * indexOf[a.node].get(a.action)! + 1, -1, takenStep, a, out),
    label: (a) => `${ids[a.node]}: ${a.action}${a.chosen ? `(${compact(a.choice)})` : ''}`,
    info: (a) => ({ kind: 'local', node: ids[a.node], name: a.action }),
  };
}
