import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import { InternTable } from '../src/state/intern-table.ts';
import { inWorker } from './support/threads.ts';

const keyOf = (k: number): [number, number] => [k * 0x9e3779b1, k ^ 0x5bd1e995];
const dir = mkdtempSync(join(tmpdir(), 'faultline-intern-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('InternTable', () => {
  it('gives dense ids in insertion order, finds them again, and keeps each value and key', () => {
    const t = new InternTable();
    const n = 5000; // past several doublings of every stripe and of the buffers
    for (let k = 0; k < n; k++) expect(t.intern(...keyOf(k), () => serialize(`value ${k}`))).toBe(k);
    expect(t.size).toBe(n);
    for (let k = 0; k < n; k += 7) {
      expect(t.find(...keyOf(k))).toBe(k);
      expect(t.intern(...keyOf(k), () => expect.unreachable('an existing key was serialized again'))).toBe(-1 - k);
      expect(deserialize(t.value(k))).toBe(`value ${k}`);
      expect([t.keyHi(k), t.keyLo(k)]).toEqual(keyOf(k).map((x) => x | 0));
    }
    expect(t.find(...keyOf(n))).toBe(-1);
    expect(() => t.value(n)).toThrow(/no value has id/);
  });

  it('tells apart keys that differ in one half only, including the all-zero key', () => {
    const t = new InternTable();
    const keys: [number, number][] = [[0, 0], [0, 1], [1, 0], [-1, 0], [0, -1], [-1, -1]];
    keys.forEach(([hi, lo], i) => expect(t.intern(hi, lo, () => new Uint8Array([i]))).toBe(i));
    keys.forEach(([hi, lo], i) => expect([t.find(hi, lo), [...t.value(i)]]).toEqual([i, [i]]));
  });

  it('is saved and loaded: a fresh table has the same ids, keys and values', () => {
    const t = new InternTable();
    for (let k = 0; k < 3000; k++) t.intern(...keyOf(k), () => serialize({ k, pad: 'x'.repeat(k % 50) }));
    const file = join(dir, 'table');
    t.save(file);
    const u = InternTable.load(file);
    expect(u.size).toBe(3000);
    for (let k = 0; k < 3000; k++) {
      expect(u.find(...keyOf(k))).toBe(k);
      expect(deserialize(u.value(k))).toEqual({ k, pad: 'x'.repeat(k % 50) });
    }
    // It goes on giving the next ids.
    expect(u.intern(...keyOf(3000), () => serialize('new'))).toBe(3000);
  });

  it('refuses a file it did not write, or a truncated one', () => {
    const bad = join(dir, 'bad');
    writeFileSync(bad, 'not a table');
    expect(() => InternTable.load(bad)).toThrow(/not an intern table/);
    const t = new InternTable();
    t.intern(1, 2, () => serialize('x'));
    const file = join(dir, 'short');
    t.save(file);
    writeFileSync(file, readFileSync(file).subarray(0, 20));
    expect(() => InternTable.load(file)).toThrow(/truncated or damaged/);
  });

  it('two worker threads interning overlapping values at once get one id per value', async () => {
    const t = new InternTable();
    const start = new SharedArrayBuffer(8);
    const gate = new Int32Array(start);
    // Thread A interns 0…5999 upwards, thread B 3000…8999 downwards: 3000 values both meet, in opposite orders.
    const a = Array.from({ length: 6000 }, (_, i) => i);
    const b = Array.from({ length: 6000 }, (_, i) => 8999 - i);
    const file = join(import.meta.dirname, 'workers', 'intern.ts');
    const runs = [inWorker<number[]>(file, { table: t.share(), keys: a, start }), inWorker<number[]>(file, { table: t.share(), keys: b, start })];
    while (Atomics.load(gate, 1) < 2) await new Promise((r) => setTimeout(r, 5));
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
    const [idsA, idsB] = await Promise.all(runs);
    const idOf = new Map<number, number>();
    const record = (keys: number[], ids: number[]) =>
      keys.forEach((k, i) => {
        if (idOf.has(k)) expect(ids[i], `value ${k}`).toBe(idOf.get(k));
        else idOf.set(k, ids[i]);
      });
    record(a, idsA);
    record(b, idsB);
    // 9000 different values, 9000 different ids, dense, each holding its value under its key.
    expect(t.size).toBe(9000);
    expect(new Set(idOf.values()).size).toBe(9000);
    expect(Math.max(...idOf.values())).toBe(8999);
    for (const [k, id] of idOf) {
      expect(deserialize(t.value(id))).toBe(`value ${k}`);
      expect(t.find(...keyOf(k))).toBe(id);
    }
  });
});
