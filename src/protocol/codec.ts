/**
 * The compact encoding of a protocol's worlds: a world as a short vector of varints.
 *
 * After LTSmin's tree compression, the parts of a state that repeat across millions of states
 * are stored once, in tables shared by every thread of a search, and a state refers to them by
 * small ids: each node's (state, timers) entry, each message envelope, and each signed fragment
 * the traitors know. The rest of a world is a handful of small numbers. Two-phase commit's nine
 * nodes and their messages thus take a dozen bytes or two instead of an object graph of hundreds.
 *
 * Layout: a flags byte saying which bookkeeping differs from its start value, the n node entry
 * ids, the messages in flight (a list of ids in the network's order, or a bitmap of ids when that
 * is shorter and the order is the canonical one, see `encodeNetwork`), then — only where the
 * flags say so — status, clock offsets, fault counters, traitors, time, partition, round and
 * cursor, and the traitors' signed knowledge. Self-delimiting: the shape is the model's.
 *
 * The tables are keyed by content fingerprints: a node entry by the fingerprint the kernel keeps
 * of it (`World.nodeHash`), a message by the network's content key, a fragment by the adversary's.
 * Message and fragment ids in a world are this thread's own interning ids; the tables' ids are
 * the portable ones, mapped both ways by per-thread caches.
 *
 * Never merge two different values: a thread that finds a key in a table for a value it did not
 * put there itself compares the two structurally (state/equality.ts) — a node's value each time it
 * is not the stored value itself nor the one last checked at that node; a message or fragment once
 * per thread — and a 64-bit collision between different values ends the run as an internal error.
 */
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { CodecShare, StateCodec } from '../state/codec.ts';
import { sameData } from '../state/equality.ts';
import { FingerprintSet } from '../state/fingerprint-set.ts';
import { InternTable, type InternTableShare } from '../state/intern-table.ts';
import type { NetworkSemantics } from './faults.ts';
import type { SignedPayload, Envelope } from './types.ts';
import { NO_TIMERS, type Kernel } from './kernel.ts';
import { nodeTermDeltaHi, nodeTermDeltaLo, UP, USED, type Timer, type World, type WorldFields } from './world.ts';

/** The share of a world codec: its three tables. */
export interface WorldCodecShare extends CodecShare {
  readonly kind: 'protocol-world';
  readonly nodes: InternTableShare;
  readonly messages: InternTableShare;
  readonly fragments: InternTableShare;
}

const KIND = 'protocol-world';
/** The tables' files in a checkpoint directory. */
const FILES = { nodes: 'nodes.intern', messages: 'messages.intern', fragments: 'fragments.intern' } as const;

/** Flags: which bookkeeping differs from its start value (and so follows the network). */
const F_STATUS = 1;
const F_OFFSETS = 2;
const F_USED = 4;
const F_TRAITORS = 8;
const F_TIME = 16;
const F_PARTITION = 32;
const F_ROUND = 64;
const F_KNOWLEDGE = 128;

/** A node's entry as stored (its state and armed timers), with its key: the fingerprint the kernel keeps of it. */
interface Entry {
  readonly state: unknown;
  readonly timers: readonly Timer[];
  readonly hi: number;
  readonly lo: number;
}

/** Thrown when two different values share a 64-bit fingerprint: the search cannot go on soundly. */
function collision(what: string, a: unknown, b: unknown): Error {
  const text = (v: unknown) => {
    try {
      return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x instanceof Set || x instanceof Map ? [...x] : x)).slice(0, 200);
    } catch {
      return String(v);
    }
  };
  return new Error(`internal error: two different ${what} have the same 64-bit fingerprint (${text(a)} and ${text(b)}); the search stops rather than merge them`);
}

/** A growable byte buffer for varints. */
class Writer {
  bytes = new Uint8Array(256);
  length = 0;

  uint(x: number): void {
    if (this.length + 5 > this.bytes.length) {
      const bigger = new Uint8Array(this.bytes.length * 2);
      bigger.set(this.bytes);
      this.bytes = bigger;
    }
    while (x > 0x7f) {
      this.bytes[this.length++] = (x & 0x7f) | 0x80;
      x >>>= 7;
    }
    this.bytes[this.length++] = x;
  }

  /** A signed integer, zigzag-coded so small negative numbers stay short. */
  int(x: number): void {
    this.uint(((x << 1) ^ (x >> 31)) >>> 0);
  }

