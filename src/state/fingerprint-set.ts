/**
 * An open-addressing hash table from 64-bit fingerprints to dense state ids (0, 1, 2, …, in
 * insertion order), held in typed arrays: 12 bytes a slot, no per-state objects, so millions of
 * visited states cost tens of megabytes rather than gigabytes of strings.
 */
export class FingerprintSet {
  /** Slots of three words (hi, lo, id) side by side, so a probe touches one cache line; (0, 0) is empty. */
  private slots: Int32Array;
  private mask: number;
  private count = 0;

  constructor(initialCapacity = 1 << 16) {
    let capacity = 16;
    while (capacity < initialCapacity * 2) capacity *= 2;
    this.slots = new Int32Array(capacity * 3);
    this.mask = capacity - 1;
  }

  /** Number of fingerprints stored. */
  get size(): number {
    return this.count;
  }

  /** Bytes held by the table, for memory statistics. */
  get bytes(): number {
    return this.slots.byteLength;
  }

  /**
   * Insert a fingerprint. Returns the new id (`size - 1` afterwards) when it was absent, or
   * `-1 - id` of the existing entry when it was present.
   */
  add(hi: number, lo: number): number {
    hi |= 0;
    lo |= 0;
    if (hi === 0 && lo === 0) lo = 1;
    const slots = this.slots;
    const mask = this.mask;
    let slot = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    for (;;) {
      const k = slot * 3;
      const kh = slots[k];
      const kl = slots[k + 1];
      if (kh === 0 && kl === 0) {
        const id = this.count++;
        slots[k] = hi;
        slots[k + 1] = lo;
        slots[k + 2] = id;
        if (this.count * 2 > mask) this.grow();
        return id;
      }
      if (kh === hi && kl === lo) return -1 - slots[k + 2];
      slot = (slot + 1) & mask;
    }
  }

  /** The id of a fingerprint, or -1 when absent. */
  get(hi: number, lo: number): number {
    hi |= 0;
    lo |= 0;
    if (hi === 0 && lo === 0) lo = 1;
    const slots = this.slots;
    const mask = this.mask;
    let slot = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    for (;;) {
      const k = slot * 3;
      const kh = slots[k];
      const kl = slots[k + 1];
      if (kh === 0 && kl === 0) return -1;
      if (kh === hi && kl === lo) return slots[k + 2];
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.slots;
    const capacity = (this.mask + 1) * 2;
    const slots = new Int32Array(capacity * 3);
    const mask = capacity - 1;
    for (let k = 0; k < old.length; k += 3) {
      const hi = old[k];
      const lo = old[k + 1];
      if (hi === 0 && lo === 0) continue;
      let slot = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
      while (slots[slot * 3] !== 0 || slots[slot * 3 + 1] !== 0) slot = (slot + 1) & mask;
      slots[slot * 3] = hi;
      slots[slot * 3 + 1] = lo;
      slots[slot * 3 + 2] = old[k + 2];
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/**
 * A growable array of 32-bit integers indexed by state id (parent links, action indices,
 * depths): one typed array instead of millions of boxed numbers.
 */
export class IntColumn {
  private data: Int32Array;
  length = 0;

  constructor(initialCapacity = 1 << 16) {
    this.data = new Int32Array(Math.max(16, initialCapacity));
  }

  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }

  get(i: number): number {
    return this.data[i];
  }

  set(i: number, v: number): void {
    this.data[i] = v;
  }

  /** The values pushed so far, as a typed array sharing the column's storage until it grows. */
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }

  get bytes(): number {
    return this.data.byteLength;
  }
}
