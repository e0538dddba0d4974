/**
 * Breadth-first search: every state is first reached along a shortest path, so the first
 * counterexample found for a property is a shortest one.
 *
 * Visited states are fingerprints only. Each state id has a parent id and the index of the
 * action that reached it, in typed columns; a trace is rebuilt by re-executing those choices.
 * BFS hands out ids level by level, so the frontier's ids are a contiguous range and the
 * frontier itself is just an array of states.
 *
 * The search is a generator that yields at every poll of its budget (see drive.ts).
 */
import { identity, successorIdentity, type Model } from '../model/model.ts';
import { FingerprintSet, IntColumn } from '../state/fingerprint-set.ts';
import { RecentFingerprints } from '../state/recent-fingerprints.ts';
import type { Path } from '../trace/trace.ts';
import { ModelError } from '../model/errors.ts';
import type { Search } from './drive.ts';
import type { SafetyMonitor } from './monitor.ts';
import { POLL_EVERY, SearchBudget, type SearchOptions, type SearchOutcome } from './options.ts';
import type { Bound } from './result.ts';
import type { EdgeSink } from './state-graph.ts';

/** The visited-state store of a BFS: fingerprints plus (parent, action) links. */
export class StateStore {
  readonly seen = new FingerprintSet();
  /** Parent id, or `-1 - initIndex` for an initial state. */
  readonly parent = new IntColumn();
  readonly via = new IntColumn();
  private readonly fp = new Int32Array(2);

  constructor(private readonly fingerprint: (s: any, out: Int32Array) => void) {}

  /** Insert a state: its new id, or `-1 - id` when already present. */
  add(s: unknown, parent: number, via: number): number {
    this.fingerprint(s, this.fp);
    return this.addFingerprint(this.fp, parent, via);
  }

  /** Insert a state by its fingerprint: its new id, or `-1 - id` when already present. */
  addFingerprint(fp: Int32Array, parent: number, via: number): number {
    const id = this.seen.add(fp[0], fp[1]);
    if (id >= 0) {
      this.parent.push(parent);
      this.via.push(via);
    }
    return id;
  }

  /** Write a state's fingerprint into `out`. */
  fingerprintOf(s: unknown, out: Int32Array): void {
    this.fingerprint(s, out);
  }

  /** Whether a state is already stored, without inserting it. */
  has(s: unknown): boolean {
    return this.find(s) >= 0;
  }

  /** The id of a stored state, or -1. */
  find(s: unknown): number {
    this.fingerprint(s, this.fp);
    return this.findFingerprint(this.fp);
  }

  /** The id of a stored state by its fingerprint, or -1. */
  findFingerprint(fp: Int32Array): number {
    return this.seen.get(fp[0], fp[1]);
  }

  get size(): number {
    return this.seen.size;
  }

  /** The choices that lead from an initial state to `id`, plus optional further steps. */
  path(id: number, ...then: number[]): Path {
    return pathOf((i) => this.parent.get(i), (i) => this.via.get(i), id, then);
  }
}

/**
 * The choices that lead from an initial state to `id`, plus `then`, read off parent links (`-1 -
 * initIndex` at an initial state) and the index of the action that reached each id.
 */
export function pathOf(parent: (id: number) => number, via: (id: number) => number, id: number, then: readonly number[] = []): Path {
  const actions: number[] = [];
  let cur = id;
  while (parent(cur) >= 0) {
    actions.push(via(cur));
    cur = parent(cur);
  }
  actions.reverse();
  actions.push(...then);
  return { initIndex: -1 - parent(cur), actions };
}