  /** Append the first `length` bytes of `bytes` as they are. */
  raw(bytes: Uint8Array, length: number): void {
    const at = this.reserve(length);
    // A loop: the parts copied are a few bytes, below what a call to `set` pays for itself.
    for (let j = 0; j < length; j++) this.bytes[at + j] = bytes[j];
  }

  /** Room for `n` bytes, zeroed; returns where they start. */
  reserve(n: number): number {
    while (this.length + n > this.bytes.length) {
      const bigger = new Uint8Array(this.bytes.length * 2);
      bigger.set(this.bytes);
      this.bytes = bigger;
    }
    const at = this.length;
    for (let j = at; j < at + n; j++) this.bytes[j] = 0;
    this.length += n;
    return at;
  }
}

/** Bytes of `x` as a varint. */
function varintLength(x: number): number {
  let n = 1;
  while (x > 0x7f) {
    x >>>= 7;
    n++;
  }
  return n;
}

/** Reads a world's varints; one per codec, reset for each world. */
class Reader {
  at = 0;
  private bytes: Uint8Array = new Uint8Array(0);

  reset(bytes: Uint8Array): this {
    this.bytes = bytes;
    this.at = 0;
    return this;
  }

  /** Whether all the bytes are read. */
  get done(): boolean {
    return this.at === this.bytes.length;
  }

  uint(): number {
    let x = 0;
    let shift = 0;
    for (;;) {
      if (this.at >= this.bytes.length) throw new Error('internal error: an encoded world ends early');
      const b = this.bytes[this.at++];
      x |= (b & 0x7f) << shift;
      if (b < 0x80) return x >>> 0;
      shift += 7;
    }
  }

  int(): number {
    const z = this.uint();
    return (z >>> 1) ^ -(z & 1);
  }

  /** The next `count` unsigned (or, with `signed`, zigzag-coded) integers. */
  list(count: number, signed = false): number[] {
    const xs = Array<number>(count);
    for (let i = 0; i < count; i++) xs[i] = signed ? this.int() : this.uint();
    return xs;
  }

  /** The next `n` bytes. */
  take(n: number): Uint8Array {
    if (this.at + n > this.bytes.length) throw new Error('internal error: an encoded world ends early');
    this.at += n;
    return this.bytes.subarray(this.at - n, this.at);
  }
}

/** The signed knowledge of a world without it, shared. */
const NO_KNOWLEDGE: readonly number[] = [];

/** Whether `bytes` holds the first `length` bytes of `part` from `at` on. */
function startsWith(bytes: Uint8Array, at: number, part: Uint8Array, length: number): boolean {
  if (at + length > bytes.length) return false;
  for (let j = 0; j < length; j++) if (bytes[at + j] !== part[j]) return false;
  return true;
}

/** Whether some entry of `xs` is not `x`. */
function anyBut(xs: readonly number[], x: number): boolean {
  for (let i = 0; i < xs.length; i++) if (xs[i] !== x) return true;
  return false;
}

/** A world codec's shared tables, by what they hold. */
type Tables = Readonly<Record<keyof typeof FILES, InternTable>>;

export class WorldCodec implements StateCodec<World> {
  /** The node entries' table (the others are reached through `messageIds` and `fragmentIds`). */
  private readonly nodes: InternTable;
  private readonly w = new Writer();
  private readonly r = new Reader();
  /** Scratch: the table ids of the messages in flight of the world being encoded. */
  private readonly shared: number[] = [];
  /** The number of fault counters (`World.used`). */
  private readonly counters = Object.keys(USED).length;

  // ---- per-thread caches ----
  /** Node entries by table id, decoded (or put in by this thread). */
  private readonly entries: Entry[] = [];
  /** Table id of a node entry by its key, for entries this thread has met. */
  private readonly entryByKey = new FingerprintSet(256);
  private readonly entryIds: number[] = [];
  /**
   * Per node: the state and timers last checked against the stored entry `lastId` (a value a
   * step made equals a stored one: it is compared structurally once, not on every encoding).
   */
  private readonly lastChecked: unknown[] = [];
  private readonly lastTimers: (readonly Timer[])[] = [];
  private readonly lastId: number[] = [];
  /** The kernel's message ids and the adversary's fragment ids, mapped to and from the tables'. */
  private readonly messageIds: Portable<Envelope>;
  private readonly fragmentIds: Portable<SignedPayload>;

