/** Options every search strategy understands, and the clock that enforces time and progress. */
import type { Bound } from './result.ts';

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

/** Wall clock for the time limit and progress reports, polled cheaply from hot loops. */
export class SearchClock {
  readonly start = performance.now();
  private lastProgress = this.start;
  private readonly deadline: number;
  private readonly interval: number;

  constructor(private readonly options: SearchOptions) {
    this.deadline = options.timeLimitMs === undefined ? Infinity : this.start + options.timeLimitMs;
    this.interval = options.progressIntervalMs ?? 500;
  }

  /** Poll: reports progress when due; returns true when the time limit has passed. */
  poll(progress: () => Progress): boolean {
    const now = performance.now();
    if (this.options.onProgress && now - this.lastProgress >= this.interval) {
      this.lastProgress = now;
      this.options.onProgress(progress());
    }
    return now >= this.deadline;
  }

  elapsed(): number {
    return performance.now() - this.start;
  }
}

/** How many generated states between two polls of the clock. */
export const POLL_EVERY = 1024;
