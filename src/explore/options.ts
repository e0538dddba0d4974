/** Options every search strategy understands, and the budget that enforces their limits. */
import type { Bound } from './result.ts';
import { HEAP_LIMIT, heapNearlyFull, type StopSignal } from './stop.ts';

export interface Progress {
  readonly distinctStates: number;
  readonly generatedStates: number;
  readonly depth: number;
  /** States waiting to be expanded (BFS frontier, DFS stack, walks left). */
  readonly queue: number;
  readonly elapsedMs: number;
}

export interface SearchOptions {
  /** Longest path explored, in steps (actions) from an initial state. */
  readonly maxDepth?: number;
  /** Stop once this many distinct states are stored. */
  readonly maxStates?: number;
  readonly timeLimitMs?: number;
  /** Keep going after the first violation, reporting the first one of every property. */
  readonly all?: boolean;
  /** Called at most every `progressIntervalMs` (default 500) while searching. */
  readonly onProgress?: (p: Progress) => void;
  readonly progressIntervalMs?: number;
  /** Stop early when this signal is raised (Ctrl-C): the result is cut by `interrupted`. */
  readonly stop?: StopSignal;
  /**
   * Stop, cut by `memory`, when the JavaScript heap nears this fraction of V8's limit for it
   * (default 0.75, see stop.ts), instead of letting V8 end the process.
   */
  readonly heapLimit?: number;
}

/** What a strategy hands back besides the monitor's findings. */
export interface SearchOutcome {
  readonly distinctStates: number;
  readonly generatedStates: number;
  readonly depth: number;
  readonly boundaryStates: number;
  readonly cutBy: Bound | null;
  /** The search ended at a violation before covering the space. */
  readonly stoppedEarly: boolean;
  readonly durationMs: number;
}

/**
 * A search's budget of time, memory and patience, polled cheaply from hot loops (every
 * `POLL_EVERY` generated states): it reports progress when due and says when the search must
 * stop — the time limit has passed, the heap is nearly full, or a stop was requested.
 */
export class SearchBudget {
  readonly start = performance.now();
  private lastProgress = this.start;
  private readonly deadline: number;
  private readonly interval: number;
  private readonly heapLimit: number;

  constructor(private readonly options: SearchOptions) {
    this.deadline = options.timeLimitMs === undefined ? Infinity : this.start + options.timeLimitMs;
    this.interval = options.progressIntervalMs ?? 500;
    this.heapLimit = options.heapLimit ?? HEAP_LIMIT;
  }

  /** Poll: reports progress when due; returns the reason the search must stop, or null. */
  poll(progress: () => Progress): Bound | null {
    const now = performance.now();
    if (this.options.onProgress && now - this.lastProgress >= this.interval) {
      this.lastProgress = now;
      this.options.onProgress(progress());
    }
    const requested = this.options.stop?.reason;
    if (requested) return requested;
    if (now >= this.deadline) return 'time-limit';
    return heapNearlyFull(this.heapLimit) ? 'memory' : null;
  }

  elapsed(): number {
    return performance.now() - this.start;
  }
}

/** How many generated states between two polls of the budget (and two chances to yield). */
export const POLL_EVERY = 1024;