  /**
   * The world decoded last, its node entries' ids and its network's bytes: its successors are
   * encoded next, and a node state (with its timers) or a network they share with it — the very
   * same object, which stands for one entry — is written as it was read.
   */
  private decoded: World | null = null;
  private readonly decodedIds: number[] = [];
  /** The network's bytes (the first `decodedNetLength`), copied: the caller may reuse the buffer it decoded from. */
  private decodedNet = new Uint8Array(64);
  private decodedNetLength = 0;
  /** The fields of the world being decoded, filled in for each: the world copies them, so one record serves every decoding. */
  private readonly fields: WorldFields;
  /** Start values of the bookkeeping, shared by the decoded worlds that have them. */
  private readonly allUp: readonly number[];
  private readonly zeros: readonly number[];
  private readonly noneUsed: readonly number[];

  constructor(
    private readonly k: Kernel,
    /** Whether the network keeps its messages in the canonical order of their content (every semantics but FIFO). */
    private readonly canonical: boolean,
    private readonly tables: Tables,
  ) {
    this.nodes = tables.nodes;
    const { index } = k.topology;
    const messages = k.messages;
    const viaKernel: LocalInterning<Envelope> = {
      keyHi: messages.keyHi,
      keyLo: messages.keyLo,
      get: (id) => messages.get(id),
      intern: (e) => messages.intern(e, index.get(e.from)!, index.get(e.to)!),
    };
    this.messageIds = new Portable(tables.messages, 'messages', () => viaKernel);
    this.fragmentIds = new Portable(tables.fragments, 'signed fragments', () => {
      const knowledge = k.knowledge;
      if (!knowledge) throw new Error('internal error: an encoded world has signed knowledge, but this model has no signed Byzantine nodes');
      return { keyHi: knowledge.keyHi, keyLo: knowledge.keyLo, get: (id) => knowledge.fragments[id], intern: (f) => knowledge.intern(f) };
    });
    this.allUp = Array<number>(k.n).fill(UP);
    this.zeros = Array<number>(k.n).fill(0);
    this.noneUsed = Array<number>(this.counters).fill(0);
    this.fields = {
      states: [],
      timers: [],
      nodeHash: [],
      nodeSumHi: undefined,
      nodeSumLo: undefined,
      net: null,
      status: this.allUp,
      traitors: 0,
      time: 0,
      offsets: this.zeros,
      partition: 0,
      used: this.noneUsed,
      round: 0,
      cursor: 0,
      knowledge: NO_KNOWLEDGE,
    };
  }

  share(): WorldCodecShare {
    const { nodes, messages, fragments } = this.tables;
    return { kind: KIND, nodes: nodes.share(), messages: messages.share(), fragments: fragments.share() };
  }

  get tableBytes(): number {
    return Object.values(this.tables).reduce((sum, t) => sum + t.bytes, 0);
  }

  save(dir: string): void {
    for (const [name, file] of Object.entries(FILES)) this.tables[name as keyof Tables].save(join(dir, file));
  }

  encode(world: World): Uint8Array {
    const { k, w } = this;
    const n = k.n;
    w.length = 0;
    let flags = 0;
    if (anyBut(world.status, UP)) flags |= F_STATUS;
    if (anyBut(world.offsets, 0)) flags |= F_OFFSETS;
    if (anyBut(world.used, 0)) flags |= F_USED;
    if (world.traitors !== 0) flags |= F_TRAITORS;
    if (world.time !== 0) flags |= F_TIME;
    if (world.partition !== 0) flags |= F_PARTITION;
    if (world.round !== 0 || world.cursor !== 0) flags |= F_ROUND;
    if (world.knowledge.length > 0) flags |= F_KNOWLEDGE;
    w.uint(flags);
    // A successor of the world decoded last shares most of its parts with it (the same objects):
    // those are written as they were read.
    const parent = this.decoded;
    for (let i = 0; i < n; i++) {
      const same = parent !== null && world.states[i] === parent.states[i] && world.timers[i] === parent.timers[i];
      w.uint(same ? this.decodedIds[i] : this.entryId(world, i));
    }
    if (parent !== null && world.net === parent.net) w.raw(this.decodedNet, this.decodedNetLength);
    else this.encodeNetwork(k.net.all(world.net));
    if (flags & F_STATUS) for (let i = 0; i < n; i++) w.uint(world.status[i]);
    if (flags & F_OFFSETS) for (let i = 0; i < n; i++) w.int(world.offsets[i]);
    if (flags & F_USED) for (let i = 0; i < this.counters; i++) w.uint(world.used[i]);
    if (flags & F_TRAITORS) w.uint(world.traitors);
    if (flags & F_TIME) w.uint(world.time);
    if (flags & F_PARTITION) w.uint(world.partition);
    if (flags & F_ROUND) (w.uint(world.round), w.uint(world.cursor));
    if (flags & F_KNOWLEDGE) {
      w.uint(world.knowledge.length);
      for (const x of world.knowledge) w.uint(this.fragmentIds.shared(x));
    }
    return w.bytes.slice(0, w.length);
  }

