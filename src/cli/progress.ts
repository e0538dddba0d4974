/**
 * Progress of a search on stderr: on a terminal a live line drawn with log-update (at most every
 * 500 ms); otherwise (CI, a pipe, a log file) one plain line every 10 s, so a long run is not
 * silent. `--quiet` turns both off.
 */
import type { Progress } from '../explore/options.ts';
import type { Output } from './io.ts';

export interface ProgressLine {
  readonly update?: (p: Progress) => void;
  done(): void;
}

/** How often a progress line is written when stderr is not a terminal. */
export const PLAIN_PROGRESS_MS = 10_000;

const fmt = (n: number) => n.toLocaleString('en-US');

function describe(p: Progress): string {
  const rate = p.elapsedMs > 0 ? Math.round((p.distinctStates * 1000) / p.elapsedMs) : 0;
  return (
    `${fmt(p.distinctStates)} states · ${fmt(rate)} states/s · depth ${p.depth} · queue ${fmt(p.queue)} · ` +
    `${(p.elapsedMs / 1000).toFixed(1)} s`
  );
}

export async function progressLine(enabled: boolean, stderr: Output): Promise<ProgressLine> {
  if (!enabled) return { done() {} };
  if (!stderr.isTTY) {
    let next = PLAIN_PROGRESS_MS;
    return {
      update(p) {
        if (p.elapsedMs < next) return;
        next = p.elapsedMs + PLAIN_PROGRESS_MS;
        stderr.write(`progress: ${describe(p)}\n`);
      },
      done() {},
    };
  }
  // A terminal is a real stream: log-update moves its cursor. It is loaded only for a terminal
  // (it takes longer to load than the rest of a small check).
  const { createLogUpdate } = await import('log-update');
  const log = createLogUpdate(stderr as NodeJS.WriteStream);
  return {
    update(p) {
      log(describe(p));
    },
    done() {
      log.clear();
      log.done();
    },
  };
}
