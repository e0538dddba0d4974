/**
 * Canonical 64-bit fingerprints of immutable plain data.
 *
 * Equality is structural: object key order and `Set`/`Map` insertion order do not matter, array
 * order does, and every primitive type is tagged so `1`, `"1"`, `true`, `null`, `undefined` and
 * `1n` all differ. `0` and `-0` are equal, as are two `NaN`s.
 *
 * The hash is computed as two 32-bit lanes so that it stays in small-integer arithmetic.
 * Unordered collections combine their entries by addition of well-mixed entry hashes, which is
 * order-independent without sorting.
 *
 * Only plain data is hashed (see plain-data.ts): anything else ends the hash with a
 * `PlainDataError` that says what and where, and so does a cycle or a nesting so deep that the
 * recursion exhausts the stack. The hot path only compares prototypes (and lets the stack
 * overflow); the description is found by a second, iterative walk.
 *
 * The protocol layer hashes each node's state once, when a handler changes it, so most successor
 * states reuse the fingerprints of their unchanged parts (see `IntHasher`).
 */
import { plainDataProblem, TYPED_ARRAY_PROTOTYPES } from './plain-data.ts';

/** A 64-bit fingerprint as two unsigned 32-bit halves. */
export interface Fingerprint {
  readonly hi: number;
  readonly lo: number;
}

// Output registers of hashInto: avoids allocating a pair per visited value.
let outHi = 0;
let outLo = 0;

const floatView = new Float64Array(1);
const floatBits = new Int32Array(floatView.buffer);

const T_UNDEFINED = 0x1b873593;
const T_NULL = 0x2d2816fe;
const T_TRUE = 0x3c6ef372;
const T_FALSE = 0x4a7c15f9;
const T_INT = 0x5bd1e995;
const T_FLOAT = 0x68e31da4;
const T_STRING = 0x7feb352d;
const T_BIGINT = 0x846ca68b;
const T_ARRAY = 0x9e3779b9;
const T_OBJECT = 0xa54ff53a;
const T_SET = 0xb7e15162;
const T_MAP = 0xc2b2ae35;
const T_TYPED = 0xd6e8feb8;

/** Murmur3's 32-bit finaliser: every output bit depends on every input bit. */
export function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** Final avalanche of a lane pair, each output lane depending on both inputs. */
function finish(hi: number, lo: number, tag: number, length: number): void {
  hi = fmix((hi ^ tag) + Math.imul(length, 0x27d4eb2f));
  lo = fmix((lo ^ Math.imul(tag, 0x165667b1)) + length + hi);
  outHi = fmix(hi + Math.imul(lo, 0x9e3779b1));
  outLo = lo;
}

/**
 * Hashes of recently seen strings. States repeat the same few strings (keys, enum-like values)
 * millions of times; V8 keeps a hash inside each string, so a Map lookup beats re-hashing.
 */
const stringCache = new Map<string, number[]>();
const STRING_CACHE_LIMIT = 1 << 16;

function hashString(s: string, tag: number): void {
  if (tag === T_STRING) {
    const cached = stringCache.get(s);
    if (cached !== undefined) {
      outHi = cached[0];
      outLo = cached[1];
      return;
    }
  }
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul((h2 << 5) | (h2 >>> 27), 0x5bd1e995) ^ c;
  }
  finish(h1, h2, tag, s.length);
  if (tag === T_STRING && stringCache.size < STRING_CACHE_LIMIT) stringCache.set(s, [outHi, outLo]);
}

/**
 * Numbers and constants yield raw lane pairs, not avalanched ones: every combiner (sequence
 * blocks, entry mixing, the final `finish`) mixes its inputs, so leaves need only be distinct.
 */
function hashNumber(n: number): void {
  if ((n | 0) === n) {
    outHi = n;
    outLo = T_INT;
  } else {
    floatView[0] = n !== n ? NaN : n;
    outHi = floatBits[0];
    outLo = floatBits[1] ^ T_FLOAT;
  }
}

/** Entry hash for key/value pairs of unordered collections: both lanes see all 128 input bits. */
function entry(kHi: number, kLo: number, vHi: number, vLo: number): void {
  outHi = fmix(kHi ^ Math.imul((vHi << 13) | (vHi >>> 19), 0xcc9e2d51) ^ Math.imul(vLo, 0x1b873593));
  outLo = fmix(kLo ^ Math.imul((vLo << 17) | (vLo >>> 15), 0x85ebca6b) ^ Math.imul(vHi, 0xe6546b64) ^ outHi);
}

/** Murmur3-style block mixing of one 64-bit element into the first lane. */
function lane1(h: number, hi: number): number {
  let k = Math.imul(hi, 0xcc9e2d51);
  k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  h ^= k;
  return Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
}

/** The same for the second lane, which sees both halves of the element. */
function lane2(h: number, hi: number, lo: number): number {
  let k = Math.imul(lo ^ ((hi << 16) | (hi >>> 16)), 0x85ebca6b);
  k = Math.imul((k << 17) | (k >>> 15), 0xc2b2ae35);
  h ^= k;
  return Math.imul((h << 15) | (h >>> 17), 5) + 0x38495ab5;
}

function hashSequence(items: ArrayLike<unknown>, tag: number): void {
  let h1 = tag;
  let h2 = ~tag;
  for (let i = 0; i < items.length; i++) {
    hashInto(items[i]);
    h1 = lane1(h1, outHi);
    h2 = lane2(h2, outHi, outLo);
  }
  finish(h1, h2, tag, items.length);
}

