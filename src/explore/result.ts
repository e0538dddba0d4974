/** What a search reports: verdict, statistics, per-property status and counterexamples. */
import type { PropertyKind } from '../model/property.ts';
import type { Path, Trace } from '../trace/trace.ts';
import type { LivenessWitness } from './liveness.ts';

export type Strategy = 'bfs' | 'dfs' | 'random';
export type Verdict = 'holds' | 'violated' | 'incomplete';

/**
 * Why a search did not cover the whole bounded space: a bound the user set, random simulation
 * (which samples), a stop requested from outside (Ctrl-C, SIGTERM), or a nearly full heap.
 */
export type Bound = 'max-depth' | 'max-states' | 'time-limit' | 'random-walks' | 'interrupted' | 'memory';

export interface Stats {
  /** States reachable from init within the bounds, each counted once (TLC's "distinct states"). */
  readonly distinctStates: number;
  /** Successor states computed, duplicates included (TLC's "states generated"). */
  readonly generatedStates: number;
  /** Length in states of the longest shortest path explored. */
  readonly depth: number;
  readonly durationMs: number;
  readonly statesPerSecond: number;
  /**
   * Estimated probability that two distinct states shared a fingerprint, so that one was never
   * explored: TLC's optimistic estimate distinct × (generated − distinct) / 2^64.
   */
  readonly collisionProbability: number;
  /** States outside the model's constraint (`within`), checked but not expanded. */
  readonly boundaryStates: number;
}

export type PropertyState = 'holds' | 'violated' | 'unknown';

export interface PropertyStatus {
  readonly name: string;
  readonly kind: PropertyKind;
  readonly status: PropertyState;
  readonly description?: string;
  /** For `sometimes`: the depth (in states) of the first witness found. */
  readonly witnessDepth?: number;
}

export interface Violation {
  readonly property: string;
  readonly kind: PropertyKind;
  readonly description?: string;
  /** Null for a `sometimes` that was never reached: there is no behaviour to show. */
  readonly path: Path | null;
  readonly trace: Trace | null;
  /** For a liveness property: how the counterexample goes on forever (a loop, or a dead end). */
  readonly liveness?: LivenessWitness;
}

export interface CheckResult {
  readonly strategy: Strategy;
  readonly verdict: Verdict;
  /** The bound that cut the search, if any; null when the bounded space was covered. */
  readonly cutBy: Bound | null;
  /** Seed of a random simulation, so the same walks can be run again. */
  readonly seed?: number;
  readonly stats: Stats;
  readonly properties: readonly PropertyStatus[];
  readonly violations: readonly Violation[];
  /**
   * Things a verdict alone does not say: a liveness property left unknown by a bound or strategy,
   * or one that holds only vacuously.
   */
  readonly warnings: readonly string[];
  /** The fairness assumed for liveness properties, in the `--fairness` syntax; absent without any. */
  readonly fairness?: string;
}

/** TLC's optimistic fingerprint-collision estimate. */
export function collisionProbability(distinct: number, generated: number): number {
  return (distinct * Math.max(0, generated - distinct)) / 2 ** 64;
}
