/**
 * The compact encoding of a protocol's worlds: a world as a short vector of varints.
 *
 * After LTSmin's tree compression, the parts of a state that repeat across millions of states
 * are stored once, in tables shared by every thread of a search, and a state refers to them by
 * small ids: each node's (state, timers) entry, each message envelope, and each signed fragment
 * the traitors know. The rest of a world is a handful of small numbers. Two-phase commit's nine
 * nodes and their messages thus take a few dozen bytes instead of an object graph of hundreds.
 *
 * Layout: a flags byte saying which bookkeeping differs from its start value, the n node entry
 * ids, the number of messages in flight and their ids (in the network's canonical order), then —
 * only where the flags say so — status, clock offsets, fault counters, traitors, time, partition,
 * round and cursor, and the traitors' signed knowledge. Self-delimiting: the shape is the model's.
 *
 * The tables are keyed by content fingerprints: a node entry by the fingerprint the kernel keeps
 * of it (`World.nodeHash`), a message by the network's content key, a fragment by the adversary's.
 * Message and fragment ids in a world are this thread's own interning ids; the tables' ids are
 * the portable ones, mapped both ways by per-thread caches.
 *
 * Never merge two different values: a thread that finds a key in a table for a value it did not
 * put there itself compares the two structurally (state/equality.ts) — once per value object it
 * meets — and a 64-bit collision between different values ends the run as an internal error.
 */
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { CodecShare, StateCodec } from '../state/codec.ts';
import { sameData } from '../state/equality.ts';
import { FingerprintSet } from '../state/fingerprint-set.ts';
import { InternTable, type InternTableShare } from '../state/intern-table.ts';
import type { SignedPayload, Envelope } from './types.ts';
import { NO_TIMERS, type Kernel } from './kernel.ts';
import { UP, USED, type Timer, type World } from './world.ts';

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

/** A node's entry as stored: its state and armed timers. */
type Entry = readonly [state: unknown, timers: readonly Timer[]];

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
}

class Reader {
  at = 0;
  constructor(private readonly bytes: Uint8Array) {}

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
}

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null;

export class WorldCodec implements StateCodec<World> {
  private readonly nodes: InternTable;
  private readonly messages: InternTable;
  private readonly fragments: InternTable;
  private readonly w = new Writer();
  /** The number of fault counters (`World.used`). */
  private readonly counters = Object.keys(USED).length;

  // ---- per-thread caches ----
  /** Node entries by table id, decoded (or put in by this thread). */
  private readonly entries: Entry[] = [];
  /** Table id of a node entry by its key, for entries this thread has met. */
  private readonly entryByKey = new FingerprintSet(256);
  private readonly entryIds: number[] = [];
  /** Table id of a node state object this thread has checked, with the timers it was checked with. */
  private readonly checked = new WeakMap<object, { readonly timers: readonly Timer[]; readonly id: number }>();
  /** Message table id by the kernel's message id, and back (-1 or absent: not yet met). */
  private readonly sharedMessage: number[] = [];
  private readonly localMessage: number[] = [];
  private readonly sharedFragment: number[] = [];
  private readonly localFragment: number[] = [];

  /** Start values of the bookkeeping, shared by the decoded worlds that have them. */
  private readonly allUp: readonly number[];
  private readonly zeros: readonly number[];
  private readonly noneUsed: readonly number[];

  constructor(
    private readonly k: Kernel,
    tables: { nodes: InternTable; messages: InternTable; fragments: InternTable },
  ) {
    this.nodes = tables.nodes;
    this.messages = tables.messages;
    this.fragments = tables.fragments;
    this.allUp = Array<number>(k.n).fill(UP);
    this.zeros = Array<number>(k.n).fill(0);
    this.noneUsed = Array<number>(this.counters).fill(0);
  }

  share(): WorldCodecShare {
    return { kind: KIND, nodes: this.nodes.share(), messages: this.messages.share(), fragments: this.fragments.share() };
  }

  get tableBytes(): number {
    return this.nodes.bytes + this.messages.bytes + this.fragments.bytes;
  }

  save(dir: string): void {
    this.nodes.save(join(dir, FILES.nodes));
    this.messages.save(join(dir, FILES.messages));
    this.fragments.save(join(dir, FILES.fragments));
  }

