/**
 * Liveness: `eventually`, `leadsTo` and `alwaysEventually` under fairness, decided on the state
 * graph a breadth-first search recorded, with a lasso (or a run into a dead end) as counterexample.
 *
 * Each property is reduced to one question: can a fair behaviour stay forever in the states where
 * its goal is still pending? The pending part is a one-bit monitor run in product with the graph:
 * - `eventually(P)`: pending from the start while P has never held; P ends it for good;
 * - `leadsTo(P, Q)`: pending from a state with P and not Q, until a state with Q;
 * - `alwaysEventually(P)`: pending in every state without P (a fair behaviour that stays in such
 *   states forever has P only finitely often).
 * The pending states reachable in the product form a region of states whose goal fails; a
 * counterexample is a fair loop inside the region (see fair-cycles.ts) or a state of the region
 * without enabled actions, where the behaviour stops (it is maximal and trivially fair). A
 * breadth-first search of the product gives the shortest prefix into it.
 */
import type { Fairness, Model } from '../model/model.ts';
import type { LivenessProperty } from '../model/property.ts';
import { formatFairnessList } from '../model/fairness.ts';
import { statesAlong, type Path } from '../trace/trace.ts';
import type { StateStore } from './bfs.ts';
import { FairCycles, type FairComponents } from './fair-cycles.ts';
import { FairnessClasses } from './fairness-classes.ts';
import type { Search } from './drive.ts';
import type { SearchOutcome } from './options.ts';
import type { Bound, PropertyState, Strategy } from './result.ts';
import type { StopSignal } from './stop.ts';
import { GraphRecorder, type StateGraph } from './state-graph.ts';

/** How a liveness counterexample goes on forever. */
export interface LivenessWitness {
  /** `loop`: the last `loopLength` steps repeat forever; otherwise the behaviour stops where no action is enabled. */
  readonly end: 'loop' | 'deadlock' | 'terminal';
  readonly loopLength: number;
  /** One line per fairness assumption, saying how the loop respects it (empty without assumptions, or when it stops). */
  readonly fairness: readonly string[];
}

/** A liveness counterexample before its trace is rebuilt. */
export interface LivenessFinding {
  readonly property: string;
  readonly kind: LivenessProperty<unknown>['kind'];
  readonly description?: string;
  readonly path: Path;
  readonly liveness: LivenessWitness;
}

export interface LivenessReport {
  readonly status: ReadonlyMap<string, PropertyState>;
  readonly found: readonly LivenessFinding[];
  readonly warnings: readonly string[];
  /** False when some liveness property is unknown for a reason other than an earlier violation ending the check. */
  readonly decided: boolean;
  /** The fairness assumed, in the `--fairness` syntax (`none` when empty). */
  readonly fairness: string;
  readonly durationMs: number;
  /** A stop was requested while the properties were being decided. */
  readonly interrupted?: boolean;
}

const BOUND_REASON: Record<Bound, string> = {
  'max-depth': 'the search was cut by the depth bound (--max-depth)',
  'max-states': 'the search was cut by the state bound (--max-states)',
  'time-limit': 'the search was cut by the time limit (--time-limit)',
  'random-walks': 'random simulation samples behaviours',
  interrupted: 'the search was interrupted',
  memory: 'the search stopped because memory ran short',
};

const isLiveness = <S, A>(p: Model<S, A>['properties'][number]): p is LivenessProperty<S> =>
  p.kind === 'eventually' || p.kind === 'leadsTo' || p.kind === 'alwaysEventually';

/** The liveness properties of a model. */
export function livenessProperties<S, A>(model: Model<S, A>): LivenessProperty<S>[] {
  return model.properties.filter(isLiveness);
}

/** The report when the strategy cannot check liveness: every liveness property unknown, and why. */
export function livenessSkipped<S, A>(model: Model<S, A>, strategy: Strategy, fairness: readonly Fairness[]): LivenessReport {
  const props = livenessProperties(model);
  const names = props.map((p) => p.name).join(', ');
  return {
    status: new Map(props.map((p) => [p.name, 'unknown' as const])),
    found: [],
    warnings:
      props.length === 0
        ? []
        : [`liveness (${names}) needs the whole state graph and is checked only with --strategy bfs: unknown under ${strategy}`],
    decided: props.length === 0,
    fairness: formatFairnessList(fairness),
    durationMs: 0,
  };
}

