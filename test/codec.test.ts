/**
 * The generic state codec (v8.serialize) and the structural equality the intern tables check
 * fingerprint hits with: both must agree exactly with the fingerprint's notion of "the same state".
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codecOf, plainCodec } from '../src/state/codec.ts';
import { sameData } from '../src/state/equality.ts';
import { fingerprintHex } from '../src/state/fingerprint.ts';
import { model } from '../src/model/model.ts';
import { defaultParams, defineModel, instantiate } from '../src/model/definition.ts';
import { ModelError } from '../src/model/errors.ts';
import { int } from '../src/model/params.ts';
import type { StateEncoding } from '../src/state/codec.ts';

/** Plain data of every kind a state may hold (see plain-data.ts), -0, NaN, bigints and sparse arrays included. */
const plain = fc.anything({
  withBigInt: true,
  withBoxedValues: false,
  withDate: false,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withSparseArray: true,
  withTypedArray: true,
  withObjectString: false,
  maxDepth: 4,
});

describe('the generic codec', () => {
  const codec = plainCodec<unknown>();

  it('round-trips every kind of plain data to the same fingerprint', () => {
    fc.assert(
      fc.property(plain, (v) => {
        const back = codec.decode(codec.encode(v));
        expect(fingerprintHex(back)).toBe(fingerprintHex(v));
        expect(sameData(back, v)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the values fingerprints tell apart apart, and those they equate equal', () => {
    const cases: unknown[] = [
      -0, 0, NaN, 1, 1n, '1', true, null, undefined,
      new Float64Array([-0, NaN]), new Float64Array([0, NaN]), new Float32Array([0, NaN]), new BigInt64Array([5n]),
      new Set([1, { a: [2] }]), new Map<unknown, unknown>([[{ k: 1 }, new Set(['x'])]]),
      [1, , 3], // eslint-disable-line no-sparse-arrays
      Object.assign(Object.create(null), { a: 1 }),
      { nested: { deeper: [new Map([[1, 2]]), 2n ** 70n] } },
    ];
    for (const v of cases) {
      const back = codec.decode(codec.encode(v));
      expect(fingerprintHex(back)).toBe(fingerprintHex(v));
      expect(Object.is(back, v) || typeof v === 'object').toBe(true); // -0 stays -0, NaN stays NaN
    }
    expect(Object.is(codec.decode(codec.encode(-0)), -0)).toBe(true);
  });

  it('is what codecOf gives a model without a codec of its own; it has no tables', () => {
    const m = model({ init: (): unknown[] => [{ x: 1 }], actions: () => [], next: (s) => s, label: String }, { properties: [] });
    const c = codecOf(m);
    expect(c.decode(c.encode({ x: new Set([1]) }))).toEqual({ x: new Set([1]) });
    expect(c.share().kind).toBe('plain-v8');
    expect(c.tableBytes).toBe(0);
    expect(() => codecOf(m, { kind: 'world' })).toThrow(/without a codec of its own/);
  });
});

describe('sameData', () => {
  it('is the fingerprint’s equality on random pairs', () => {
    fc.assert(
      fc.property(plain, plain, (a, b) => {
        expect(sameData(a, b)).toBe(fingerprintHex(a) === fingerprintHex(b));
      }),
      { numRuns: 500 },
    );
  });

  it('ignores key and Set/Map order, equates -0 with 0 and NaN with NaN, and nothing else', () => {
    const equal: [unknown, unknown][] = [
      [{ a: 1, b: 2 }, { b: 2, a: 1 }],
      [new Set([{ x: 1 }, { y: 2 }]), new Set([{ y: 2 }, { x: 1 }])],
      [new Map<unknown, unknown>([[{ k: 1 }, 'a'], [{ k: 2 }, 'b']]), new Map<unknown, unknown>([[{ k: 2 }, 'b'], [{ k: 1 }, 'a']])],
      [-0, 0],
      [NaN, NaN],
      [new Float64Array([-0, NaN]), new Float64Array([0, NaN])],
      [Object.assign(Object.create(null), { a: 1 }), { a: 1 }],
      // Two equal composites in one Set are a multiset of two: matched one to one.
      [new Set([{ a: 1 }, { a: 1 }]), new Set([{ a: 1 }, { a: 1 }])],
    ];
    const different: [unknown, unknown][] = [
      [[1, 2], [2, 1]],
      [1, '1'],
      [1, 1n],
      [null, undefined],
      [{ a: undefined }, {}],
      [new Set([{ a: 1 }, { a: 1 }]), new Set([{ a: 1 }, { a: 2 }])],
      [new Map<unknown, unknown>([[{ k: 1 }, 'a'], [{ k: 2 }, 'b']]), new Map<unknown, unknown>([[{ k: 1 }, 'b'], [{ k: 2 }, 'a']])],
      [new Int32Array([1]), new Uint32Array([1])],
      [new Int32Array([1]), [1]],
      [new Set([1]), new Map([[1, 1]])],
      [{ 0: 'a' }, ['a']],
    ];
    for (const [a, b] of equal) {
      expect(fingerprintHex(a)).toBe(fingerprintHex(b)); // the reference
      expect(sameData(a, b)).toBe(true);
    }
    for (const [a, b] of different) {
      expect(fingerprintHex(a)).not.toBe(fingerprintHex(b));
      expect(sameData(a, b)).toBe(false);
    }
  });
});

describe('a codec of the model’s own (defineModel)', () => {
  type S = { readonly value: number; readonly done: boolean };
  const counter = (codec: StateEncoding<S> | ((c: { params: { max: number } }) => StateEncoding<S>)) => {
    const def = defineModel({
      name: 'counter',
      description: 'counts up to max',
      params: { max: int({ default: 3, min: 1, description: 'largest value' }) },
      build: ({ params }) => ({
        init: (): S[] => [{ value: 0, done: false }],
        actions: (s: S) => (s.value < params.max ? ['inc'] : []),
        next: (s: S) => ({ value: s.value + 1, done: s.value + 1 === params.max }),
        label: (a: string) => a,
        properties: [],
      }),
      codec,
    });
    return instantiate(def, { params: defaultParams(def), variant: 'default' });
  };
  const packed: StateEncoding<S> = { encode: (s) => Uint8Array.of((s.value << 1) | (s.done ? 1 : 0)), decode: (b) => ({ value: b[0] >> 1, done: (b[0] & 1) === 1 }) };

  it('is the codec codecOf gives, as written, with no tables', () => {
    const c = codecOf(counter(packed));
    expect([...c.encode({ value: 3, done: true })]).toEqual([7]);
    expect(c.decode(Uint8Array.of(4))).toEqual({ value: 2, done: false });
    expect(c.share()).toEqual({ kind: 'model' });
    expect(c.tableBytes).toBe(0);
  });

  it('may depend on the params', () => {
    let seen: number | undefined;
    const c = codecOf(counter(({ params }) => ((seen = params.max), packed)));
    expect(seen).toBe(3);
    expect(c.decode(c.encode({ value: 1, done: false }))).toEqual({ value: 1, done: false });
  });

  it('is the model’s error when it throws, returns no bytes, or loses part of a state', () => {
    const throwing = codecOf(counter({ ...packed, encode: () => { throw new Error('no room'); } }));
    expect(() => throwing.encode({ value: 0, done: false })).toThrow(ModelError);
    expect(() => throwing.encode({ value: 0, done: false })).toThrow("the model's codec encode() threw: no room");
    const noBytes = codecOf(counter({ ...packed, encode: () => [1] as unknown as Uint8Array }));
    expect(() => noBytes.encode({ value: 0, done: false })).toThrow('not a Uint8Array');
    const lossy = codecOf(counter({ encode: (s) => Uint8Array.of(s.value), decode: (b) => ({ value: b[0], done: false }) }));
    expect(lossy.decode(lossy.encode({ value: 1, done: false }))).toEqual({ value: 1, done: false });
    expect(() => lossy.encode({ value: 3, done: true })).toThrow(/does not round-trip/);
  });
});
