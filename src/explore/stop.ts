/**
 * Ending a search early, with what it found so far: from outside (Ctrl-C, SIGTERM) through a
 * `StopSignal`, or from inside when the JavaScript heap is nearly full. Searches poll both every
 * `POLL_EVERY` states (see `SearchBudget`), so a stopped search still reports its statistics and
 * every violation found instead of dying with the process.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Bound } from './result.ts';

/** Why a search can be told to stop from outside. */
export type StopReason = Extract<Bound, 'interrupted' | 'memory'>;

const REASONS: readonly StopReason[] = ['interrupted', 'memory'];

/**
 * A request to stop, set by whoever runs a search and polled by the search. Backed by shared
 * memory, so one signal can be handed to several worker threads searching together.
 */
export class StopSignal {
  private readonly cell: Int32Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.cell = new Int32Array(buffer);
  }

  /** The shared memory behind the signal, to pass to another thread's `new StopSignal(buffer)`. */
  get buffer(): SharedArrayBuffer {
    return this.cell.buffer as SharedArrayBuffer;
  }

  /** Ask the search to stop; the first reason given is kept. */
  request(reason: StopReason): void {
    Atomics.compareExchange(this.cell, 0, 0, REASONS.indexOf(reason) + 1);
  }

  /** The reason a stop was requested, or null. */
  get reason(): StopReason | null {
    const code = Atomics.load(this.cell, 0);
    return code === 0 ? null : REASONS[code - 1];
  }
}

/**
 * Check a search's memory when its old generation (where live states end up) is this full, as a
 * fraction of its limit; it stops when live data is within 0.1 of it (see `heapNearlyFull`).
 */
export const HEAP_LIMIT = 0.75;

/**
 * V8's heap limit is the old generation's limit plus the young generation's reserve (three
 * semi-spaces of 16 MB on 64-bit), which only ever holds short-lived objects.
 */
const YOUNG_RESERVE = 48 * 2 ** 20;

/** A forced full garbage collection, when V8 allows one (null when it does not). */
let collectGarbage: (() => void) | null | undefined;

function fullGc(): void {
  if (collectGarbage === undefined) {
    // `gc` exists only with --expose-gc; the flag can be turned on at run time, and a new context
    // then sees the function (the usual way to get it without a command-line flag).
    try {
      v8.setFlagsFromString('--expose-gc');
      collectGarbage = vm.runInNewContext('gc') as () => void;
    } catch {
      collectGarbage = null;
    }
  }
  collectGarbage?.();
}

/** The old generation's limit in bytes (what `--max-old-space-size` sets), from V8's heap limit. */
function oldGenerationLimit(heapLimit = v8.getHeapStatistics().heap_size_limit): number {
  return Math.max(heapLimit - YOUNG_RESERVE, heapLimit / 4);
}

/** How full the old generation is, as a fraction of its limit. */
function oldGenerationUse(): number {
  let used = 0;
  for (const space of v8.getHeapSpaceStatistics()) {
    if (space.space_name !== 'new_space' && space.space_name !== 'new_large_object_space') used += space.space_used_size;
  }
  return used / oldGenerationLimit();
}

/**
 * Whether the old generation is nearly full: used beyond `limit` (a fraction of its limit) and,
 * after a full collection, live data beyond `limit - 0.1`. V8 does not wait for the heap to be
 * full: once live data passes 80 % of the limit and collections free little, it ends the process
 * ("ineffective mark-compacts near heap limit"), so the default stops short of that. The used
 * size also counts garbage not yet collected, hence the confirmation after a collection.
 */
export function heapNearlyFull(limit: number): boolean {
  // The whole heap's use bounds the old generation's: one cheap reading settles most polls.
  const heap = v8.getHeapStatistics();
  if (heap.used_heap_size < limit * oldGenerationLimit(heap.heap_size_limit)) return false;
  if (oldGenerationUse() < limit) return false;
  fullGc();
  return oldGenerationUse() >= limit - 0.1;
}

/** The one-line advice for a search stopped by a nearly full heap. */
export function memoryHint(): string {
  const mb = Math.round(oldGenerationLimit() / 2 ** 20);
  return (
    `the search stopped with the JavaScript heap nearly full (${mb.toLocaleString('en-US')} MB): ` +
    'give Node more with NODE_OPTIONS=--max-old-space-size=<MB>, or bound the search (--max-states, --max-depth)'
  );
}
