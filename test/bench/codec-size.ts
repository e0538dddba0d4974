/**
 * The bench's state-encoding case: two-phase commit searched breadth-first with a frontier of
 * encoded states (src/protocol/codec.ts) — each state encoded when first met, decoded when
 * expanded — in this process. The distinct count is checked against the closed form; the figures
 * are the bytes per encoded state (the frontier's cost per state), the shared tables' size, and
 * the time encoding and decoding took per state.
 */
import { definition } from '../../models/two-phase-commit/index.ts';
import { instantiate } from '../../src/model/definition.ts';
import { codecOf } from '../../src/state/codec.ts';
import { FingerprintSet } from '../../src/state/fingerprint-set.ts';

export function codecSize(rms: number, states: number) {
  return {
    name: `codec-tpc-${rms}`,
    what: `two-phase-commit rms=${rms}, BFS over encoded states (world codec), in process`,
    args: null,
    figures: () => {
      const model = instantiate(definition, { params: { rms }, variant: 'default' });
      const codec = codecOf(model);
      const fp = new Int32Array(2);
      const seen = new FingerprintSet(1 << 20);
      let frontier: Uint8Array[] = [];
      const meet = (s: unknown): void => {
        model.fingerprint!(s, fp);
        if (seen.add(fp[0], fp[1]) < 0) return;
        const t = performance.now();
        frontier.push(codec.encode(s));
        encodeMs += performance.now() - t;
      };
      let [bytes, largest, generated, encodeMs, decodeMs] = [0, 0, 0, 0, 0];
      const start = performance.now();
      for (const s of model.init()) meet(s);
      while (frontier.length > 0) {
        const level = frontier;
        frontier = [];
        for (const b of level) {
          bytes += b.length;
          largest = Math.max(largest, b.length);
          const t = performance.now();
          const s = codec.decode(b);
          decodeMs += performance.now() - t;
          for (const a of model.actions(s)) {
            generated++;
            meet(model.next(s, a));
          }
        }
      }
      if (seen.size !== states) throw new Error(`codec-tpc-${rms}: ${seen.size} distinct states, expected ${states}`);
      const perState = (ms: number) => `${((ms * 1000) / seen.size).toFixed(2)} µs`;
      return {
        distinct: seen.size,
        generated,
        searchSeconds: (performance.now() - start) / 1000,
        notes:
          `${(bytes / seen.size).toFixed(1)} B per encoded state (largest ${largest} B), tables ${(codec.tableBytes / 1024).toFixed(0)} KB; ` +
          `encode ${perState(encodeMs)}, decode ${perState(decodeMs)} per state`,
      };
    },
  };
}