  encode(world: World): Uint8Array {
    const { k, w } = this;
    const n = k.n;
    w.length = 0;
    let flags = 0;
    if (world.status.some((x) => x !== UP)) flags |= F_STATUS;
    if (world.offsets.some((x) => x !== 0)) flags |= F_OFFSETS;
    if (world.used.some((x) => x !== 0)) flags |= F_USED;
    if (world.traitors !== 0) flags |= F_TRAITORS;
    if (world.time !== 0) flags |= F_TIME;
    if (world.partition !== 0) flags |= F_PARTITION;
    if (world.round !== 0 || world.cursor !== 0) flags |= F_ROUND;
    if (world.knowledge.length > 0) flags |= F_KNOWLEDGE;
    w.uint(flags);
    for (let i = 0; i < n; i++) w.uint(this.entryId(world, i));
    const inFlight = k.net.all(world.net);
    w.uint(inFlight.length);
    for (let i = 0; i < inFlight.length; i++) w.uint(this.messageId(inFlight[i]));
    if (flags & F_STATUS) for (let i = 0; i < n; i++) w.uint(world.status[i]);
    if (flags & F_OFFSETS) for (let i = 0; i < n; i++) w.int(world.offsets[i]);
    if (flags & F_USED) for (let i = 0; i < this.counters; i++) w.uint(world.used[i]);
    if (flags & F_TRAITORS) w.uint(world.traitors);
    if (flags & F_TIME) w.uint(world.time);
    if (flags & F_PARTITION) w.uint(world.partition);
    if (flags & F_ROUND) (w.uint(world.round), w.uint(world.cursor));
    if (flags & F_KNOWLEDGE) {
      w.uint(world.knowledge.length);
      for (const x of world.knowledge) w.uint(this.fragmentId(x));
    }
    return w.bytes.slice(0, w.length);
  }

  decode(bytes: Uint8Array): World {
    const { k } = this;
    const n = k.n;
    const r = new Reader(bytes);
    const flags = r.uint();
    const states = Array<unknown>(n);
    const timers = Array<readonly Timer[]>(n);
    const nodeHash = Array<number>(2 * n);
    for (let i = 0; i < n; i++) {
      const id = r.uint();
      const [state, armed] = this.entry(id);
      states[i] = state;
      timers[i] = armed;
      nodeHash[2 * i] = this.nodes.keyHi(id);
      nodeHash[2 * i + 1] = this.nodes.keyLo(id);
    }
    let net = k.net.empty;
    for (let m = r.uint(); m > 0; m--) net = k.net.send(net, this.localMessageOf(r.uint()));
    const list = (count: number, read: () => number) => Array.from({ length: count }, read);
    const status = flags & F_STATUS ? list(n, () => r.uint()) : this.allUp;
    const offsets = flags & F_OFFSETS ? list(n, () => r.int()) : this.zeros;
    const used = flags & F_USED ? list(this.counters, () => r.uint()) : this.noneUsed;
    const traitors = flags & F_TRAITORS ? r.uint() : 0;
    const time = flags & F_TIME ? r.uint() : 0;
    const partition = flags & F_PARTITION ? r.uint() : 0;
    const round = flags & F_ROUND ? r.uint() : 0;
    const cursor = flags & F_ROUND ? r.uint() : 0;
    const knowledge = flags & F_KNOWLEDGE ? list(r.uint(), () => this.localFragmentOf(r.uint())) : [];
    if (r.at !== bytes.length) throw new Error(`internal error: an encoded world has ${bytes.length - r.at} bytes too many`);
    return k.make({ states, timers, nodeHash, net, status, traitors, time, offsets, partition, used, round, cursor, knowledge });
  }

  // ---- node entries ----

  /** The table id of node `i`'s entry in `world`. */
  private entryId(world: World, i: number): number {
    const state = world.states[i];
    const timers = world.timers[i];
    if (isObject(state)) {
      const seen = this.checked.get(state);
      if (seen !== undefined && seen.timers === timers) return seen.id;
    }
    const hi = world.nodeHash[2 * i];
    const lo = world.nodeHash[2 * i + 1];
    let id: number;
    const local = this.entryByKey.get(hi, lo);
    if (local >= 0) id = this.entryIds[local];
    else {
      const r = this.nodes.intern(hi, lo, () => serialize([state, timers]));
      id = r < 0 ? -1 - r : r;
      this.entryIds[this.entryByKey.add(hi, lo)] = id;
      if (r >= 0) this.entries[id] = [state, timers.length === 0 ? NO_TIMERS : timers];
    }
    const [stored, storedTimers] = this.entry(id);
    if (stored !== state || storedTimers !== timers) {
      if (!sameData(stored, state) || !sameData(storedTimers, timers)) throw collision(`states of node ${this.k.ids[i]}`, [stored, storedTimers], [state, timers]);
    }
    if (isObject(state)) this.checked.set(state, { timers, id });
    return id;
  }

