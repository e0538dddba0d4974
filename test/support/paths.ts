/**
 * Independent enumeration for protocol-layer tests: every reachable state keyed by the JSON of
 * what the model shows (not by fingerprints), and every path up to a depth. Slow and simple on
 * purpose — it is the reference the explorer is compared with.
 */
import type { Model } from '../../src/model/model.ts';

const key = <S, A>(model: Model<S, A>, s: S) => JSON.stringify(model.show ? model.show(s) : s);

/** All reachable states (by shown content), with the states that have no enabled step. */
export function reachable<S, A>(model: Model<S, A>): { states: S[]; deadEnds: S[] } {
  const seen = new Map<string, S>();
  const deadEnds: S[] = [];
  let frontier = [...model.init()];
  for (const s of frontier) seen.set(key(model, s), s);
  while (frontier.length > 0) {
    const next: S[] = [];
    for (const s of frontier) {
      const acts = model.actions(s);
      if (acts.length === 0) deadEnds.push(s);
      for (const a of acts) {
        const t = model.next(s, a);
        const k = key(model, t);
        if (!seen.has(k)) {
          seen.set(k, t);
          next.push(t);
        }
      }
    }
    frontier = next;
  }
  return { states: [...seen.values()], deadEnds };
}

export interface Walk<S, A> {
  readonly states: S[];
  readonly actions: A[];
}

/** Every path of at most `depth` steps from every initial state (prefixes included). */
export function* paths<S, A>(model: Model<S, A>, depth: number): Generator<Walk<S, A>> {
  const stack: Walk<S, A>[] = model.init().map((s) => ({ states: [s], actions: [] }));
  while (stack.length > 0) {
    const p = stack.pop()!;
    yield p;
    if (p.actions.length === depth) continue;
    const last = p.states[p.states.length - 1];
    for (const a of model.actions(last)) {
      stack.push({ states: [...p.states, model.next(last, a)], actions: [...p.actions, a] });
    }
  }
}