/** `edges`, when given, receives every edge of every expanded state (for liveness). */
export function* bfs<S, A>(
  model: Model<S, A>,
  monitor: SafetyMonitor<S, A>,
  options: SearchOptions,
  store: StateStore = new StateStore(identity(model)),
  edges?: EdgeSink<S, A>,
): Search<SearchOutcome> {
  const budget = new SearchBudget(options);
  const maxDepth = options.maxDepth ?? Infinity;
  const maxStates = options.maxStates ?? Infinity;
  const within = model.within?.bind(model);
  const peek = successorIdentity(model, monitor.checksSteps);
  const fp = new Int32Array(2);
  const recent = edges === undefined ? new RecentFingerprints() : undefined;
  let generated = 0;
  let depth = 0;
  let boundary = 0;
  let cutBy: Bound | null = null;
  /** The step being taken (0: initial states), for errors of the model. */
  let step = 0;

  let frontier: S[] = [];
  let levelStart = 0;
  /** States of the current level expanded so far, and the next level: the queue for progress reports. */
  let expanded = 0;
  let nextFrontier: S[] = [];
  let pollCountdown = POLL_EVERY;
  const progress = () => ({
    distinctStates: store.size,
    generatedStates: generated,
    depth,
    queue: frontier.length - expanded + nextFrontier.length,
    elapsedMs: budget.elapsed(),
  });

  try {
    const inits = model.init();
    for (let i = 0; i < inits.length && !monitor.done; i++) {
      generated++;
      if (store.size >= maxStates && !store.has(inits[i])) {
        cutBy = 'max-states';
        break;
      }
      const id = store.add(inits[i], -1 - i, -1);
      if (id < 0) continue;
      frontier.push(inits[i]);
      monitor.state(inits[i], 1, () => store.path(id));
    }
    if (frontier.length > 0) depth = 1;

    // `steps` is the distance of the frontier from init.
    search: for (let steps = 0; frontier.length > 0 && !monitor.done && cutBy === null; steps++) {
      step = steps + 1;
      const lastLevel = steps >= maxDepth;
      nextFrontier = [];
      expanded = 0;
      const nextStart = store.size;
      for (let k = 0; k < frontier.length; k++, expanded = k) {
        const s = frontier[k];
        const id = levelStart + k;
        if (within && !within(s)) {
          boundary++;
          continue;
        }
        const enabled = model.actions(s);
        if (edges !== undefined) edges.expand(id, s, enabled.length);
        if (enabled.length === 0) {
          monitor.stuck(s, () => store.path(id));
          if (monitor.done) break search;
          continue;
        }
        for (let ai = 0; ai < enabled.length; ai++) {
          const a = enabled[ai];
          // The successor is built here only when the model cannot tell its fingerprint
          // without it; otherwise only once it proves new (most successors are not).
          let t: S | undefined;
          if (peek === undefined || !peek(s, a, fp)) {
            t = model.next(s, a);
            store.fingerprintOf(t, fp);
          }
          generated++;
          if (--pollCountdown === 0) {
            pollCountdown = POLL_EVERY;
            yield;
            const cut = budget.poll(progress);
            if (cut !== null) {
              cutBy = cut;
              break search;
            }
          }
          // (With step properties there is no peeking: `t` is built.)
          if (lastLevel) {
            // Beyond the depth bound: only learn whether the bound cut anything off.
            const known = store.findFingerprint(fp);
            if (edges !== undefined) edges.edge(a, known);
            if (known < 0) cutBy = 'max-depth';
            else if (monitor.checksSteps) monitor.step(s, a, t!, () => store.path(id, ai));
            continue;
          }
          if (monitor.checksSteps) {
            monitor.step(s, a, t!, () => store.path(id, ai));
            if (monitor.done) break search;
          }
          if (store.size >= maxStates) {
            const known = store.findFingerprint(fp);
            if (edges !== undefined) edges.edge(a, known);
            if (known < 0) {
              cutBy = 'max-states';
              break search;
            }
            continue;
          }
          // The state graph needs every successor's id; without it, a recent hit is enough.
          if (recent !== undefined && recent.has(fp[0], fp[1])) continue;
          const tid = store.addFingerprint(fp, id, ai);
          if (edges !== undefined) edges.edge(a, tid < 0 ? -1 - tid : tid);
          recent?.remember(fp[0], fp[1]);
          if (tid < 0) continue;
          t ??= model.next(s, a);
          nextFrontier.push(t);
          monitor.state(t, steps + 2, () => store.path(tid));
          if (monitor.done) break search;
        }
        if (monitor.done) break search;
      }
      if (nextFrontier.length > 0) depth = steps + 2;
      frontier = nextFrontier;
      levelStart = nextStart;
    }
  } catch (e) {
    throw e instanceof ModelError ? e.atStep(step) : e;
  }

  return {
    distinctStates: store.size,
    generatedStates: generated,
    depth,
    boundaryStates: boundary,
    cutBy,
    stoppedEarly: monitor.done,
    durationMs: budget.elapsed(),
  };
}
