/**
 * In-flight messages under the three delivery semantics. Messages are interned: each distinct
 * envelope gets a small integer id, and a network is an immutable array of ids kept in a
 * canonical order (by the envelope's content fingerprint, not by id), so equal networks are
 * equal arrays and deliveries are enumerated in an order that does not depend on how the
 * search happened to meet the messages — a trace replays the same in a fresh process.
 */
import { FingerprintSet } from '../state/fingerprint-set.ts';
import { fingerprintInto, fmix } from '../state/fingerprint.ts';
import type { NetworkSemantics } from './faults.ts';
import type { Envelope, Payload } from './types.ts';

/** Interning table of envelopes for one compiled model. */
export class MessageTable<M extends Payload = Payload> {
  readonly envelopes: Envelope<M>[] = [];
  /** Node indices of each message's sender and recipient. */
  readonly sender: number[] = [];
  readonly recipient: number[] = [];
  private readonly index = new FingerprintSet(1024);
  /**
   * Each message's content fingerprint. Ids depend on the order a process met the messages in;
   * these do not, so the network's identity is built from them and is the same in every thread
   * and process that explores the model.
   */
  readonly keyHi: number[] = [];
  readonly keyLo: number[] = [];
  /** Each message's term in a multiset's fingerprint (`multisetTermHi/Lo` of its key), computed once. */
  readonly termHi: number[] = [];
  readonly termLo: number[] = [];
  private readonly fp = new Int32Array(2);

  /** The id of an envelope between the nodes with indices `from` and `to`, adding it when new. */
  intern(e: Envelope<M>, from: number, to: number): number {
    fingerprintInto(e, this.fp);
    const r = this.index.add(this.fp[0], this.fp[1]);
    if (r < 0) return -1 - r;
    this.envelopes.push(e);
    this.sender.push(from);
    this.recipient.push(to);
    this.keyHi.push(this.fp[0]);
    this.keyLo.push(this.fp[1]);
    this.termHi.push(multisetTermHi(this.fp[0]));
    this.termLo.push(multisetTermLo(this.fp[0], this.fp[1]));
    return r;
  }

  get(id: number): Envelope<M> {
    return this.envelopes[id];
  }

  /** Canonical order of two message ids (content-based, total). */
  compare(a: number, b: number): number {
    return this.keyHi[a] - this.keyHi[b] || this.keyLo[a] - this.keyLo[b];
  }
}

/** Semantics-specific operations on an immutable network value. */
export interface Network {
  readonly empty: unknown;
  /** After sending message `id`. */
  send(net: unknown, id: number): unknown;
  /** Distinct messages that may be delivered next, in canonical order. */
  deliverable(net: unknown): readonly number[];
  /** After delivering `id` (consumes it, except in a set). */
  deliver(net: unknown, id: number): unknown;
  /** Distinct messages that may be lost, in canonical order. */
  droppable(net: unknown): readonly number[];
  /** After losing one copy of `id`. */
  drop(net: unknown, id: number): unknown;
  /** After duplicating one copy of `id` (not for `set`). */
  duplicate(net: unknown, id: number): unknown;
  /** After losing every message for which `lost` holds. */
  lose(net: unknown, lost: (id: number) => boolean): unknown;
  /** Every in-flight message with multiplicity, in canonical (fifo: channel) order. */
  all(net: unknown): readonly number[];
  /** The network whose `all` is `ids` (the inverse of `all`: how a decoded world gets its network back). */
  of(ids: readonly number[]): unknown;
  /** Feed the network's identity to a fingerprint under construction. */
  encode(net: unknown, out: IntSink): void;
  /**
   * How a successor's network identity is known without building it, where the semantics
   * allows (null for FIFO, whose identity is its queues in order).
   */
  readonly summed: SummedIdentity | null;
}

/**
 * The identity of a network whose messages' order does not matter (set, unordered): the message
 * count and the lane-wise sums of the messages' terms — what `encode` feeds (`feedSummed`). A
 * step changes it by the terms of what it delivers and sends, so a successor's identity follows
 * from its parent's without building the successor's network.
 */
export interface SummedIdentity {
  /** Write the identity of `net` as [count, hi, lo] into `out`. */
  of(net: unknown, out: Int32Array): void;
  /**
   * Write into `out` the [count, hi, lo] of the network after delivering `delivered` (-1 for
   * none) from `net`, whose identity is `count, hi, lo`, and then sending `sent[0 … sentCount)`.
   */
  after(net: unknown, count: number, hi: number, lo: number, delivered: number, sent: readonly number[], sentCount: number, out: Int32Array): void;
}