  decode(bytes: Uint8Array): World {
    const { k } = this;
    const n = k.n;
    const r = this.r.reset(bytes);
    const flags = r.uint();
    // States of a level come mostly in runs of one parent's successors, which share most parts:
    // the parts of the world decoded last that are the same here are taken as they are, and the
    // node sums are updated by the terms of the nodes that differ.
    const last = this.decoded;
    let states: unknown[];
    let timers: (readonly Timer[])[];
    let nodeHash: number[];
    let sumHi: number | undefined;
    let sumLo: number | undefined;
    if (last === null) {
      states = Array<unknown>(n);
      timers = Array<readonly Timer[]>(n);
      nodeHash = Array<number>(2 * n);
      for (let i = 0; i < n; i++) this.decodeEntry(i, r.uint(), states, timers, nodeHash);
    } else {
      states = last.states.slice();
      timers = last.timers.slice();
      nodeHash = last.nodeHash.slice();
      sumHi = last.nodeSumHi;
      sumLo = last.nodeSumLo;
      for (let i = 0; i < n; i++) {
        const id = r.uint();
        if (id === this.decodedIds[i]) continue;
        const oldHi = nodeHash[2 * i];
        const oldLo = nodeHash[2 * i + 1];
        this.decodeEntry(i, id, states, timers, nodeHash);
        sumHi = (sumHi + nodeTermDeltaHi(i, oldHi, nodeHash[2 * i])) | 0;
        sumLo = (sumLo + nodeTermDeltaLo(i, oldHi, oldLo, nodeHash[2 * i], nodeHash[2 * i + 1])) | 0;
      }
    }
    const sameNet = last !== null && startsWith(bytes, r.at, this.decodedNet, this.decodedNetLength);
    let net: unknown;
    if (sameNet) {
      net = last.net;
      r.at += this.decodedNetLength;
    } else {
      const netStart = r.at;
      net = k.net.of(this.decodeNetwork(r));
      this.keepNet(bytes, netStart, r.at);
    }
    const status = flags & F_STATUS ? r.list(n) : this.allUp;
    const offsets = flags & F_OFFSETS ? r.list(n, true) : this.zeros;
    const used = flags & F_USED ? r.list(this.counters) : this.noneUsed;
    const traitors = flags & F_TRAITORS ? r.uint() : 0;
    const time = flags & F_TIME ? r.uint() : 0;
    const partition = flags & F_PARTITION ? r.uint() : 0;
    const round = flags & F_ROUND ? r.uint() : 0;
    const cursor = flags & F_ROUND ? r.uint() : 0;
    let knowledge = NO_KNOWLEDGE;
    if (flags & F_KNOWLEDGE) {
      const ids = r.list(r.uint());
      for (let i = 0; i < ids.length; i++) ids[i] = this.fragmentIds.localId(ids[i]);
      knowledge = ids;
    }
    if (!r.done) throw new Error(`internal error: an encoded world has ${bytes.length - r.at} bytes too many`);
    const f = this.fields;
    f.states = states;
    f.timers = timers;
    f.nodeHash = nodeHash;
    f.nodeSumHi = sumHi;
    f.nodeSumLo = sumLo;
    f.net = net;
    f.status = status;
    f.traitors = traitors;
    f.time = time;
    f.offsets = offsets;
    f.partition = partition;
    f.used = used;
    f.round = round;
    f.cursor = cursor;
    f.knowledge = knowledge;
    const world = k.make(f);
    if (sameNet) {
      world.netCount = last.netCount;
      world.netHi = last.netHi;
      world.netLo = last.netLo;
    }
    this.decoded = world;
    return world;
  }

