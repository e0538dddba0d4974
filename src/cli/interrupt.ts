/**
 * Ctrl-C and SIGTERM while a search runs. The first signal asks the search to stop: it ends
 * within a fraction of a second (the CLI's search yields to the event loop, see drive.ts) and the
 * run reports what it found — partial statistics, every violation, the reports — and exits 3
 * ("incomplete: interrupted") unless a violation was found. A second signal ends the process at
 * once, as a shell user expects (exit 130 or 143).
 */
import { constants } from 'node:os';
import type { SearchOptions } from '../explore/options.ts';
import { StopSignal } from '../explore/stop.ts';
import type { Output } from './io.ts';
import { progressLine } from './progress.ts';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Raise `stop` on the first SIGINT or SIGTERM; returns the function that removes the handlers. */
function stopOnSignals(stop: StopSignal): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    if (stop.reason === null) stop.request('interrupted');
    else process.exit(128 + constants.signals[signal]);
  };
  for (const s of SIGNALS) process.on(s, handler);
  return () => {
    for (const s of SIGNALS) process.off(s, handler);
  };
}

/**
 * Run a search (`check` or `sweep`) the way the CLI does: with the progress line on `stderr`, and
 * stopped by the first Ctrl-C or SIGTERM through the options it is given; says whether it was
 * interrupted.
 */
export async function interruptibly<T>(
  showProgress: boolean,
  stderr: Output,
  search: (options: Pick<SearchOptions, 'stop' | 'onProgress'>) => Promise<T>,
): Promise<{ value: T; interrupted: boolean }> {
  const stop = new StopSignal();
  const progress = await progressLine(showProgress, stderr);
  const release = stopOnSignals(stop);
  try {
    const value = await search({ stop, onProgress: progress.update });
    return { value, interrupted: stop.reason !== null };
  } finally {
    release();
    progress.done();
  }
}
