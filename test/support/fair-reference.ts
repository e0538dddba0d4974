/**
 * A reference for liveness under fairness, written from the definitions and independent of the
 * explorer: explicit graphs in plain arrays, fairness judged on sets of states and edges, fair
 * loops found by enumerating every subset of states (so only for tiny graphs), distances by BFS.
 *
 * Definitions used. A behaviour is a path from an initial state that is infinite, or finite and
 * ends in a state with no outgoing edge. An infinite path of a finite graph eventually visits
 * exactly some set of states V and edges E infinitely often; (V, E) is strongly connected, and
 * every strongly connected (V, E) arises so. The behaviour is fair iff every weak class enabled in
 * all of V is on an edge of E, and every strong class enabled in some state of V is on an edge of
 * E. For a fixed V, taking every edge inside V is the best choice of E (it only adds taken
 * classes), so fair loops are enumerated as state sets with all their inner edges.
 */
import type { Model } from '../../src/model/model.ts';

export interface RefEdge {
  readonly to: number;
  /** Fairness classes of the edge's action. */
  readonly classes: readonly string[];
}

export interface RefGraph {
  readonly size: number;
  readonly init: readonly number[];
  /** Outgoing edges per state, in action order. */
  readonly edges: readonly (readonly RefEdge[])[];
  /** The strongly fair classes; every other class met on an edge is weakly fair. */
  readonly strong: ReadonlySet<string>;
}

export type LiveKind = 'eventually' | 'leadsTo' | 'alwaysEventually';

export interface LiveSpec {
  readonly kind: LiveKind;
  readonly goal: (v: number) => boolean;
  readonly trigger?: (v: number) => boolean;
}

/** BFS distances from `sources` (with start distances) through states allowed by `allowed`. */
function distancesFrom(g: RefGraph, sources: readonly [number, number][], allowed: (v: number) => boolean): number[] {
  const dist = Array<number>(g.size).fill(Infinity);
  const queue: number[] = [];
  for (const [v, d] of [...sources].sort((a, b) => a[1] - b[1])) {
    if (allowed(v) && d < dist[v]) {
      dist[v] = d;
      queue.push(v);
    }
  }
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i];
    for (const e of g.edges[v]) {
      if (allowed(e.to) && dist[e.to] === Infinity) {
        dist[e.to] = dist[v] + 1;
        queue.push(e.to);
      }
    }
  }
  return dist;
}

/** Plain BFS distances from the initial states. */
export function reachDistances(g: RefGraph): number[] {
  return distancesFrom(g, g.init.map((v) => [v, 0]), () => true);
}

/**
 * Per state: the fewest steps of a path from init that ends there with the property's obligation
 * pending (eventually: the goal never held on it; leadsTo: the trigger held at some point, with the
 * goal not holding from there on; alwaysEventually: the goal fails there). Infinity if none.
 */
export function pendingDistances(g: RefGraph, spec: LiveSpec): number[] {
  const waiting = (v: number) => !spec.goal(v);
  if (spec.kind === 'eventually') return distancesFrom(g, g.init.map((v) => [v, 0]), waiting);
  const d = reachDistances(g);
  if (spec.kind === 'alwaysEventually') return d.map((x, v) => (waiting(v) ? x : Infinity));
  const best = Array<number>(g.size).fill(Infinity);
  for (let s = 0; s < g.size; s++) {
    if (d[s] === Infinity || !spec.trigger!(s) || spec.goal(s)) continue;
    const from = distancesFrom(g, [[s, 0]], waiting);
    for (let v = 0; v < g.size; v++) best[v] = Math.min(best[v], d[s] + from[v]);
  }
  return best;
}

/** The classes enabled in state v: those of its outgoing edges. */
export function enabledClasses(g: RefGraph, v: number): Set<string> {
  return new Set(g.edges[v].flatMap((e) => e.classes));
}

/** Fairness by definition, for a loop visiting `states` and taking `edges` (as [from, index]) infinitely often. */
export function isFairLoop(g: RefGraph, states: ReadonlySet<number>, edges: readonly (readonly [number, number])[]): boolean {
  const taken = new Set(edges.flatMap(([v, i]) => g.edges[v][i].classes));
  const all = [...states].flatMap((v) => [...enabledClasses(g, v)]);
  for (const c of new Set(all)) {
    if (taken.has(c)) continue;
    if (g.strong.has(c)) return false;
    if ([...states].every((v) => enabledClasses(g, v).has(c))) return false;
  }
  return true;
}

/** The edges inside a state set, as [from, index]. */
function innerEdges(g: RefGraph, set: ReadonlySet<number>): [number, number][] {
  const out: [number, number][] = [];
  for (const v of set) g.edges[v].forEach((e, i) => set.has(e.to) && out.push([v, i]));
  return out;
}

