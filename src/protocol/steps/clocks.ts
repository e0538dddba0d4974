/**
 * Time: the nodes' timers, and — when the system model has clocks — the global clock's ticks.
 *
 * A timer armed with `ctx.setTimer(name, after)` is due once its node's local clock reaches the
 * deadline; without clocks it is due at once and may fire at any time, as timeouts do in an
 * asynchronous system. Each local clock reads global time plus an offset within ±skew, and a
 * tick may move each offset by up to `drift`. In bounded timing, time waits while a delivery or
 * a due timer is enabled. The last instant of time is a legal end.
 */
import type { FaultConfig } from '../faults.ts';
import type { Kernel } from '../kernel.ts';
import type { Field, StepOf, StepSource } from './source.ts';

/** Every vector of `n` values, each within [lo(i), hi(i)], in lexicographic order. */
function vectors(n: number, lo: (i: number) => number, hi: (i: number) => number): number[][] {
  let out: number[][] = [[]];
  for (let i = 0; i < n; i++) {
    const next: number[][] = [];
    for (const v of out) for (let x = lo(i); x <= hi(i); x++) next.push([...v, x]);
    out = next;
  }
  return out;
}

/** A node's due timers fire, one step each; the timer is disarmed before the role's `timer` handler runs (which may arm it again). */
export function timers(k: Kernel): StepSource<StepOf<'timer'>> {
  const { ids, roles } = k;
  return {
    kinds: ['timer'],
    enabledAt(w, i, out) {
      const now = w.time + w.offsets[i];
      const armed = w.timers[i];
      for (let j = 0; j < armed.length; j++) {
        const t = armed[j];
        if (t.deadline === null || now >= t.deadline) out.push({ kind: 'timer', node: i, timer: t.name });
      }
    },
    apply(w, a) {
      const armed = w.timers.slice();
      armed[a.node] = w.timers[a.node].filter((t) => t.name !== a.timer);
      const handler = roles[a.node].timer;
      const s = k.run(w, a.node, handler && ((st, ctx) => handler(st, a.timer, ctx)));
      return k.settle(w, a.node, s, { timers: armed });
    },
    label: (a) => `${ids[a.node]}: timer ${a.timer}`,
    info: (a) => ({ kind: 'timer', node: ids[a.node], name: a.timer }),
  };
}

/** Global time and each node's clock offset: identify a state, shown as `time` and each node's clock reading. */
const CLOCK: Field = {
  name: 'clock',
  encode(w, h) {
    h.int(w.time);
    for (const x of w.offsets) h.int(x);
  },
  show(w, out) {
    out.time = w.time;
    out.clocks = Object.fromEntries(w.ids.map((id, i) => [id, w.time + w.offsets[i]]));
  },
};

/** The clocks' ticks, up to the last instant `config.maxTime` (> 0). */
export function clock(k: Kernel, config: FaultConfig): StepSource<StepOf<'tick'>> {
  const { n } = k;
  const { maxTime, skew, drift } = config;
  const bounded = config.timing === 'bounded';
  const tick: StepOf<'tick'> = { kind: 'tick', offsets: null };
  return {
    kinds: ['tick'],
    initial: () => (skew > 0 ? vectors(n, () => -skew, () => skew) : [Array<number>(n).fill(0)]).map((offsets) => ({ offsets })),
    enabled(w, out, waiting) {
      if (w.time >= maxTime || (bounded && waiting)) return;
      if (drift === 0) {
        out.push(tick);
        return;
      }
      const lo = (i: number) => Math.max(-skew, w.offsets[i] - drift);
      const hi = (i: number) => Math.min(skew, w.offsets[i] + drift);
      for (const offsets of vectors(n, lo, hi)) out.push({ kind: 'tick', offsets });
    },
    apply: (w, a) => w.successor(a.offsets ? { time: w.time + 1, offsets: a.offsets } : { time: w.time + 1 }),
    label: (a) => (a.offsets ? `tick (offsets ${a.offsets.join(' ')})` : 'tick'),
    info: () => ({ kind: 'tick' }),
    keeps: [CLOCK],
    ended: (w) => w.time >= maxTime,
  };
}