/** How a summed network identity (see `SummedIdentity`) enters a fingerprint: the count, then the sums. */
export function feedSummed(out: IntSink, count: number, hi: number, lo: number): void {
  out.int(count);
  out.pair(hi, lo);
}

/** Where a network writes its identity (an `IntHasher`). */
export interface IntSink {
  int(x: number): void;
  pair(hi: number, lo: number): void;
}

const EMPTY: readonly number[] = Object.freeze([]);

/**
 * A message's term in the fingerprint of a multiset of messages, from its content key: the
 * multiset's fingerprint is the count and the lane-wise sums of its members' terms, which needs
 * no order (what `fingerprint.ts` does for Sets and Maps). Each lane is a full avalanche of the
 * key, so two different multisets collide only by chance.
 */
export function multisetTermHi(keyHi: number): number {
  return fmix(keyHi ^ 0x2545f491);
}

export function multisetTermLo(keyHi: number, keyLo: number): number {
  return fmix(keyLo ^ multisetTermHi(keyHi));
}

/** Distinct values of a sorted array. */
function distinct(sorted: readonly number[]): readonly number[] {
  if (sorted.length < 2) return sorted;
  const out: number[] = [sorted[0]];
  for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[i - 1]) out.push(sorted[i]);
  return out;
}

function removeAt(xs: readonly number[], i: number): readonly number[] {
  if (xs.length === 1) return EMPTY;
  const out = new Array<number>(xs.length - 1);
  for (let j = 0; j < i; j++) out[j] = xs[j];
  for (let j = i + 1; j < xs.length; j++) out[j - 1] = xs[j];
  return out;
}

function insertAt(xs: readonly number[], i: number, id: number): readonly number[] {
  const out = new Array<number>(xs.length + 1);
  for (let j = 0; j < i; j++) out[j] = xs[j];
  out[i] = id;
  for (let j = i; j < xs.length; j++) out[j + 1] = xs[j];
  return out;
}

