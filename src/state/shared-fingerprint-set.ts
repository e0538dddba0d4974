/**
 * The visited-state store of a parallel search: fingerprints → dense state ids, and each id's
 * parent id and action index, all in `SharedArrayBuffer`s so that every worker thread inserts
 * into the same table without locks.
 *
 * Table: open addressing with linear probing, slots of three words (hi, lo, tag) as in
 * `FingerprintSet`. A slot's tag is 0 while empty, `CLAIMED` while its inserter writes it, and
 * `id + 1` once published. An inserter claims an empty slot with one `Atomics.compareExchange`
 * on the tag, writes the fingerprint, draws the next id from a shared counter, writes the
 * id's parent and action, and publishes the tag last; a reader that meets a claimed slot spins
 * until it is published (a few stores away), then compares. So a published id always has its
 * fingerprint and its (parent, via) visible, and two threads inserting the same fingerprint get
 * one id between them.
 *
 * The table never grows while threads insert: the coordinator grows it (a rehash into a new
 * buffer, a part in each thread: `rehashPart`) at a rendezvous, when no chunk of work is out (see
 * `needsGrowth`); workers stop a chunk early when the load passes `HARD_LOAD` (`full`). A state
 * with more than `NARROW` successors is expanded only once room for all of them is reserved
 * (`reserve`); the others need none, because the table's last quarter (a table starts with 2^17
 * slots) holds the successors of a narrow state in every thread (up to 1,024) at once. So the
 * table never fills up.
 * The columns are growable shared buffers, kept at least as long as the most ids the table can
 * hand out before its next growth.
 */

/** Shared memory of a store, to hand to a worker thread (`SharedStateStore.attach`). */
export interface SharedStoreShare {
  readonly control: SharedArrayBuffer;
  readonly slots: SharedArrayBuffer;
  readonly parent: SharedArrayBuffer;
  readonly via: SharedArrayBuffer;
}

/** Tag of a slot being written. */
const CLAIMED = -1;
/** `add`'s answer when the id limit (`--max-states`) is reached and the fingerprint is new. */
export const FULL = -(2 ** 31);
/** Control words: the number of ids handed out, and the room reserved for wide states' successors. */
const COUNT = 0;
const RESERVED = 1;
/** Successors a state may have without reserving room for them (see above). */
export const NARROW = 32;
/** The coordinator grows the table past this load, at its next rendezvous. */
const GROW_LOAD = 0.5;
/** Workers stop taking new states past this load and hand their work back until the table has grown. */
const HARD_LOAD = 0.75;
/** The largest column: a growable SharedArrayBuffer holds at most 4 GiB here. */
const MAX_COLUMN_BYTES = 2 ** 32 - 4;

/** A growable SharedArrayBuffer (ES2024; Node 20 has it, this project's `lib` predates it). */
interface GrowableBuffer extends SharedArrayBuffer {
  grow(bytes: number): void;
}
const GrowableBuffer = SharedArrayBuffer as unknown as new (bytes: number, options: { maxByteLength: number }) => GrowableBuffer;