/** Whether the edges inside `set` connect it strongly and form at least one cycle. */
function stronglyConnected(g: RefGraph, set: ReadonlySet<number>): boolean {
  const members = [...set];
  for (const v of members) {
    const seen = new Set<number>();
    const stack = [v];
    while (stack.length > 0) {
      const u = stack.pop()!;
      for (const e of g.edges[u]) if (set.has(e.to) && !seen.has(e.to)) (seen.add(e.to), stack.push(e.to));
    }
    if (!members.every((u) => seen.has(u))) return false; // includes v itself: needs a cycle back
  }
  return true;
}

/** Every set of states among `candidates` that a behaviour can loop in forever (fairly, when `fair`). */
export function loopSets(g: RefGraph, candidates: readonly number[], fair: boolean): Set<number>[] {
  if (candidates.length > 14) throw new Error('reference: too many candidate states to enumerate');
  const out: Set<number>[] = [];
  for (let mask = 1; mask < 1 << candidates.length; mask++) {
    const set = new Set(candidates.filter((_, i) => mask & (1 << i)));
    if (!stronglyConnected(g, set)) continue;
    if (!fair || isFairLoop(g, set, innerEdges(g, set))) out.push(set);
  }
  return out;
}

/**
 * The reference verdict: the fewest steps before a counterexample's loop (or final state), or
 * null when the property holds. Candidates are the loop sets of pending states and the pending
 * states without outgoing edges.
 */
export function shortestCounterexample(g: RefGraph, spec: LiveSpec): number | null {
  const pd = pendingDistances(g, spec);
  const pending = [...Array(g.size).keys()].filter((v) => pd[v] < Infinity);
  let best: number | null = null;
  const consider = (d: number) => (best = best === null ? d : Math.min(best, d));
  for (const v of pending) if (g.edges[v].length === 0) consider(pd[v]);
  for (const set of loopSets(g, pending, true)) consider(Math.min(...[...set].map((v) => pd[v])));
  return best;
}

/**
 * States on a weakly fair loop within `allowed` — valid only when every class is weakly fair.
 * Naive SCCs by mutual reachability; an SCC can be toured fairly iff each class enabled in all its
 * states is taken inside it (no sub-loop can do better: it has the class enabled throughout too).
 */
export function weaklyFairLoopStates(g: RefGraph, allowed: (v: number) => boolean): Set<number> {
  if (g.strong.size > 0) throw new Error('reference: weaklyFairLoopStates is only for weak fairness');
  const reach = (v: number) => {
    const seen = new Set<number>();
    const stack = [v];
    while (stack.length > 0) {
      const u = stack.pop()!;
      for (const e of g.edges[u]) if (allowed(e.to) && !seen.has(e.to)) (seen.add(e.to), stack.push(e.to));
    }
    return seen;
  };
  const reaches = [...Array(g.size).keys()].map((v) => (allowed(v) ? reach(v) : new Set<number>()));
  const out = new Set<number>();
  for (let v = 0; v < g.size; v++) {
    if (!allowed(v) || !reaches[v].has(v)) continue;
    const scc = new Set([...reaches[v]].filter((u) => reaches[u].has(v)));
    if (isFairLoop(g, scc, innerEdges(g, scc))) out.add(v);
  }
  return out;
}

/** `shortestCounterexample` for graphs too big to enumerate, when every class is weakly fair. */
export function shortestCounterexampleWeak(g: RefGraph, spec: LiveSpec): number | null {
  const pd = pendingDistances(g, spec);
  const onLoop = weaklyFairLoopStates(g, (v) => pd[v] < Infinity);
  let best: number | null = null;
  for (let v = 0; v < g.size; v++) {
    if (pd[v] < Infinity && (onLoop.has(v) || g.edges[v].length === 0)) best = best === null ? pd[v] : Math.min(best, pd[v]);
  }
  return best;
}

/** The explicit graph of a model, with states keyed by JSON and classes given per action. */
export function explicitGraph<S, A>(
  model: Model<S, A>,
  classesOf: (a: A) => string[],
  strong: ReadonlySet<string> = new Set(),
): { graph: RefGraph; states: S[] } {
  const ids = new Map<string, number>();
  const states: S[] = [];
  const edges: RefEdge[][] = [];
  const idOf = (s: S) => {
    const key = JSON.stringify(s);
    let id = ids.get(key);
    if (id === undefined) {
      id = states.length;
      ids.set(key, id);
      states.push(s);
      edges.push([]);
    }
    return id;
  };
  const init = model.init().map(idOf);
  for (let v = 0; v < states.length; v++) {
    for (const a of model.actions(states[v])) edges[v].push({ to: idOf(model.next(states[v], a)), classes: classesOf(a) });
  }
  return { graph: { size: states.length, init, edges, strong }, states };
}