  /** The entry with table id `id`, decoded once per thread. */
  private entry(id: number): Entry {
    let e = this.entries[id];
    if (e === undefined) {
      const [state, timers] = deserialize(this.nodes.value(id)) as [unknown, Timer[]];
      e = [state, timers.length === 0 ? NO_TIMERS : timers];
      this.entries[id] = e;
    }
    return e;
  }

  // ---- messages ----

  /** The table id of the kernel's message `local`. */
  private messageId(local: number): number {
    const known = this.sharedMessage[local];
    if (known !== undefined) return known;
    const table = this.k.messages;
    const envelope = table.get(local);
    const r = this.messages.intern(table.keyHi[local], table.keyLo[local], () => serialize(envelope));
    const id = r < 0 ? -1 - r : r;
    if (r < 0) {
      const stored = deserialize(this.messages.value(id));
      if (!sameData(stored, envelope)) throw collision('messages', stored, envelope);
    }
    this.sharedMessage[local] = id;
    this.localMessage[id] = local;
    return id;
  }

  /** The kernel's id of the message with table id `id`, interning its envelope here when this thread meets it first. */
  private localMessageOf(id: number): number {
    const known = this.localMessage[id];
    if (known !== undefined) return known;
    const envelope = deserialize(this.messages.value(id)) as Envelope;
    const { index } = this.k.topology;
    const table = this.k.messages;
    const local = table.intern(envelope, index.get(envelope.from)!, index.get(envelope.to)!);
    if (table.keyHi[local] !== this.messages.keyHi(id) || table.keyLo[local] !== this.messages.keyLo(id)) {
      throw new Error(`internal error: message ${JSON.stringify(envelope)} has another fingerprint after decoding`);
    }
    if (!sameData(table.get(local), envelope)) throw collision('messages', table.get(local), envelope);
    this.sharedMessage[local] = id;
    this.localMessage[id] = local;
    return local;
  }

  // ---- signed fragments ----

  private fragmentId(local: number): number {
    const known = this.sharedFragment[local];
    if (known !== undefined) return known;
    const knowledge = this.k.knowledge!;
    const fragment = knowledge.fragments[local];
    const r = this.fragments.intern(knowledge.keyHi[local], knowledge.keyLo[local], () => serialize(fragment));
    const id = r < 0 ? -1 - r : r;
    if (r < 0) {
      const stored = deserialize(this.fragments.value(id));
      if (!sameData(stored, fragment)) throw collision('signed fragments', stored, fragment);
    }
    this.sharedFragment[local] = id;
    this.localFragment[id] = local;
    return id;
  }

  private localFragmentOf(id: number): number {
    const known = this.localFragment[id];
    if (known !== undefined) return known;
    const knowledge = this.k.knowledge;
    if (!knowledge) throw new Error('internal error: an encoded world has signed knowledge, but this model has no signed Byzantine nodes');
    const fragment = deserialize(this.fragments.value(id)) as SignedPayload;
    const local = knowledge.intern(fragment);
    if (knowledge.keyHi[local] !== this.fragments.keyHi(id) || knowledge.keyLo[local] !== this.fragments.keyLo(id)) {
      throw new Error(`internal error: signed fragment ${JSON.stringify(fragment)} has another fingerprint after decoding`);
    }
    if (!sameData(knowledge.fragments[local], fragment)) throw collision('signed fragments', knowledge.fragments[local], fragment);
    this.sharedFragment[local] = id;
    this.localFragment[id] = local;
    return local;
  }
}

/**
 * The codec of a compiled protocol's worlds (`Model.codec`): fresh tables, another thread's
 * (`share`), or the tables a checkpoint saved in `savedIn`.
 */
export function worldCodec(k: Kernel, share?: CodecShare, savedIn?: string): WorldCodec {
  if (share !== undefined) {
    if (share.kind !== KIND) throw new Error(`internal error: a protocol model was given a codec share of kind "${share.kind}"`);
    const s = share as WorldCodecShare;
    return new WorldCodec(k, { nodes: new InternTable(s.nodes), messages: new InternTable(s.messages), fragments: new InternTable(s.fragments) });
  }
  if (savedIn !== undefined) {
    const load = (file: string) => InternTable.load(join(savedIn, file));
    return new WorldCodec(k, { nodes: load(FILES.nodes), messages: load(FILES.messages), fragments: load(FILES.fragments) });
  }
  return new WorldCodec(k, { nodes: new InternTable(), messages: new InternTable(), fragments: new InternTable() });
}