const hashSlot = (hi: number, lo: number, mask: number) => (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;

export class SharedStateStore {
  private control: Int32Array;
  private slots: Int32Array;
  private mask: number;
  private parentColumn: Int32Array;
  private viaColumn: Int32Array;
  /** Ids beyond which `full` holds: the table's hard load. */
  private hardLimit: number;

  private constructor(private share_: SharedStoreShare) {
    this.control = new Int32Array(share_.control);
    this.slots = new Int32Array(share_.slots);
    this.mask = this.slots.length / 3 - 1;
    this.hardLimit = Math.floor((this.mask + 1) * HARD_LOAD);
    // Length-tracking views: they see the columns grow.
    this.parentColumn = new Int32Array(share_.parent);
    this.viaColumn = new Int32Array(share_.via);
  }

  /** A fresh, empty store for about `expected` states. */
  static create(expected = 1 << 16): SharedStateStore {
    let capacity = 1 << 10;
    while (capacity * GROW_LOAD < expected) capacity *= 2;
    const store = new SharedStateStore({
      control: new SharedArrayBuffer(8),
      slots: new SharedArrayBuffer(capacity * 12),
      parent: growableColumn(0),
      via: growableColumn(0),
    });
    store.fitColumns();
    return store;
  }

  /** The store whose memory another thread shared. */
  static attach(share: SharedStoreShare): SharedStateStore {
    return new SharedStateStore(share);
  }

  /** The shared memory, for `attach` in a worker. */
  get share(): SharedStoreShare {
    return this.share_;
  }

  /** Ids handed out so far. */
  get size(): number {
    return Atomics.load(this.control, COUNT);
  }

  /** Bytes of the table and of the columns' used part, for statistics and the memory budget. */
  get bytes(): number {
    return this.slots.byteLength + 8 * this.size;
  }

  /** Whether the table is loaded past the point where inserting threads must hand their work back. */
  get full(): boolean {
    return this.size + Atomics.load(this.control, RESERVED) >= this.hardLimit;
  }

  /**
   * Reserve room for `count` new states, the successors of a wide state, before inserting any:
   * false, reserving nothing, when the table lacks it (the state's thread hands it back, and the
   * coordinator grows the table until it `fits`). `release` it when the state is expanded.
   */
  reserve(count: number): boolean {
    const reserved = Atomics.add(this.control, RESERVED, count) + count;
    if (this.size + reserved <= this.hardLimit) return true;
    this.release(count);
    return false;
  }

  release(count: number): void {
    Atomics.sub(this.control, RESERVED, count);
  }

  /** Whether `count` more states fit below the hard load beside those stored (the coordinator grows the table until they do). */
  fits(count: number): boolean {
    return this.size + count <= this.hardLimit;
  }

  /** Whether the coordinator should grow the table at this rendezvous. */
  get needsGrowth(): boolean {
    return this.size >= (this.mask + 1) * GROW_LOAD;
  }

  /**
   * Whether `expected` more states would take the table past its growth load, and it can still
   * grow: the coordinator grows it ahead, at a level's start, for the states the level is likely
   * to add, rather than in mid-level, where growth first waits for every chunk out to come back.
   */
  growsAheadFor(expected: number): boolean {
    return this.size + expected >= (this.mask + 1) * GROW_LOAD && this.canGrow;
  }

  /** Whether a table twice this one's size stays under the largest buffer. */
  private get canGrow(): boolean {
    return (this.mask + 1) * 2 * 12 <= MAX_COLUMN_BYTES;
  }

  /**
   * Insert a fingerprint with the id's parent and action, unless present. Returns the new id,
   * `-1 - id` of the present entry, or `FULL` when the fingerprint is new and `limit` ids are
   * already handed out (then nothing is inserted).
   */
  add(hi: number, lo: number, parent: number, via: number, limit = Infinity): number {
    hi |= 0;
    lo |= 0;
    if (hi === 0 && lo === 0) lo = 1;
    const slots = this.slots;
    const mask = this.mask;
    let slot = hashSlot(hi, lo, mask);
    for (;;) {
      const k = slot * 3;
      let tag = Atomics.load(slots, k + 2);
      if (tag === 0) {
        tag = Atomics.compareExchange(slots, k + 2, 0, CLAIMED);
        if (tag === 0) {
          const id = this.takeId(limit);
          if (id < 0) {
            // Release the slot: threads waiting on it see it empty again.
            Atomics.store(slots, k + 2, 0);
            return FULL;
          }
          slots[k] = hi;
          slots[k + 1] = lo;
          this.parentColumn[id] = parent;
          this.viaColumn[id] = via;
          Atomics.store(slots, k + 2, id + 1);
          return id;
        }
      }
      while (tag === CLAIMED) tag = Atomics.load(slots, k + 2);
      // Released by an inserter that hit the limit: look at the slot again.
      if (tag === 0) continue;
      if (slots[k] === hi && slots[k + 1] === lo) return -1 - (tag - 1);
      slot = (slot + 1) & mask;
    }
  }

  /** The id of a fingerprint, or -1. */
  find(hi: number, lo: number): number {
    hi |= 0;
    lo |= 0;
    if (hi === 0 && lo === 0) lo = 1;
    const slots = this.slots;
    const mask = this.mask;
    let slot = hashSlot(hi, lo, mask);
    for (;;) {
      const k = slot * 3;
      let tag = Atomics.load(slots, k + 2);
      while (tag === CLAIMED) tag = Atomics.load(slots, k + 2);
      if (tag === 0) return -1;
      if (slots[k] === hi && slots[k + 1] === lo) return tag - 1;
      slot = (slot + 1) & mask;
    }
  }

  /** Parent id of `id`, or `-1 - initIndex` for an initial state. */
  parent(id: number): number {
    return this.parentColumn[id];
  }

  /** Index of the action that first reached `id` (-1 for an initial state). */
  via(id: number): number {
    return this.viaColumn[id];
  }

  private takeId(limit: number): number {
    if (limit === Infinity) return Atomics.add(this.control, COUNT, 1);
    for (;;) {
      const c = Atomics.load(this.control, COUNT);
      if (c >= limit) return -1;
      if (Atomics.compareExchange(this.control, COUNT, c, c + 1) === c) return c;
    }
  }

  /**
   * Double the table (a rehash into a new buffer) and lengthen the columns. Only at a rendezvous:
   * no other thread may touch the store meanwhile. Threads `attach` the new `share` afterwards.
   */
  grow(): void {
    const into = this.growthBuffer();
    this.rehashPart(into, 0, 1);
    this.adopt(into);
  }

  /**
   * The empty table, twice this one's size, that a growth rehashes into: each of `parts` threads
   * then calls `rehashPart` on it (concurrently), and the coordinator `adopt`s it once they all have.
   */
  growthBuffer(): SharedArrayBuffer {
    if (!this.canGrow) throw new Error(`the shared state table cannot grow past ${((this.mask + 1) * HARD_LOAD).toLocaleString('en-US')} states`);
    return new SharedArrayBuffer((this.mask + 1) * 2 * 12);
  }

  /**
   * Insert the entries of part `part` (of `parts` equal ranges of this table's slots) into the
   * table `into`, while other threads insert the other parts. A slot is claimed with a
   * compare-and-swap of its tag; nothing reads the new table before it is adopted, after every
   * part's thread has said it is done (a message, passed through the port's lock, which orders
   * these writes before the reads).
   */
  rehashPart(into: SharedArrayBuffer, part: number, parts: number): void {
    const old = this.slots;
    const slots = new Int32Array(into);
    const mask = slots.length / 3 - 1;
    const oldSlots = this.mask + 1;
    const end = Math.floor((oldSlots * (part + 1)) / parts) * 3;
    for (let k = Math.floor((oldSlots * part) / parts) * 3; k < end; k += 3) {
      const tag = old[k + 2];
      if (tag === 0) continue;
      const hi = old[k];
      const lo = old[k + 1];
      let slot = hashSlot(hi, lo, mask);
      if (parts === 1) {
        // Alone: no slot to claim.
        while (slots[slot * 3 + 2] !== 0) slot = (slot + 1) & mask;
        slots[slot * 3 + 2] = tag;
      } else {
        while (Atomics.compareExchange(slots, slot * 3 + 2, 0, tag) !== 0) slot = (slot + 1) & mask;
      }
      slots[slot * 3] = hi;
      slots[slot * 3 + 1] = lo;
    }
  }

  /** Take the table every part was rehashed into (`growthBuffer`) as this store's. */
  adopt(into: SharedArrayBuffer): void {
    this.share_ = { ...this.share_, slots: into };
    this.slots = new Int32Array(into);
    this.mask = this.slots.length / 3 - 1;
    this.hardLimit = Math.floor((this.mask + 1) * HARD_LOAD);
    this.fitColumns();
  }

  /**
   * Make the columns long enough for every id the table can hand out before it grows again: as
   * many as it has slots, since the successors of the states being expanded may take it past its
   * hard load. Only the ids used take memory.
   */
  private fitColumns(): void {
    const bytes = Math.min(MAX_COLUMN_BYTES, (this.mask + 1) * 4);
    for (const column of [this.share_.parent, this.share_.via]) if (column.byteLength < bytes) (column as GrowableBuffer).grow(bytes);
  }

  /** The raw memory, for a checkpoint: control words, table, and the columns' used part. */
  snapshot(): { control: Int32Array; slots: Int32Array; parent: Int32Array; via: Int32Array } {
    const n = this.size;
    return { control: this.control, slots: this.slots, parent: this.parentColumn.subarray(0, n), via: this.viaColumn.subarray(0, n) };
  }

  /**
   * A store over memory filled from a checkpoint (`snapshot`): the columns must be growable
   * shared buffers (`growableColumn`), and are lengthened as the table requires.
   */
  static restore(share: SharedStoreShare): SharedStateStore {
    const store = new SharedStateStore(share);
    store.fitColumns();
    return store;
  }
}

/** An empty growable shared buffer for a column of `bytes` bytes. */
export function growableColumn(bytes: number): SharedArrayBuffer {
  return new GrowableBuffer(bytes, { maxByteLength: MAX_COLUMN_BYTES });
}
