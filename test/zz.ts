import { models } from '../models/index.ts';
import { instantiate } from '../src/model/definition.ts';
import { codecOf } from '../src/state/codec.ts';
import { FingerprintSet } from '../src/state/fingerprint-set.ts';
const def = models.find((d) => d.name === 'two-phase-commit')!;
const rms = Number(process.argv[2] ?? 3);
const m = instantiate(def, { params: { rms }, variant: 'default' });
const codec = codecOf(m);
const fp = new Int32Array(2);
const seen = new FingerprintSet(1 << 20);
let frontier: Uint8Array[] = m.init().map((s) => codec.encode(s));
for (const s of m.init()) { m.fingerprint!(s, fp); seen.add(fp[0], fp[1]); }
let bytes = 0, count = 0, max = 0, encT = 0, decT = 0;
const t0 = performance.now();
while (frontier.length) { const next: Uint8Array[] = []; for (const b of frontier) { count++; bytes += b.length; max = Math.max(max, b.length);
  let t = performance.now(); const s = codec.decode(b); decT += performance.now() - t;
  for (const a of m.actions(s)) { const u = m.next(s, a); m.fingerprint!(u, fp); if (seen.add(fp[0], fp[1]) >= 0) { t = performance.now(); next.push(codec.encode(u)); encT += performance.now() - t; } } } frontier = next; }
console.log({ rms, count, avgBytes: +(bytes / count).toFixed(1), max, tableBytes: codec.tableBytes, totalS: ((performance.now() - t0) / 1000).toFixed(1), encodeS: (encT / 1000).toFixed(1), decodeS: (decT / 1000).toFixed(1), rssMB: Math.round(process.memoryUsage().rss / 1e6) });
