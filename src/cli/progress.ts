/** The live progress line on stderr (TTY only), drawn with log-update at most every 500 ms. */
import { createLogUpdate } from 'log-update';
import type { Progress } from '../explore/options.ts';

export interface ProgressLine {
  readonly update?: (p: Progress) => void;
  done(): void;
}

const fmt = (n: number) => n.toLocaleString('en-US');

export function progressLine(enabled: boolean): ProgressLine {
  if (!enabled || !process.stderr.isTTY) return { done() {} };
  const log = createLogUpdate(process.stderr);
  return {
    update(p) {
      const rate = p.elapsedMs > 0 ? Math.round((p.distinctStates * 1000) / p.elapsedMs) : 0;
      log(
        `${fmt(p.distinctStates)} states · ${fmt(rate)} states/s · depth ${p.depth} · queue ${fmt(p.queue)} · ` +
          `${(p.elapsedMs / 1000).toFixed(1)} s`,
      );
    },
    done() {
      log.clear();
      log.done();
    },
  };
}
