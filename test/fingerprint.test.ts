import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fingerprint, fingerprintHex } from '../src/state/fingerprint.ts';
import { FingerprintSet } from '../src/state/fingerprint-set.ts';
import { RecentFingerprints } from '../src/state/recent-fingerprints.ts';

/** Independent canonical form: equal iff the values are structurally equal (the fingerprint's contract). */
function canonical(v: unknown): string {
  if (v === undefined) return 'u';
  if (v === null) return 'n';
  switch (typeof v) {
    case 'number':
      return Object.is(v, -0) ? 'd0' : `d${v}`;
    case 'string':
      return `s${JSON.stringify(v)}`;
    case 'boolean':
      return v ? 'T' : 'F';
    case 'bigint':
      return `b${v}`;
  }
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v instanceof Set) return `S{${[...v].map(canonical).sort().join(',')}}`;
  if (v instanceof Map) return `M{${[...v].map(([k, x]) => `${canonical(k)}=>${canonical(x)}`).sort().join(',')}}`;
  return `{${Object.keys(v as object)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
    .join(',')}}`;
}

/** The same value with object keys, Set and Map entries inserted in reverse order. */
function reordered(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(reordered);
  if (v instanceof Set) return new Set([...v].reverse().map(reordered));
  if (v instanceof Map) return new Map([...v].reverse().map(([k, x]) => [reordered(k), reordered(x)]));
  return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reordered(x)]));
}

const value = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.integer(),
    fc.double(),
    fc.string({ maxLength: 6 }),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.bigInt({ min: -1000n, max: 1000n }),
  ),
  node: fc.oneof(
    { depthSize: 'small' },
    tie('leaf'),
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 4 }), tie('node'), { maxKeys: 4 }),
    fc.uniqueArray(tie('leaf'), { maxLength: 4, selector: canonical }).map((xs) => new Set(xs)),
    fc.uniqueArray(fc.tuple(tie('leaf'), tie('node')), { maxLength: 3, selector: ([k]) => canonical(k) }).map(
      (es) => new Map(es),
    ),
  ),
})).node;

describe('fingerprint', () => {
  it('is equal under key, Set and Map insertion reordering', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(fingerprintHex(reordered(v))).toBe(fingerprintHex(v));
        expect(fingerprintHex(structuredClone(v))).toBe(fingerprintHex(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('depends on array order', () => {
    expect(fingerprintHex([1, 2])).not.toBe(fingerprintHex([2, 1]));
    expect(fingerprintHex([[1], [2]])).not.toBe(fingerprintHex([[2], [1]]));
  });

  it('tells apart primitives of different types that print alike', () => {
    const values: unknown[] = [1, '1', true, null, undefined, 1n, [1], { 1: 1 }, new Set([1]), new Map([[1, 1]]), 0, '', false, []];
    const prints = values.map(fingerprintHex);
    expect(new Set(prints).size).toBe(values.length);
  });

  it('treats 0 and -0 alike, and NaN as equal to itself', () => {
    expect(fingerprintHex(0)).toBe(fingerprintHex(-0));
    expect(fingerprintHex([NaN])).toBe(fingerprintHex([Number.NaN]));
  });

  it('has no collisions over 100,000 distinct random values', () => {
    const samples = fc.sample(value, { numRuns: 160_000, seed: 20261121 });
    const byCanonical = new Map<string, unknown>();
    for (const v of samples) byCanonical.set(canonical(v), v);
    expect(byCanonical.size).toBeGreaterThanOrEqual(100_000);
    const prints = new Set<string>();
    for (const v of byCanonical.values()) prints.add(fingerprintHex(v));
    expect(prints.size).toBe(byCanonical.size);
  });

  it('has no collisions over 200,000 states of one shape differing in a single field', () => {
    const prints = new Set<string>();
    for (let i = 0; i < 200_000; i++) prints.add(fingerprintHex({ node: 'rm', term: i % 1000, votes: [Math.floor(i / 1000), 'x'] }));
    expect(prints.size).toBe(200_000);
  });

  it('gives the same pair through every entry point', () => {
    const fp = fingerprint({ a: [1, 2] });
    const hex = (fp.hi >>> 0).toString(16).padStart(8, '0') + (fp.lo >>> 0).toString(16).padStart(8, '0');
    expect(hex).toBe(fingerprintHex({ a: [1, 2] }));
  });
});

describe('FingerprintSet', () => {
  it('behaves as a map from fingerprints to insertion ids, across growth', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer(), fc.integer()), { maxLength: 3000 }), (pairs) => {
        const set = new FingerprintSet(4);
        const ref = new Map<string, number>();
        for (const [hi, lo] of pairs) {
          const key = `${hi >>> 0}:${lo >>> 0}`;
          const r = set.add(hi, lo);
          if (ref.has(key)) expect(r).toBe(-1 - ref.get(key)!);
          else {
            expect(r).toBe(ref.size);
            ref.set(key, r);
          }
        }
        expect(set.size).toBe(ref.size);
        for (const [hi, lo] of pairs) expect(set.get(hi, lo)).toBe(ref.get(`${hi >>> 0}:${lo >>> 0}`));
        expect(set.get(12345, 67890)).toBe(ref.get('12345:67890') ?? -1);
      }),
      { numRuns: 200 },
    );
  });
});

describe('RecentFingerprints', () => {
  it('answers only for fingerprints it was told, as long as no other one took their slot', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })), { maxLength: 200 }), (fps) => {
        const recent = new RecentFingerprints();
        // An independent model: the last fingerprint remembered in each slot (the low 15 bits of lo).
        const last = new Map<number, string>();
        for (const [hi, lo] of fps) {
          recent.remember(hi, lo);
          last.set(lo & 0x7fff, `${hi},${lo}`);
        }
        for (const [hi, lo] of [...fps, [hi0(fps), 12345] as [number, number]]) {
          expect(recent.has(hi, lo)).toBe(last.get(lo & 0x7fff) === `${hi},${lo}` && (hi | lo) !== 0);
        }
      }),
    );
    // An empty cache holds nothing, not even the fingerprint whose words are those of an empty slot.
    expect(new RecentFingerprints().has(0, 0)).toBe(false);
  });
});

/** A fingerprint high word no test case remembered with low word 12345. */
const hi0 = (fps: readonly [number, number][]) => fps.reduce((x, [hi]) => Math.max(x, hi), 0) + 1;
