/**
 * Worker of test/codec-threads.test.ts: builds the model of `c` itself (its own kernel, its own
 * message and fragment ids), attaches to the test thread's codec tables, decodes the states it is
 * sent and answers with their fingerprints and, for each, the bytes of its successors — which it
 * encodes itself, interning what the test thread has not met, at the same time as another worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { codecOf, type CodecShare } from '../../src/state/codec.ts';
import { build, fingerprinter, type CodecCase } from '../support/codec-cases.ts';

const { c, share, encoded, start } = workerData as { c: CodecCase; share: CodecShare; encoded: Uint8Array[]; start: SharedArrayBuffer };
const model = build(c);
const fp = fingerprinter(model);
const codec = codecOf(model, share);
const gate = new Int32Array(start);
Atomics.add(gate, 1, 1);
Atomics.wait(gate, 0, 0);
const states = encoded.map((b) => codec.decode(b));
parentPort!.postMessage({
  fingerprints: states.map(fp),
  successors: states.map((s) => model.actions(s).map((a) => codec.encode(model.next(s, a)))),
});
