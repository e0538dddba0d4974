/**
 * Worker of test/intern-table.test.ts: waits at the start line the test thread opens, then
 * interns the values of `keys` (each key k is the value "value k", keyed by two halves derived
 * from k) in the given order, and answers with the id it got for each.
 */
import { serialize } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { InternTable, type InternTableShare } from '../../src/state/intern-table.ts';

const { table, keys, start } = workerData as { table: InternTableShare; keys: number[]; start: SharedArrayBuffer };
const t = new InternTable(table);
const gate = new Int32Array(start);
Atomics.add(gate, 1, 1);
Atomics.wait(gate, 0, 0);
const ids = keys.map((k) => {
  const r = t.intern(k * 0x9e3779b1, k ^ 0x5bd1e995, () => serialize(`value ${k}`));
  return r < 0 ? -1 - r : r;
});
parentPort!.postMessage(ids);
