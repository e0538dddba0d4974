/**
 * The messages between the coordinator of a parallel search and its workers: plain
 * structured-cloneable records, so that the same exchange can run over any transport that
 * carries bytes and records — a `worker_threads` port today, a distributed queue tomorrow (see
 * docs/architecture.md, "Parallel search").
 *
 * A worker is told once what to build (`Start`: the run, the shared store, the codec's tables,
 * the stop signal) and then receives chunks of one BFS level (`Expand`), and, when the shared
 * table grows, its part of the rehash (`Rehash`, answered by `Rehashed`). For each chunk it
 * answers `Expanded`: the new states it inserted into the shared store (the next level, encoded),
 * the part of the chunk it did not get to (`rest`: stopped, or the table needs to grow), its
 * counts and what it found. The coordinator owns the frontier, the level barrier, growth of the
 * table, checkpoints and the verdict, and ends the workers when the search is over.
 */
import type { RunInfo } from '../../model/run.ts';
import type { SharedStoreShare } from '../../state/shared-fingerprint-set.ts';
import type { FoundViolation } from '../monitor.ts';
import type { CodecShare } from '../../state/codec.ts';

/** States of one BFS level, encoded: records (id u32, length u32, the codec's bytes), `count` of them. */
export interface Chunk {
  readonly bytes: Uint8Array;
  readonly count: number;
}

/** How a worker rebuilds the model being checked: the run, and where its definition comes from. */
export interface ModelSource {
  /** A shipped model's name, or the path (or file URL) of the module that exports the definition. */
  readonly definition: { readonly shipped: string } | { readonly module: string };
  readonly run: RunInfo;
  /** The properties checked (`--property`), when not all of them. */
  readonly properties?: readonly string[];
}

export interface Start {
  readonly type: 'start';
  readonly source: ModelSource;
  readonly store: SharedStoreShare;
  readonly codec: CodecShare;
  /** The shared memory of the run's `StopSignal`. */
  readonly stop: SharedArrayBuffer;
  /** Keep checking after a violation (`--all`). */
  readonly all: boolean;
}

export interface Expand {
  readonly type: 'expand';
  readonly chunk: Chunk;
  /** Distance in steps of the chunk's states from an initial state. */
  readonly steps: number;
  /** Beyond the depth bound: only look up successors, to learn whether the bound cut anything off. */
  readonly lastLevel: boolean;
  /** `--max-states`. */
  readonly maxStates: number;
  /** The store's memory, when it changed (the table grew) since the worker last heard. */
  readonly store?: SharedStoreShare;
}

/**
 * At a growth of the shared table (a rendezvous): insert part `part` of `parts` of the table
 * `store` into the bigger table `into`, beside the other threads, and answer `Rehashed`.
 */
export interface Rehash {
  readonly type: 'rehash';
  readonly store: SharedStoreShare;
  readonly into: SharedArrayBuffer;
  readonly part: number;
  readonly parts: number;
}

export type ToWorker = Start | Expand | Rehash;

export interface Ready {
  readonly type: 'ready';
}

export interface Expanded {
  readonly type: 'expanded';
  /** New states of the next level, encoded. */
  readonly next: readonly Chunk[];
  /** The states of the chunk not expanded (a stop, a full table, a violation without `--all`). */
  readonly rest: Chunk | null;
  /** Successors of the first state of `rest` when it went back for want of room in the table for them, else 0. */
  readonly room: number;
  readonly generated: number;
  readonly boundary: number;
  /** A bound that cut the search here: a successor beyond the depth bound, or a new state past `--max-states`. */
  readonly cutBy: 'max-depth' | 'max-states' | null;
  readonly found: readonly FoundViolation[];
  /** Depths (in states) of the `sometimes` witnesses met, by property. */
  readonly witnesses: readonly (readonly [string, number])[];
}

/** A worker's failure: the model's (a `ModelError`, with the step), bad input, its thread out of memory, or ours. */
export interface Failed {
  readonly type: 'failed';
  readonly message: string;
  readonly kind: 'model' | 'input' | 'memory' | 'internal';
  readonly step?: number;
  readonly stack?: string;
}

export interface Rehashed {
  readonly type: 'rehashed';
}

export type FromWorker = Ready | Expanded | Rehashed | Failed;
