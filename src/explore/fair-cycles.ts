/**
 * Fair cycles: the parts of a state set where a behaviour can stay forever while respecting
 * every fairness assumption.
 *
 * A behaviour that loops forever visits some set of states and edges infinitely often; it is
 * fair when every weakly fair class enabled in all of those states is taken on one of those
 * edges, and every strongly fair class enabled in one of those states is taken. A strongly
 * connected set of states that satisfies this with all of its inner edges can be toured forever
 * fairly, and every fair loop lies inside such a set. They are found Emerson–Lei style:
 * - take the SCCs of the set; single states without a self-loop are no cycle;
 * - an SCC where a weak class is enabled everywhere but taken nowhere holds no fair loop at all
 *   (any loop inside it has the class enabled throughout and never takes it): drop it;
 * - an SCC where a strong class is enabled somewhere but taken nowhere can hold a fair loop only
 *   away from the states enabling it: remove those and look again at the rest;
 * - an SCC with neither problem is fair.
 */
import { SccFinder } from './scc.ts';
import { edgeSource, type StateGraph } from './state-graph.ts';

/** What fairness needs to know of the classes: their strength and the class sets of edges. */
export interface ClassTable {
  readonly strong: readonly boolean[];
  readonly sets: readonly (readonly number[])[];
}

export interface FairComponents {
  /** Per state: the fair component it belongs to, or -1. */
  readonly component: Int32Array;
  /** Number of fair components. */
  readonly count: number;
  /** Whether the state set contains a cycle at all, fair or not. */
  readonly cyclic: boolean;
}

const CONTINUE = -1;
const STOP = -2;

export class FairCycles {
  private readonly scc: SccFinder;
  private readonly mark: Int32Array;
  private readonly inComponent: Int32Array;
  private stamp = 0;
  /** Per class: how many states of the component under judgement enable it. */
  private readonly enabledCount: Int32Array;
  private readonly lastSeen: Int32Array;
  private readonly takenIn: Int32Array;
  private readonly removeIn: Int32Array;
  private tick = 0;

  constructor(
    private readonly graph: StateGraph,
    private readonly classes: ClassTable,
  ) {
    this.scc = new SccFinder(graph);
    this.mark = new Int32Array(graph.states);
    this.inComponent = new Int32Array(graph.states);
    const k = classes.strong.length;
    this.enabledCount = new Int32Array(k);
    this.lastSeen = new Int32Array(k);
    this.takenIn = new Int32Array(k);
    this.removeIn = new Int32Array(k);
  }

  /** The fair components inside `nodes` (expanded states; edges leaving the set are not part of any loop). */
  components(nodes: ArrayLike<number>): FairComponents {
    const component = new Int32Array(this.graph.states).fill(-1);
    const work: Int32Array[] = [Int32Array.from(nodes)];
    let count = 0;
    let cyclic = false;
    while (work.length > 0) {
      const set = work.pop()!;
      const stamp = ++this.stamp;
      for (let i = 0; i < set.length; i++) this.mark[set[i]] = stamp;
      this.scc.run(set, this.mark, stamp, (members) => {
        if (!this.scc.cyclic(members)) return;
        cyclic = true;
        const rest = this.judge(members);
        if (rest === null) return;
        if (rest === members) {
          for (let i = 0; i < members.length; i++) component[members[i]] = count;
          count++;
        } else if (rest.length > 0) {
          work.push(rest);
        }
      });
    }
    return { component, count, cyclic };
  }

  /**
   * Judge one cyclic SCC: `members` itself when it is fair, null when it holds no fair loop, or
   * the states left after removing those that enable a strong class never taken inside.
   */
  private judge(members: Int32Array): Int32Array | null {
    const { rowStart, target, classSet } = this.graph;
    const { sets, strong } = this.classes;
    const { enabledCount, lastSeen, takenIn, removeIn, inComponent } = this;
    const comp = ++this.stamp;
    for (let i = 0; i < members.length; i++) inComponent[members[i]] = comp;
    const touched: number[] = [];
    for (let i = 0; i < members.length; i++) {
      const v = members[i];
      const tick = ++this.tick;
      for (let e = rowStart[v]; e < rowStart[v + 1]; e++) {
        const cs = sets[classSet[e]];
        const inside = target[e] >= 0 && inComponent[target[e]] === comp;
        for (let j = 0; j < cs.length; j++) {
          const c = cs[j];
          if (inside) takenIn[c] = comp;
          if (lastSeen[c] === tick) continue;
          lastSeen[c] = tick;
          if (enabledCount[c]++ === 0) touched.push(c);
        }
      }
    }
    let weakBroken = false;
    let strongBroken = false;
    for (const c of touched) {
      if (takenIn[c] !== comp) {
        if (!strong[c] && enabledCount[c] === members.length) weakBroken = true;
        if (strong[c]) {
          strongBroken = true;
          removeIn[c] = comp;
        }
      }
      enabledCount[c] = 0;
    }
    if (weakBroken) return null;
    if (!strongBroken) return members;
    const rest: number[] = [];
    for (let i = 0; i < members.length; i++) {
      const v = members[i];
      let keep = true;
      for (let e = rowStart[v]; e < rowStart[v + 1] && keep; e++) {
        const cs = sets[classSet[e]];
        for (let j = 0; j < cs.length; j++) if (removeIn[cs[j]] === comp) keep = false;
      }
      if (keep) rest.push(v);
    }
    return Int32Array.from(rest);
  }

