/**
 * A table of byte strings, each under a 64-bit content key, giving each a dense id (0, 1, 2, …
 * in insertion order) — shared by every worker thread of a search. Protocol worlds are encoded
 * as vectors of such ids (protocol/codec.ts), so every thread must give a value the same id.
 *
 * Everything lives in growable SharedArrayBuffers, which grow in place and are seen at their new
 * length by every thread (Node 20 and later):
 * - `records`: per id, the key (hi, lo) and where its bytes are in the arena (offset, length);
 *   the length word is written last, atomically, so an id whose record a thread can read has
 *   its bytes in place;
 * - `arena`: the values' bytes, appended;
 * - `index`: open-addressing hash tables of ids, one per stripe (the key's low bits choose one of
 *   64), each grown by rehashing into a fresh region of the same buffer (the old region is left
 *   behind: at most as many slots again as are in use);
 * - `meta`: counters (ids, arena and index tops) and, per stripe, its lock, region and count.
 *
 * Lookups and inserts hold their stripe's lock (`Atomics.compareExchange`, `Atomics.wait` when
 * contended), so two threads interning the same key at once get the same id, and threads
 * working on different stripes do not wait for each other. The callers keep per-thread caches,
 * so a thread consults the table about once per distinct value it meets, not once per state.
 *
 * The table trusts keys: it never compares values. Its callers compare a value they did not put
 * in themselves with the stored one (state/equality.ts) and report a collision.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

/**
 * A growable SharedArrayBuffer (Node 20 has them; TypeScript declares them from lib ES2024 on,
 * which would also admit library calls Node 20 lacks).
 */
interface GrowableSharedArrayBuffer extends SharedArrayBuffer {
  readonly maxByteLength: number;
  grow(byteLength: number): void;
}

function growable(byteLength: number, maxByteLength: number): SharedArrayBuffer {
  return new (SharedArrayBuffer as new (n: number, o: { maxByteLength: number }) => SharedArrayBuffer)(byteLength, { maxByteLength });
}

/** The buffers of a table: structured-cloneable, so `postMessage` hands the same table to a worker thread. */
export interface InternTableShare {
  readonly meta: SharedArrayBuffer;
  readonly records: SharedArrayBuffer;
  readonly arena: SharedArrayBuffer;
  readonly index: SharedArrayBuffer;
}

const STRIPES = 64;
/** Words of `meta`: the id, arena and index counters, then per stripe its lock, region start, capacity and count. */
const NEXT_ID = 0;
const ARENA_TOP = 1;
const INDEX_TOP = 2;
const LOCK = 3;
const START = LOCK + STRIPES;
const CAPACITY = START + STRIPES;
const COUNT = CAPACITY + STRIPES;
const META_WORDS = COUNT + STRIPES;

/** Words per record: key hi, key lo, arena offset, length + 1 (0 while the value is being written). */
const RECORD = 4;
const INITIAL_STRIPE_SLOTS = 16;

/** Largest sizes the buffers may grow to (reserved address space, not memory): 2^28 ids, 4 GiB of values. */
const MAX_RECORDS_BYTES = 2 ** 32;
const MAX_ARENA_BYTES = 2 ** 32 - 1;
const MAX_INDEX_BYTES = 2 ** 32;

/** File format of `save`: magic, version, count, arena length, then the records, then the arena. */
const MAGIC = 0x4e544c46; // "FLTN"
const VERSION = 1;