/** Where a property's monitor bit turns on and stays on, as label columns of the state graph. */
interface Monitor {
  /** Pending in an initial state. */
  readonly start: (v: number) => boolean;
  /** Becoming pending on entering a state (null: never, after the start). */
  readonly raise: ((v: number) => boolean) | null;
  /** Staying pending on entering a state. */
  readonly keep: (v: number) => boolean;
}

export class LivenessChecker<S, A> {
  readonly recorder: GraphRecorder<S, A>;
  readonly classes: FairnessClasses<S, A>;
  private readonly properties: LivenessProperty<S>[];
  /** Per property: the label columns of its goal and (for leadsTo) trigger. */
  private readonly columns: { goal: number; trigger: number }[] = [];

  constructor(
    private readonly model: Model<S, A>,
    fairness: readonly Fairness[],
    /**
     * The fairness was given for this run (`--fairness`), not declared by the model for every
     * system it offers: an entry that matches no step is then worth a warning (a typo in a name).
     */
    private readonly given = false,
  ) {
    this.properties = livenessProperties(model);
    const predicates: ((s: S) => boolean)[] = [];
    for (const p of this.properties) {
      const goal = predicates.push(p.goal) - 1;
      const trigger = p.kind === 'leadsTo' ? predicates.push(p.trigger) - 1 : -1;
      this.columns.push({ goal, trigger });
    }
    this.classes = new FairnessClasses(model, fairness);
    this.recorder = new GraphRecorder(predicates, this.classes);
  }

  /**
   * Decide every liveness property on the graph recorded during the search that ended with
   * `outcome`. A generator that yields between properties; a raised `stop` leaves the remaining
   * ones unknown.
   */
  *analyse(store: StateStore, outcome: SearchOutcome, all: boolean, stop?: StopSignal): Search<LivenessReport> {
    const started = performance.now();
    const status = new Map<string, PropertyState>();
    const found: LivenessFinding[] = [];
    const warnings: string[] = [];
    const fairness = formatFairnessList(this.classes.entries);
    const done = () => ({ status, found, warnings, fairness, durationMs: performance.now() - started });
    if (outcome.stoppedEarly || outcome.cutBy === 'interrupted' || outcome.cutBy === 'memory') {
      // A safety violation ended the search (the verdict is known), or it was stopped and must
      // end now: the graph is partial, and deciding liveness on it would take time and memory.
      for (const p of this.properties) status.set(p.name, 'unknown');
      if (!outcome.stoppedEarly) warnings.push(`liveness unknown for ${this.properties.map((p) => p.name).join(', ')}: ${BOUND_REASON[outcome.cutBy!]}`);
      return { ...done(), decided: outcome.stoppedEarly };
    }
    const graph = this.recorder.finish(store.size);

    const inits: { id: number; index: number }[] = [];
    for (let v = 0; v < graph.states && store.parent.get(v) < 0; v++) inits.push({ id: v, index: -1 - store.parent.get(v) });
    const cycles = new FairCycles(graph, this.classes);
    const cut = outcome.cutBy !== null || outcome.boundaryStates > 0;
    let stopped = false;
    let interrupted = false;
    for (let k = 0; k < this.properties.length; k++) {
      const p = this.properties[k];
      yield;
      interrupted ||= !stopped && stop?.reason != null;
      const finding = stopped || interrupted ? null : this.counterexample(p, this.monitor(graph, k), graph, inits, cycles, store);
      if (finding) {
        found.push(finding);
        stopped = !all;
      }
      status.set(p.name, finding ? 'violated' : stopped || cut || interrupted ? 'unknown' : 'holds');
    }

    const unknown = this.properties.filter((p) => status.get(p.name) === 'unknown').map((p) => p.name);
    if (unknown.length > 0 && !stopped) {
      const reasons: string[] = [];
      if (outcome.cutBy !== null) reasons.push(BOUND_REASON[outcome.cutBy]);
      if (outcome.boundaryStates > 0) {
        const n = outcome.boundaryStates;
        reasons.push(`${n} ${n === 1 ? 'state' : 'states'} outside the model's state constraint (within) ${n === 1 ? 'was' : 'were'} not expanded`);
      }
      for (const reason of reasons) {
        warnings.push(`liveness unknown for ${unknown.join(', ')}: ${reason}, so a behaviour that never reaches the goal may lie beyond what was explored`);
      }
      if (interrupted) warnings.push(`liveness unknown for ${unknown.join(', ')}: the check was interrupted before deciding them`);
    }
    if (this.given) this.unmatchedFairness(warnings);
    this.vacuity(graph, cycles, inits, status, warnings);
    return { ...done(), decided: stopped || unknown.length === 0, interrupted };
  }