/** A multiset (`unordered`) or a set (`set`) kept as a sorted array of ids. */
function sortedNetwork(table: MessageTable, multiset: boolean): Network {
  const scratch = new Int32Array(3);
  const { termHi, termLo } = table;
  const summed: SummedIdentity = {
    of: (net, out) => {
      const xs = net as readonly number[];
      let hi = 0;
      let lo = 0;
      for (let i = 0; i < xs.length; i++) {
        hi = (hi + termHi[xs[i]]) | 0;
        lo = (lo + termLo[xs[i]]) | 0;
      }
      out[0] = xs.length;
      out[1] = hi;
      out[2] = lo;
    },
    after: (net, count, hi, lo, delivered, sent, sentCount, out) => {
      // A multiset loses the copy delivered and gains every copy sent; a set keeps what is
      // delivered and gains only what it does not hold yet (once, however often it is sent).
      if (multiset && delivered >= 0) {
        count--;
        hi = (hi - termHi[delivered]) | 0;
        lo = (lo - termLo[delivered]) | 0;
      }
      for (let i = 0; i < sentCount; i++) {
        const id = sent[i];
        if (!multiset && (has(net as readonly number[], id) || (i > 0 && sent.lastIndexOf(id, i - 1) >= 0))) continue;
        count++;
        hi = (hi + termHi[id]) | 0;
        lo = (lo + termLo[id]) | 0;
      }
      out[0] = count;
      out[1] = hi;
      out[2] = lo;
    },
  };
  /** Where `id` is, or would go, in the sorted `xs` (by binary search in the canonical order). */
  const position = (xs: readonly number[], id: number): number => {
    let lo = 0;
    let hi = xs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (table.compare(xs[mid], id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  /** Whether the sorted `xs` holds `id`. */
  const has = (xs: readonly number[], id: number): boolean => xs[position(xs, id)] === id;
  const insert = (xs: readonly number[], id: number): readonly number[] => {
    const at = position(xs, id);
    if (!multiset && xs[at] === id) return xs;
    return insertAt(xs, at, id);
  };
  const removeOne = (xs: readonly number[], id: number): readonly number[] => {
    const i = xs.indexOf(id);
    return i < 0 ? xs : removeAt(xs, i);
  };
  return {
    empty: EMPTY,
    send: (net, id) => insert(net as readonly number[], id),
    deliverable: (net) => (multiset ? distinct(net as readonly number[]) : (net as readonly number[])),
    deliver: (net, id) => (multiset ? removeOne(net as readonly number[], id) : net),
    droppable: (net) => (multiset ? distinct(net as readonly number[]) : (net as readonly number[])),
    drop: (net, id) => removeOne(net as readonly number[], id),
    duplicate: (net, id) => insert(net as readonly number[], id),
    lose: (net, lost) => {
      const xs = net as readonly number[];
      return xs.some(lost) ? xs.filter((id) => !lost(id)) : xs;
    },
    all: (net) => net as readonly number[],
    of: (ids) => (ids.length === 0 ? EMPTY : ids),
    // The count and the sums of the messages' terms: a few additions per message, not a hash
    // round (the network is most of a world's identity stream).
    encode: (net, out) => {
      summed.of(net, scratch);
      feedSummed(out, scratch[0], scratch[1], scratch[2]);
    },
    summed,
  };
}

/**
 * Per-channel FIFO queues: an array indexed by channel (sender × recipient) of id queues; only
 * the head of a channel can be delivered.
 */
function fifoNetwork(table: MessageTable, nodeCount: number): Network {
  const channel = (id: number): number => table.sender[id] * nodeCount + table.recipient[id];
  const emptyNet: readonly (readonly number[])[] = Object.freeze(Array.from({ length: nodeCount * nodeCount }, () => EMPTY));
  const withQueue = (net: readonly (readonly number[])[], ch: number, q: readonly number[]) => {
    const copy = net.slice();
    copy[ch] = q;
    return copy;
  };
  const ids = (net: unknown) => (net as readonly (readonly number[])[]).flat();
  const sorted = (xs: readonly number[]) => [...new Set(xs)].sort((a, b) => table.compare(a, b));
  return {
    empty: emptyNet,
    send: (net, id) => {
      const n = net as readonly (readonly number[])[];
      const ch = channel(id);
      return withQueue(n, ch, [...n[ch], id]);
    },
    deliverable: (net) => sorted((net as readonly (readonly number[])[]).filter((q) => q.length > 0).map((q) => q[0])),
    deliver: (net, id) => {
      const n = net as readonly (readonly number[])[];
      const ch = channel(id);
      return withQueue(n, ch, removeAt(n[ch], 0));
    },
    droppable: (net) => sorted(ids(net)),
    drop: (net, id) => {
      const n = net as readonly (readonly number[])[];
      const ch = channel(id);
      return withQueue(n, ch, removeAt(n[ch], n[ch].indexOf(id)));
    },
    duplicate: (net, id) => {
      // The copy arrives right after the original, so the channel stays in order.
      const n = net as readonly (readonly number[])[];
      const ch = channel(id);
      const q = n[ch];
      const i = q.indexOf(id);
      return withQueue(n, ch, [...q.slice(0, i + 1), id, ...q.slice(i + 1)]);
    },
    lose: (net, lost) => {
      const n = net as readonly (readonly number[])[];
      if (!n.some((q) => q.some(lost))) return n;
      return n.map((q) => (q.some(lost) ? q.filter((id) => !lost(id)) : q));
    },
    all: ids,
    of: (xs) => {
      if (xs.length === 0) return emptyNet;
      const net = emptyNet.slice();
      for (const id of xs) {
        const ch = channel(id);
        if (net[ch] === EMPTY) net[ch] = [];
        (net[ch] as number[]).push(id);
      }
      return net;
    },
    encode: (net, out) => {
      const n = net as readonly (readonly number[])[];
      for (let ch = 0; ch < n.length; ch++) {
        const q = n[ch];
        if (q.length === 0) continue;
        out.int(ch);
        out.int(q.length);
        for (let i = 0; i < q.length; i++) out.pair(table.keyHi[q[i]], table.keyLo[q[i]]);
      }
      out.int(-1);
    },
    summed: null,
  };
}

export function network(semantics: NetworkSemantics, table: MessageTable, nodeCount: number): Network {
  if (semantics === 'fifo') return fifoNetwork(table, nodeCount);
  return sortedNetwork(table, semantics === 'unordered');
}