/** The stripe and first slot of a key: a mix of both halves, so keys that differ in either spread. */
function mix(hi: number, lo: number): number {
  let h = Math.imul(hi ^ Math.imul(lo, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  return Math.imul(h, 0xc2b2ae35) ^ (h >>> 13);
}

/** Grow `sab` to at least `need` bytes; several threads may do this at once. */
function ensure(buffer: SharedArrayBuffer, need: number, what: string): void {
  const sab = buffer as GrowableSharedArrayBuffer;
  while (sab.byteLength < need) {
    const before = sab.byteLength;
    const target = Math.min(sab.maxByteLength, Math.max(need, before * 2));
    if (target < need) throw new Error(`intern table: ${what} would exceed ${sab.maxByteLength} bytes`);
    try {
      sab.grow(target);
    } catch (e) {
      // Another thread grew it past `target` meanwhile (then loop), or memory ran out.
      if (!(e instanceof RangeError) || sab.byteLength === before) throw e;
    }
  }
}

export class InternTable {
  private readonly meta: Int32Array;
  /** `meta` as unsigned words (the arena offset may pass 2^31). */
  private readonly umeta: Uint32Array;
  private readonly records: Uint32Array;
  private readonly arena: Uint8Array;
  private readonly index: Uint32Array;

  /** A fresh, empty table; or, given another thread's `share()`, that same table. */
  constructor(private readonly buffers: InternTableShare = InternTable.fresh()) {
    this.meta = new Int32Array(buffers.meta);
    this.umeta = new Uint32Array(buffers.meta);
    this.records = new Uint32Array(buffers.records);
    this.arena = new Uint8Array(buffers.arena);
    this.index = new Uint32Array(buffers.index);
  }

  private static fresh(): InternTableShare {
    const meta = new SharedArrayBuffer(META_WORDS * 4);
    const slots = STRIPES * INITIAL_STRIPE_SLOTS;
    const index = growable(slots * 4, MAX_INDEX_BYTES);
    const m = new Uint32Array(meta);
    for (let s = 0; s < STRIPES; s++) {
      m[START + s] = s * INITIAL_STRIPE_SLOTS;
      m[CAPACITY + s] = INITIAL_STRIPE_SLOTS;
    }
    m[INDEX_TOP] = slots;
    return {
      meta,
      records: growable(1024 * RECORD * 4, MAX_RECORDS_BYTES),
      arena: growable(64 * 1024, MAX_ARENA_BYTES),
      index,
    };
  }

  /** What another thread passes to `new InternTable(share)` to use this table. */
  share(): InternTableShare {
    return this.buffers;
  }

  /** Number of values stored. */
  get size(): number {
    return Atomics.load(this.meta, NEXT_ID);
  }

  /** Bytes the table holds in use: records, values and index slots. */
  get bytes(): number {
    return this.size * RECORD * 4 + Atomics.load(this.umeta, ARENA_TOP) + Atomics.load(this.umeta, INDEX_TOP) * 4;
  }

  /** The id of the key (hi, lo), or -1 when absent. */
  find(hi: number, lo: number): number {
    const h = mix(hi, lo);
    const stripe = h & (STRIPES - 1);
    this.lock(stripe);
    try {
      return this.probe(stripe, h, hi >>> 0, lo >>> 0) - 1;
    } finally {
      this.unlock(stripe);
    }
  }

  /**
   * Intern the value with key (hi, lo): returns its new id when absent (then `value()` gives its
   * bytes, called once, under the stripe's lock), or `-1 - id` of the value already there.
   */
  intern(hi: number, lo: number, value: () => Uint8Array): number {
    const h = mix(hi, lo);
    const stripe = h & (STRIPES - 1);
    hi >>>= 0;
    lo >>>= 0;
    this.lock(stripe);
    try {
      const found = this.probe(stripe, h, hi, lo);
      if (found > 0) return -found;
      const bytes = value();
      const id = this.append(hi, lo, bytes);
      this.place(stripe, h, id);
      return id;
    } finally {
      this.unlock(stripe);
    }
  }

  /** The stored bytes of `id` (a view into the shared arena: read, do not keep or write). */
  value(id: number): Uint8Array {
    const r = this.record(id);
    return this.arena.subarray(this.records[r + 2], this.records[r + 2] + Atomics.load(this.records, r + 3) - 1);
  }

  /** The key of `id`, high half (as a signed 32-bit integer, as fingerprints are kept). */
  keyHi(id: number): number {
    return this.records[this.record(id)] | 0;
  }

  /** The key of `id`, low half. */
  keyLo(id: number): number {
    return this.records[this.record(id) + 1] | 0;
  }

  /** Where the record of `id` starts; an id no thread has finished adding is an error (the bytes that named it are not this table's). */
  private record(id: number): number {
    const r = id * RECORD;
    if (!(id >= 0 && id < Atomics.load(this.meta, NEXT_ID)) || Atomics.load(this.records, r + 3) === 0) {
      throw new Error(`intern table: no value has id ${id}`);
    }
    return r;
  }

  /** id + 1 of the key in `stripe`, or 0. Call with the stripe's lock held. */
  private probe(stripe: number, h: number, hi: number, lo: number): number {
    const start = this.umeta[START + stripe];
    const mask = this.umeta[CAPACITY + stripe] - 1;
    const index = this.index;
    const records = this.records;
    for (let slot = (h >>> 6) & mask; ; slot = (slot + 1) & mask) {
      const entry = index[start + slot];
      if (entry === 0) return 0;
      const r = (entry - 1) * RECORD;
      if (records[r] === hi && records[r + 1] === lo) return entry;
    }
  }

  /** Add a record and its bytes; returns its id. Its length word is written last, atomically (publishing it). */
  private append(hi: number, lo: number, bytes: Uint8Array): number {
    const id = Atomics.add(this.meta, NEXT_ID, 1);
    let offset = Atomics.load(this.umeta, ARENA_TOP);
    for (;;) {
      if (offset + bytes.length > MAX_ARENA_BYTES) throw new Error(`intern table: the values would exceed ${MAX_ARENA_BYTES} bytes`);
      const seen = Atomics.compareExchange(this.umeta, ARENA_TOP, offset, offset + bytes.length);
      if (seen === offset) break;
      offset = seen;
    }
    ensure(this.buffers.arena, offset + bytes.length, 'the values');
    this.arena.set(bytes, offset);
    const r = id * RECORD;
    ensure(this.buffers.records, (r + RECORD) * 4, 'the records');
    this.records[r] = hi;
    this.records[r + 1] = lo;
    this.records[r + 2] = offset;
    Atomics.store(this.records, r + 3, bytes.length + 1);
    return id;
  }

  /** Put `id` into `stripe`'s hash table, doubling the table first when it is half full. Call with the lock held. */
  private place(stripe: number, h: number, id: number): void {
    const count = this.umeta[COUNT + stripe] + 1;
    this.umeta[COUNT + stripe] = count;
    if (count * 2 > this.umeta[CAPACITY + stripe]) this.regrow(stripe);
    this.slotIn(this.umeta[START + stripe], this.umeta[CAPACITY + stripe] - 1, h, id + 1);
  }

  private slotIn(start: number, mask: number, h: number, entry: number): void {
    let slot = (h >>> 6) & mask;
    while (this.index[start + slot] !== 0) slot = (slot + 1) & mask;
    this.index[start + slot] = entry;
  }

  /** Move `stripe` to a fresh region twice as large. */
  private regrow(stripe: number): void {
    const oldStart = this.umeta[START + stripe];
    const oldCapacity = this.umeta[CAPACITY + stripe];
    const capacity = oldCapacity * 2;
    const start = Atomics.add(this.umeta, INDEX_TOP, capacity);
    ensure(this.buffers.index, (start + capacity) * 4, 'the index');
    const mask = capacity - 1;
    for (let i = 0; i < oldCapacity; i++) {
      const entry = this.index[oldStart + i];
      if (entry === 0) continue;
      const r = (entry - 1) * RECORD;
      this.slotIn(start, mask, mix(this.records[r], this.records[r + 1]), entry);
    }
    this.umeta[START + stripe] = start;
    this.umeta[CAPACITY + stripe] = capacity;
  }

  // A futex-style mutex per stripe (0 free, 1 held, 2 held with waiters), after Drepper's "Futexes Are Tricky".
  private lock(stripe: number): void {
    const m = this.meta;
    const at = LOCK + stripe;
    let c = Atomics.compareExchange(m, at, 0, 1);
    if (c === 0) return;
    do {
      if (c === 2 || Atomics.compareExchange(m, at, 1, 2) !== 0) Atomics.wait(m, at, 2);
    } while ((c = Atomics.compareExchange(m, at, 0, 2)) !== 0);
  }

  private unlock(stripe: number): void {
    const m = this.meta;
    const at = LOCK + stripe;
    if (Atomics.sub(m, at, 1) !== 1) {
      Atomics.store(m, at, 0);
      Atomics.notify(m, at, 1);
    }
  }

  /**
   * Write the table to `file` (through a temporary file renamed over it, so a crash leaves the old
   * file or the new one). Call it while no thread interns: a checkpoint is taken between levels.
   */
  save(file: string): void {
    const count = this.size;
    const arenaBytes = Atomics.load(this.umeta, ARENA_TOP);
    const header = new Uint32Array([MAGIC, VERSION, count, arenaBytes]);
    for (let id = 0; id < count; id++) this.record(id);
    const records = new Uint8Array(this.records.buffer, 0, count * RECORD * 4);
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, Buffer.concat([new Uint8Array(header.buffer), records, this.arena.subarray(0, arenaBytes)]));
    renameSync(tmp, file);
  }

  /** A fresh table holding what `save` wrote to `file`, under the same ids. */
  static load(file: string): InternTable {
    const data = readFileSync(file);
    const header = new Uint32Array(data.buffer.slice(data.byteOffset, data.byteOffset + 16));
    if (header.length < 4 || header[0] !== MAGIC || header[1] !== VERSION) throw new Error(`${file} is not an intern table this version of faultline wrote`);
    const [, , count, arenaBytes] = header;
    const recordBytes = count * RECORD * 4;
    if (data.length !== 16 + recordBytes + arenaBytes) throw new Error(`${file} is truncated or damaged (${data.length} bytes, expected ${16 + recordBytes + arenaBytes})`);
    const table = new InternTable();
    ensure(table.buffers.records, recordBytes, 'the records');
    ensure(table.buffers.arena, arenaBytes, 'the values');
    new Uint8Array(table.buffers.records).set(data.subarray(16, 16 + recordBytes));
    table.arena.set(data.subarray(16 + recordBytes), 0);
    table.umeta[NEXT_ID] = count;
    table.umeta[ARENA_TOP] = arenaBytes;
    for (let id = 0; id < count; id++) {
      const r = id * RECORD;
      const h = mix(table.records[r], table.records[r + 1]);
      const stripe = h & (STRIPES - 1);
      if (table.probe(stripe, h, table.records[r], table.records[r + 1]) !== 0) throw new Error(`${file} holds the same key twice`);
      table.place(stripe, h, id);
    }
    return table;
  }
}