  /** A warning for each fairness entry that selects no step of the explored graph: it assumes nothing. */
  private unmatchedFairness(warnings: string[]): void {
    const { classes } = this;
    classes.specs.forEach((spec, j) => {
      if (classes.entryOf.includes(j)) return;
      warnings.push(`--fairness entry ${spec} matches no step of the explored state graph, so it assumes nothing (check its step kinds, @node and #name)`);
    });
  }

  private monitor(graph: StateGraph, k: number): Monitor {
    const goal = graph.labels[this.columns[k].goal];
    const p = this.properties[k];
    if (p.kind === 'eventually') return { start: (v) => !goal[v], raise: null, keep: (v) => !goal[v] };
    if (p.kind === 'alwaysEventually') return { start: (v) => !goal[v], raise: (v) => !goal[v], keep: (v) => !goal[v] };
    const trigger = graph.labels[this.columns[k].trigger];
    const fires = (v: number) => !!trigger[v] && !goal[v];
    return { start: fires, raise: fires, keep: (v) => !goal[v] };
  }

  /**
   * Breadth-first search of the product of the graph with the property's monitor (product state
   * 2v + bit); the pending region is where bit 1 is reached. The first pending product state in
   * BFS order that lies on a fair loop or has no enabled action is the nearest counterexample.
   */
  private counterexample(
    p: LivenessProperty<S>,
    monitor: Monitor,
    graph: StateGraph,
    inits: readonly { id: number; index: number }[],
    cycles: FairCycles,
    store: StateStore,
  ): LivenessFinding | null {
    const { rowStart, target, expanded } = graph;
    const n = graph.states;
    const seen = new Uint8Array(2 * n);
    const parent = new Int32Array(2 * n);
    const via = new Int32Array(2 * n);
    const queue = new Int32Array(2 * n);
    let tail = 0;
    for (const { id, index } of inits) {
      if (!expanded[id]) continue;
      const q = 2 * id + (monitor.start(id) ? 1 : 0);
      if (seen[q]) continue;
      seen[q] = 1;
      parent[q] = -1;
      via[q] = index;
      queue[tail++] = q;
    }
    const region: number[] = [];
    for (let head = 0; head < tail; head++) {
      const q = queue[head];
      const v = q >> 1;
      const pending = q & 1;
      if (pending) region.push(v);
      else if (monitor.raise === null) continue;
      for (let e = rowStart[v]; e < rowStart[v + 1]; e++) {
        const t = target[e];
        if (t < 0 || !expanded[t]) continue;
        const r = 2 * t + ((pending ? monitor.keep(t) : monitor.raise!(t)) ? 1 : 0);
        if (seen[r]) continue;
        seen[r] = 1;
        parent[r] = q;
        via[r] = e;
        queue[tail++] = r;
      }
    }
    if (region.length === 0) return null;

    const fair = cycles.components(region);
    const deadEnd = (v: number) => rowStart[v] === rowStart[v + 1];
    let entry = -1;
    for (let head = 0; head < tail && entry < 0; head++) {
      const q = queue[head];
      if (q & 1 && (fair.component[q >> 1] >= 0 || deadEnd(q >> 1))) entry = q;
    }
    if (entry < 0) return null;

    const edges: number[] = [];
    let q = entry;
    for (; parent[q] >= 0; q = parent[q]) edges.push(via[q]);
    edges.reverse();
    const initIndex = via[q];
    const v = entry >> 1;
    const base = { property: p.name, kind: p.kind, description: p.description };
    if (deadEnd(v)) {
      const path: Path = { initIndex, actions: this.reexecuted(graph, store, initIndex, edges), loopStart: null };
      const { states } = statesAlong(this.model, path);
      const end = this.model.terminal?.(states[states.length - 1]) ? 'terminal' : 'deadlock';
      return { ...base, path, liveness: { end, loopLength: 0, fairness: [] } };
    }
    const loop = cycles.loop(fair, v);
    const loopStart = edges.length;
    for (const e of loop) edges.push(e);
    return {
      ...base,
      path: { initIndex, actions: this.reexecuted(graph, store, initIndex, edges), loopStart },
      liveness: { end: 'loop', loopLength: loop.length, fairness: this.respected(graph, cycles, v, loop) },
    };
  }

