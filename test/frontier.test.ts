/** The shared state store and the chunked frontier of the parallel search, on their own. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChunkWriter, forEachRecord, Frontier, FrontierBudget } from '../src/explore/frontier.ts';
import { FULL, SharedStateStore } from '../src/state/shared-fingerprint-set.ts';

describe('SharedStateStore', () => {
  it('hands out dense ids, finds them after growing many times, and records parent and action', () => {
    const store = SharedStateStore.create(16);
    const n = 50_000;
    // Fingerprints (i, 7i) are distinct, (0, 0) included.
    for (let i = 0; i < n; i++) {
      expect(store.add(i, i * 7, i - 1, i % 5)).toBe(i);
      if (store.needsGrowth) store.grow();
    }
    expect(store.size).toBe(n);
    for (let i = 0; i < n; i += 97) {
      expect(store.find(i, i * 7)).toBe(i);
      expect(store.add(i, i * 7, 0, 0)).toBe(-1 - i);
      expect([store.parent(i), store.via(i)]).toEqual([i - 1, i % 5]);
    }
    expect(store.find(n, n * 7)).toBe(-1);
  });

  it('refuses new fingerprints past the id limit, but still finds present ones', () => {
    const store = SharedStateStore.create();
    expect(store.add(1, 1, -1, -1, 2)).toBe(0);
    expect(store.add(2, 2, 0, 0, 2)).toBe(1);
    expect(store.add(3, 3, 0, 0, 2)).toBe(FULL);
    expect(store.add(2, 2, 0, 0, 2)).toBe(-2);
    expect(store.find(3, 3)).toBe(-1);
    expect(store.size).toBe(2);
  });

  it('grows by parts, rehashed one after another as threads do side by side, into the same map', () => {
    const whole = SharedStateStore.create(16);
    const parted = SharedStateStore.create(16);
    const n = 3_000;
    for (let i = 0; i < n; i++) {
      expect(whole.add(i, ~i, i - 1, i % 3)).toBe(i);
      expect(parted.add(i, ~i, i - 1, i % 3)).toBe(i);
      if (whole.needsGrowth) whole.grow();
      if (parted.needsGrowth) {
        const into = parted.growthBuffer();
        for (const part of [2, 0, 1]) parted.rehashPart(into, part, 3);
        parted.adopt(into);
      }
    }
    for (let i = 0; i < n; i++) {
      expect(parted.find(i, ~i)).toBe(i);
      expect(parted.find(i, ~i)).toBe(whole.find(i, ~i));
    }
    expect(parted.find(n, ~n)).toBe(-1);
    expect(parted.add(n, ~n, 0, 0)).toBe(n);
  });

  it('asks to grow ahead exactly when the states expected would take it to half full', () => {
    // Room for 2^16 states at half load: 2^17 slots.
    const store = SharedStateStore.create(1 << 16);
    for (let i = 0; i < 1000; i++) store.add(i, 1, -1, -1);
    expect(store.growsAheadFor((1 << 16) - 1000)).toBe(true);
    expect(store.growsAheadFor((1 << 16) - 1001)).toBe(false);
    expect(store.needsGrowth).toBe(false);
    store.grow();
    expect(store.growsAheadFor((1 << 17) - 1001)).toBe(false);
    expect(store.growsAheadFor((1 << 17) - 1000)).toBe(true);
  });
});

describe('Frontier', () => {
  const chunkOf = (from: number, to: number) => {
    const w = new ChunkWriter();
    for (let id = from; id < to; id++) w.add(id, new Uint8Array([id % 256, (id >> 8) % 256, 42]));
    return w.take();
  };

  for (const room of [Infinity, 0]) {
    it(`gives back every record pushed, ${room === 0 ? 'spilled to a file when the budget has no room' : 'in memory'}`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'faultline-frontier-test-'));
      try {
        const budget = new FrontierBudget(() => room, dir, 10);
        const f = new Frontier(budget);
        for (let i = 0; i < 100; i++) f.push(chunkOf(i * 7, i * 7 + 7));
        expect(f.size).toBe(700);
        expect(budget.spilled > 0).toBe(room === 0);
        expect(readdirSync(dir).length).toBe(room === 0 ? 1 : 0);
        const seen: number[] = [];
        // At most 3 at a time: the rest of a bigger chunk comes next.
        for (let c = f.take(3); c !== null; c = f.take(3)) {
          expect(c.count).toBeLessThanOrEqual(3);
          forEachRecord(c, (id, bytes) => {
            expect([...bytes]).toEqual([id % 256, (id >> 8) % 256, 42]);
            seen.push(id);
          });
        }
        expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 700 }, (_, i) => i));
        expect(f.size).toBe(0);
        f.dispose();
        expect(readdirSync(dir)).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('reads back a level saved by a checkpoint, with more states appended to it after the load', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-frontier-test-'));
    try {
      const budget = new FrontierBudget(() => 0, dir, 10);
      const saved = new Frontier(budget);
      for (let i = 0; i < 10; i++) saved.push(chunkOf(i * 10, i * 10 + 10));
      saved.saveTo(join(dir, 'saved.chunks'));
      saved.dispose();
      const loaded = Frontier.load(budget, join(dir, 'saved.chunks'), 100);
      for (let i = 10; i < 20; i++) loaded.push(chunkOf(i * 10, i * 10 + 10));
      const seen: number[] = [];
      for (let c = loaded.take(); c !== null; c = loaded.take()) forEachRecord(c, (id) => void seen.push(id));
      expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i));
      loaded.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