  /** The distinct classes enabled in state v. */
  enabled(v: number): Set<number> {
    const { rowStart, classSet } = this.graph;
    const out = new Set<number>();
    for (let e = rowStart[v]; e < rowStart[v + 1]; e++) for (const c of this.classes.sets[classSet[e]]) out.add(c);
    return out;
  }

  /**
   * A fair loop from `entry` back to `entry` inside its fair component, as edge indices. It
   * starts with no obligations and repeatedly discharges the lowest open one by the nearest means:
   * a strong class enabled somewhere on the loop must be taken; a weak class enabled everywhere on
   * the loop so far must be taken, or the loop must pass a state where it is disabled. Every step
   * discharges a class for good, so this ends; the component's fairness guarantees each means exists.
   */
  loop(fair: FairComponents, entry: number): number[] {
    const { target, classSet } = this.graph;
    const { sets, strong } = this.classes;
    const id = fair.component[entry];
    const inside = (v: number) => v >= 0 && fair.component[v] === id;
    const edges: number[] = [];
    const visited = new Set<number>();
    const enabledOn = new Map<number, number>();
    const taken = new Set<number>();
    const visit = (v: number) => {
      if (visited.has(v)) return;
      visited.add(v);
      for (const c of this.enabled(v)) enabledOn.set(c, (enabledOn.get(c) ?? 0) + 1);
    };
    let cur = entry;
    const take = (path: readonly number[]) => {
      for (const e of path) {
        edges.push(e);
        for (const c of sets[classSet[e]]) taken.add(c);
        cur = target[e];
        visit(cur);
      }
    };
    visit(entry);
    for (;;) {
      let open = -1;
      for (const [c, k] of enabledOn) {
        if (!taken.has(c) && (strong[c] || k === visited.size) && (open < 0 || c < open)) open = c;
      }
      if (open < 0) {
        if (edges.length > 0 && cur === entry) return edges;
        take(this.walk(cur, inside, (u) => this.firstEdge(u, (e) => target[e] === entry)));
        continue;
      }
      const c = open;
      const path = this.walk(cur, inside, (u) => {
        const e = this.firstEdge(u, (x) => inside(target[x]) && sets[classSet[x]].includes(c));
        if (e >= 0) return e;
        return !strong[c] && !this.enabled(u).has(c) ? STOP : CONTINUE;
      });
      if (path.length === 0) throw new Error(`internal: fairness class ${c} cannot be discharged`);
      take(path);
    }
  }

  private firstEdge(v: number, pick: (e: number) => boolean): number {
    const { rowStart } = this.graph;
    for (let e = rowStart[v]; e < rowStart[v + 1]; e++) if (pick(e)) return e;
    return CONTINUE;
  }

  /**
   * Breadth-first from `from` inside the component to the nearest state u that `accept`s: the
   * edges leading there, followed by the edge `accept(u)` returned (or none for STOP).
   */
  private walk(from: number, inside: (v: number) => boolean, accept: (u: number) => number): number[] {
    const { rowStart, target } = this.graph;
    const via = new Map<number, number>([[from, -1]]);
    const queue = [from];
    for (let head = 0; head < queue.length; head++) {
      const u = queue[head];
      const verdict = accept(u);
      if (verdict !== CONTINUE) {
        const path: number[] = [];
        for (let x = u; via.get(x)! >= 0; ) {
          const e = via.get(x)!;
          path.push(e);
          x = edgeSource(this.graph, e);
        }
        path.reverse();
        if (verdict >= 0) path.push(verdict);
        return path;
      }
      for (let e = rowStart[u]; e < rowStart[u + 1]; e++) {
        const t = target[e];
        if (inside(t) && !via.has(t)) {
          via.set(t, e);
          queue.push(t);
        }
      }
    }
    throw new Error('internal: a fair component is not strongly connected');
  }
}