  /**
   * The action indices that re-execute a path of graph edges from the initial state `initIndex`.
   * Each edge was recorded on the first state found with its view; the state re-execution reaches
   * has the same view but, under a view that merges states (symmetry, a shift of counters), may
   * list its actions in another order. So each step takes the edge's own index when it leads to
   * the edge's target, else the first action that does.
   */
  private reexecuted(graph: StateGraph, store: StateStore, initIndex: number, edges: readonly number[]): number[] {
    const { rowStart, target } = graph;
    const model = this.model;
    let s = model.init()[initIndex];
    let v = store.find(s);
    return edges.map((e) => {
      const enabled = model.actions(s);
      const own = e - rowStart[v];
      for (const i of [own, ...enabled.keys()]) {
        if (i >= enabled.length) continue;
        const t = model.next(s, enabled[i]);
        if (store.find(t) !== target[e]) continue;
        s = t;
        v = target[e];
        return i;
      }
      throw new Error(`no action of a state with the view of graph state ${v} leads to graph state ${target[e]}`);
    });
  }

  /** How a loop respects each fairness assumption, one line per assumption. */
  private respected(graph: StateGraph, cycles: FairCycles, entry: number, loop: readonly number[]): string[] {
    const { classes } = this;
    const states = new Set([entry, ...loop.map((e) => graph.target[e])]);
    const taken = new Set(loop.flatMap((e) => classes.sets[graph.classSet[e]]));
    const enabledOn = new Map<number, number>();
    for (const s of states) for (const c of cycles.enabled(s)) enabledOn.set(c, (enabledOn.get(c) ?? 0) + 1);
    const list = (cs: number[]) => {
      const names = cs.slice(0, 3).map((c) => classes.name(c));
      return names.join(', ') + (cs.length > 3 ? ` (+${cs.length - 3} more)` : '');
    };
    return classes.entries.map((_, j) => {
      const mine = [...enabledOn.keys()].filter((c) => classes.entryOf[c] === j).sort((x, y) => x - y);
      const takenHere = mine.filter((c) => taken.has(c));
      const idle = mine.filter((c) => !taken.has(c));
      const parts: string[] = [];
      if (mine.length === 0) parts.push('not enabled on the loop');
      if (takenHere.length > 0) parts.push(`taken on the loop: ${list(takenHere)}`);
      if (idle.length > 0) parts.push(`not enabled throughout the loop: ${list(idle)}`);
      return `${classes.specs[j]} — ${parts.join('; ')}`;
    });
  }

  /**
   * Warnings for properties that hold for a reason that says little: their obligation never
   * becomes pending, or no fair behaviour is infinite, so only behaviours that stop were checked.
   */
  private vacuity(
    graph: StateGraph,
    cycles: FairCycles,
    inits: readonly { id: number }[],
    status: ReadonlyMap<string, PropertyState>,
    warnings: string[],
  ): void {
    const holding = this.properties.filter((p) => status.get(p.name) === 'holds');
    if (holding.length === 0) return;
    const reachable: number[] = [];
    for (let v = 0; v < graph.states; v++) if (graph.expanded[v]) reachable.push(v);
    const everywhere: FairComponents = cycles.components(reachable);
    for (const p of holding) {
      const { goal, trigger } = this.columns[this.properties.indexOf(p)];
      const holdsIn = (column: number, states: readonly number[]) => states.some((v) => graph.labels[column][v] === 1);
      const failsIn = (column: number, states: readonly number[]) => states.some((v) => graph.labels[column][v] === 0);
      if (p.kind === 'eventually' && !failsIn(goal, inits.map((x) => x.id).filter((v) => graph.expanded[v]))) {
        warnings.push(`${p.name} holds trivially: every initial state satisfies its goal`);
      } else if (p.kind === 'alwaysEventually' && !failsIn(goal, reachable)) {
        warnings.push(`${p.name} holds trivially: its goal holds in every reachable state`);
      } else if (p.kind === 'leadsTo' && !holdsIn(trigger, reachable)) {
        warnings.push(`${p.name} holds vacuously: no reachable state satisfies its trigger`);
      } else if (everywhere.count === 0) {
        warnings.push(
          everywhere.cyclic
            ? `${p.name} holds, but no fair infinite behaviour exists: the fairness assumptions rule out every cycle of the state graph, so only behaviours that stop were checked`
            : `${p.name} holds, but every behaviour is finite (the state graph has no cycle), so fairness plays no part and only behaviours that stop were checked`,
        );
      }
    }
  }
}
