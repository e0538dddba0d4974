/**
 * The world codec across real worker threads: states encoded in the test thread decode in two
 * workers (each with its own model instance) to the same fingerprints; the successors the workers
 * encode at the same time — interning node states and messages the test thread never met — come
 * out as the same bytes in both workers, and decode in the test thread to its own successors.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codecOf } from '../src/state/codec.ts';
import { build, codecCases, fingerprinter, firstStates, type CodecCase } from './support/codec-cases.ts';
import { inWorker } from './support/threads.ts';

const WORKER = join(import.meta.dirname, 'workers', 'world-codec.ts');

interface Answer {
  readonly fingerprints: string[];
  readonly successors: Uint8Array[][];
}

const pick = (name: string, variant: string, test: (c: CodecCase) => boolean) => codecCases().find((c) => c.name === name && c.config.variant === variant && test(c))!;

/** Each case, and whether the workers meet values the test thread has not (two generals' few values all occur in its first states). */
const cases: [string, CodecCase, boolean][] = [
  ['two-phase-commit, lossy', pick('two-phase-commit', 'default', (c) => c.config.system === 'lossy'), true],
  ['two-generals, FIFO network with duplication', pick('two-generals', 'default', (c) => c.config.faults?.network === 'fifo'), false],
  ['Byzantine generals, signed (the traitors’ knowledge)', pick('byzantine-generals', 'signed', (c) => c.config.params.reduce === false), true],
];

describe('the world codec across worker threads', () => {
  it.each(cases)('%s', async (_, c, workersAdd) => {
    const model = build(c);
    const fp = fingerprinter(model);
    const { states } = firstStates(model, 200);
    expect(states.length).toBeGreaterThan(12);
    const codec = codecOf(model);
    // The test thread encodes the first quarter only: the workers meet most values first.
    const mine = states.slice(0, states.length >> 2);
    const encoded = mine.map((s) => codec.encode(s));
    const tableSize = codec.tableBytes;

    const start = new SharedArrayBuffer(8);
    const gate = new Int32Array(start);
    const data = { c, share: codec.share(), encoded, start };
    const answers = [inWorker<Answer>(WORKER, data), inWorker<Answer>(WORKER, data)];
    while (Atomics.load(gate, 1) < 2) await new Promise((r) => setTimeout(r, 5));
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
    const [a, b] = await Promise.all(answers);

    expect(a.fingerprints).toEqual(mine.map(fp));
    expect(b.fingerprints).toEqual(a.fingerprints);
    // Equal bytes from both workers: every value got one id, whichever thread interned it first.
    expect(b.successors.map((xs) => xs.map((x) => [...x]))).toEqual(a.successors.map((xs) => xs.map((x) => [...x])));
    mine.forEach((s, i) => {
      const theirs = a.successors[i].map((bytes) => fp(codec.decode(bytes)));
      expect(theirs).toEqual(model.actions(s).map((act) => fp(model.next(s, act))));
    });
    // The workers added to the shared tables what the test thread had not met.
    if (workersAdd) expect(codec.tableBytes).toBeGreaterThan(tableSize);
    else expect(codec.tableBytes).toBe(tableSize);
  });
});