  // ---- the network ----

  /**
   * The messages in flight: their table ids as a list, or — when the network's order is the
   * canonical order of its messages (not FIFO) and no message is in flight twice — as a bitmap of
   * table ids when that is shorter (two-phase commit's set of messages takes a few bytes). The
   * first varint says which: the count of ids, or the bitmap's length in bytes, shifted left by
   * one, with the low bit set for a bitmap.
   */
  private encodeNetwork(inFlight: readonly number[]): void {
    const { w, shared } = this;
    shared.length = inFlight.length;
    let largest = -1;
    let listBytes = 0;
    let distinct = true;
    for (let i = 0; i < inFlight.length; i++) {
      const id = this.messageIds.shared(inFlight[i]);
      shared[i] = id;
      largest = Math.max(largest, id);
      listBytes += varintLength(id);
      if (i > 0 && inFlight[i] === inFlight[i - 1]) distinct = false;
    }
    const bitmapBytes = (largest >> 3) + 1;
    if (this.canonical && distinct && inFlight.length > 0 && varintLength(bitmapBytes << 1) + bitmapBytes < varintLength(inFlight.length << 1) + listBytes) {
      w.uint((bitmapBytes << 1) | 1);
      const at = w.reserve(bitmapBytes);
      for (const id of shared) w.bytes[at + (id >> 3)] |= 1 << (id & 7);
    } else {
      w.uint(inFlight.length << 1);
      for (const id of shared) w.uint(id);
    }
  }

  /** Keep `bytes[from, to)`, the network just decoded. */
  private keepNet(bytes: Uint8Array, from: number, to: number): void {
    if (to - from > this.decodedNet.length) this.decodedNet = new Uint8Array(2 * (to - from));
    const kept = this.decodedNet;
    for (let j = from; j < to; j++) kept[j - from] = bytes[j];
    this.decodedNetLength = to - from;
  }

  /** The kernel's ids of the messages in flight, in the network's order. */
  private decodeNetwork(r: Reader): number[] {
    const head = r.uint();
    const ids: number[] = [];
    if ((head & 1) === 0) {
      for (let m = head >>> 1; m > 0; m--) ids.push(this.messageIds.localId(r.uint()));
      return ids;
    }
    const bitmap = r.take(head >>> 1);
    for (let byte = 0; byte < bitmap.length; byte++) {
      for (let bit = 0; bit < 8; bit++) if (bitmap[byte] & (1 << bit)) ids.push(this.messageIds.localId(byte * 8 + bit));
    }
    // The table's ids follow the order threads met the messages in; the network's is by content:
    // an insertion sort (a world has a few messages in flight).
    const { keyHi, keyLo } = this.k.messages;
    for (let i = 1; i < ids.length; i++) {
      const x = ids[i];
      const hi = keyHi[x];
      const lo = keyLo[x];
      let j = i - 1;
      while (j >= 0 && (keyHi[ids[j]] > hi || (keyHi[ids[j]] === hi && keyLo[ids[j]] > lo))) {
        ids[j + 1] = ids[j];
        j--;
      }
      ids[j + 1] = x;
    }
    return ids;
  }

  // ---- node entries ----

  /** The table id of node `i`'s entry in `world`. */
  private entryId(world: World, i: number): number {
    const state = world.states[i];
    const timers = world.timers[i];
    const hi = world.nodeHash[2 * i];
    const lo = world.nodeHash[2 * i + 1];
    let id: number;
    const local = this.entryByKey.get(hi, lo);
    if (local >= 0) id = this.entryIds[local];
    else {
      const r = this.nodes.intern(hi, lo, () => serialize([state, timers]));
      id = r < 0 ? -1 - r : r;
      this.entryIds[this.entryByKey.add(hi, lo)] = id;
      if (r >= 0) this.entries[id] = { state, timers: timers.length === 0 ? NO_TIMERS : timers, hi, lo };
    }
    const stored = this.entry(id);
    // The stored values themselves (a decoded world's), or the values last checked at this node.
    if (stored.state === state && (stored.timers === timers || (timers.length === 0 && stored.timers.length === 0))) return id;
    if (this.lastChecked[i] === state && this.lastTimers[i] === timers && this.lastId[i] === id) return id;
    if (!sameData(stored.state, state) || !sameData(stored.timers, timers)) {
      throw collision(`states of node ${this.k.ids[i]}`, [stored.state, stored.timers], [state, timers]);
    }
    this.lastChecked[i] = state;
    this.lastTimers[i] = timers;
    this.lastId[i] = id;
    return id;
  }