/**
 * A streaming fingerprint of a sequence of 32-bit integers, for models that know their own
 * identity as numbers (the protocol layer: cached node fingerprints, interned message ids) and
 * so can skip building a view object.
 */
export class IntHasher {
  private h1 = 0;
  private h2 = 0;
  private count = 0;

  start(): this {
    this.h1 = T_TYPED;
    this.h2 = ~T_TYPED;
    this.count = 0;
    return this;
  }

  int(x: number): void {
    this.h1 = lane1(this.h1, x);
    this.h2 = lane2(this.h2, x, T_INT);
    this.count++;
  }

  /** One 64-bit element, e.g. a cached fingerprint. */
  pair(hi: number, lo: number): void {
    this.h1 = lane1(this.h1, hi);
    this.h2 = lane2(this.h2, hi, lo);
    this.count++;
  }

  /** Write the fingerprint (hi, lo) into `out`. */
  end(out: Int32Array): void {
    finish(this.h1, this.h2, T_TYPED, this.count);
    finish(outHi, outLo, 0x3243f6a8, 0);
    out[0] = outHi;
    out[1] = outLo;
  }
}

function hashObject(o: object): void {
  let h1 = 0;
  let h2 = 0;
  let count = 0;
  for (const key in o) {
    if (!Object.prototype.hasOwnProperty.call(o, key)) continue;
    hashInto((o as Record<string, unknown>)[key]);
    const vHi = outHi;
    const vLo = outLo;
    hashString(key, T_STRING);
    entry(outHi, outLo, vHi, vLo);
    h1 = (h1 + outHi) | 0;
    h2 = (h2 + outLo) | 0;
    count++;
  }
  finish(h1, h2, T_OBJECT, count);
}

function hashSet(set: ReadonlySet<unknown>): void {
  let h1 = 0;
  let h2 = 0;
  for (const v of set) {
    hashInto(v);
    entry(outHi, outLo, 0x2545f491, 0x4f6cdd1d);
    h1 = (h1 + outHi) | 0;
    h2 = (h2 + outLo) | 0;
  }
  finish(h1, h2, T_SET, set.size);
}

function hashMap(map: ReadonlyMap<unknown, unknown>): void {
  let h1 = 0;
  let h2 = 0;
  for (const [k, v] of map) {
    hashInto(v);
    const vHi = outHi;
    const vLo = outLo;
    hashInto(k);
    entry(outHi, outLo, vHi, vLo);
    h1 = (h1 + outHi) | 0;
    h2 = (h2 + outLo) | 0;
  }
  finish(h1, h2, T_MAP, map.size);
}

/** Thrown on the hot path when a value is not plain data; `hashTop` finds out what and where. */
const NOT_PLAIN = new Error('not plain data');

function hashComposite(o: object): void {
  const proto = Object.getPrototypeOf(o);
  if (proto === Object.prototype) hashObject(o);
  else if (proto === Array.prototype) hashSequence(o as unknown[], T_ARRAY);
  else if (proto === Set.prototype) hashSet(o as Set<unknown>);
  else if (proto === Map.prototype) hashMap(o as Map<unknown, unknown>);
  else if (proto === null) hashObject(o);
  else if (TYPED_ARRAY_PROTOTYPES.has(proto)) {
    hashString(o.constructor.name, T_TYPED);
    hashSequence(o as unknown as ArrayLike<number>, outHi ^ outLo);
  } else throw NOT_PLAIN;
}

function hashInto(v: unknown): void {
  switch (typeof v) {
    case 'number':
      hashNumber(v);
      return;
    case 'string':
      hashString(v, T_STRING);
      return;
    case 'boolean':
      outHi = v ? T_TRUE : T_FALSE;
      outLo = T_TRUE;
      return;
    case 'undefined':
      outHi = T_UNDEFINED;
      outLo = T_UNDEFINED;
      return;
    case 'bigint':
      hashString(v.toString(16), T_BIGINT);
      return;
    case 'object':
      if (v === null) {
        outHi = T_NULL;
        outLo = T_NULL;
      } else hashComposite(v);
      return;
    default:
      throw NOT_PLAIN; // a function or a symbol
  }
}

/** Hash `value` and avalanche the result, so that even a bare primitive gets a full fingerprint. */
function hashTop(value: unknown): void {
  try {
    hashInto(value);
  } catch (e) {
    // Not plain data, or a stack overflow (a cycle, or nesting thousands of levels deep): the
    // walk says which and where. An overflow it finds no reason for is passed on as it is.
    if (e !== NOT_PLAIN && !(e instanceof RangeError)) throw e;
    throw plainDataProblem(value) ?? (e === NOT_PLAIN ? new Error('a value was refused as not plain data, but no fault was found in it') : e);
  }
  finish(outHi, outLo, 0x3243f6a8, 0);
}

/** Fingerprint `value`, writing the halves into `out[0]` (hi) and `out[1]` (lo). */
export function fingerprintInto(value: unknown, out: Int32Array): void {
  hashTop(value);
  out[0] = outHi;
  out[1] = outLo;
}

/** Fingerprint `value` as a `{ hi, lo }` pair. */
export function fingerprint(value: unknown): Fingerprint {
  hashTop(value);
  return { hi: outHi >>> 0, lo: outLo >>> 0 };
}

/** Fingerprint `value` as 16 hex digits, for display and JSON. */
export function fingerprintHex(value: unknown): string {
  hashTop(value);
  return (outHi >>> 0).toString(16).padStart(8, '0') + (outLo >>> 0).toString(16).padStart(8, '0');
}