  /** Node `i`'s entry `id`, decoded into a world's parts. */
  private decodeEntry(i: number, id: number, states: unknown[], timers: (readonly Timer[])[], nodeHash: number[]): void {
    const e = this.entry(id);
    this.decodedIds[i] = id;
    states[i] = e.state;
    timers[i] = e.timers;
    nodeHash[2 * i] = e.hi;
    nodeHash[2 * i + 1] = e.lo;
  }

  /** The entry with table id `id`, decoded once per thread. */
  private entry(id: number): Entry {
    let e = this.entries[id];
    if (e === undefined) {
      const [state, timers] = deserialize(this.nodes.value(id)) as [unknown, Timer[]];
      e = { state, timers: timers.length === 0 ? NO_TIMERS : timers, hi: this.nodes.keyHi(id), lo: this.nodes.keyLo(id) };
      this.entries[id] = e;
    }
    return e;
  }
}

/** A process-local interning — the kernel's messages, the adversary's signed fragments — as its values, ids and content keys. */
interface LocalInterning<V> {
  readonly keyHi: readonly number[];
  readonly keyLo: readonly number[];
  get(id: number): V;
  /** The local id of `value`, interning it when new. */
  intern(value: V): number;
}

/**
 * A local interning seen through a shared table: the local ids of this thread and the table's
 * portable ids, mapped both ways (per-thread caches), each value checked structurally against
 * the table's when this thread first meets its key there.
 */
class Portable<V> {
  private readonly sharedOf: number[] = [];
  private readonly localOf: number[] = [];

  constructor(
    private readonly table: InternTable,
    /** What the values are, for messages: `messages`, `signed fragments`. */
    private readonly what: string,
    private readonly local: () => LocalInterning<V>,
  ) {}

  /** The table id of local id `id`. */
  shared(id: number): number {
    const known = this.sharedOf[id];
    if (known !== undefined) return known;
    const local = this.local();
    const value = local.get(id);
    const r = this.table.intern(local.keyHi[id], local.keyLo[id], () => serialize(value));
    const shared = r < 0 ? -1 - r : r;
    if (r < 0) {
      const stored = deserialize(this.table.value(shared));
      if (!sameData(stored, value)) throw collision(this.what, stored, value);
    }
    this.sharedOf[id] = shared;
    this.localOf[shared] = id;
    return shared;
  }

  /** The local id of table id `shared`, interning its value here when this thread meets it first. */
  localId(shared: number): number {
    const known = this.localOf[shared];
    if (known !== undefined) return known;
    const local = this.local();
    const value = deserialize(this.table.value(shared)) as V;
    const id = local.intern(value);
    if (local.keyHi[id] !== this.table.keyHi(shared) || local.keyLo[id] !== this.table.keyLo(shared)) {
      throw new Error(`internal error: ${this.what} ${JSON.stringify(value)} have another fingerprint after decoding`);
    }
    if (!sameData(local.get(id), value)) throw collision(this.what, local.get(id), value);
    this.sharedOf[id] = shared;
    this.localOf[shared] = id;
    return id;
  }
}

/**
 * The codec of a compiled protocol's worlds (`Model.codec`): fresh tables, another thread's
 * (`share`), or the tables a checkpoint saved in `savedIn`.
 */
export function worldCodec(k: Kernel, network: NetworkSemantics, share?: CodecShare, savedIn?: string): WorldCodec {
  const canonical = network !== 'fifo';
  const names = Object.keys(FILES) as (keyof Tables)[];
  const tables = (make: (name: keyof Tables) => InternTable) => Object.fromEntries(names.map((name) => [name, make(name)])) as Tables;
  if (share !== undefined) {
    if (share.kind !== KIND) throw new Error(`internal error: a protocol model was given a codec share of kind "${share.kind}"`);
    return new WorldCodec(k, canonical, tables((name) => new InternTable((share as WorldCodecShare)[name])));
  }
  if (savedIn !== undefined) return new WorldCodec(k, canonical, tables((name) => InternTable.load(join(savedIn, FILES[name]))));
  return new WorldCodec(k, canonical, tables(() => new InternTable()));
}
