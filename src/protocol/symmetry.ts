/**
 * Symmetry reduction for protocols (`--symmetry`): a protocol declares roles whose nodes are
 * interchangeable (`symmetric: ['rm']`), and each global state is identified by the fingerprint of
 * a canonical representative of its orbit under the permutations of those nodes. Breadth-first
 * search still keeps the concrete state it met first, so counterexamples stay concrete and replay.
 *
 * ## What a permutation does to a state
 * A permutation π of the node indices (within each class of interchangeable nodes) maps a world
 * `w` to its image `π·w`: node `i`'s state and timers become node `π(i)`'s, with every string equal
 * to a permuted node's id — as a value anywhere, an object key, a Set element or a Map key —
 * replaced by the id of its image; every message in flight is renamed the same way (sender,
 * recipient and payload); the fault bookkeeping follows (status, clock offsets, the Byzantine
 * placement, the partition's sides). Node ids are data: a state must refer to a node by its id,
 * never by its position (a `boolean[]` indexed by node order is not renamed, and makes the
 * declaration wrong).
 *
 * ## Why merging is sound
 * The canonical form of `w` is always `π·w` for some permutation π (the one `canonical` chooses),
 * so two states are merged only when one is the image of the other under a permutation of
 * interchangeable nodes. If the protocol is symmetric in those nodes — its handlers, `assume`,
 * `terminal`, `within`, `view`, properties and fault configuration treat them alike, which is what
 * the declaration asserts — then `π·w` has the images of `w`'s successors as its successors and the
 * same property values, so every reachable state is the image of an explored one with the same
 * verdicts (safety, deadlock and reachability). `faultline/testing`'s `checkSymmetry` tests that
 * assertion on a model's first states. Whatever permutation is chosen, nothing unsound is merged;
 * the choice only decides how much is merged.
 *
 * ## How the permutation is chosen, and when the reduction is exact
 * Each interchangeable node gets a colour, a 64-bit hash of what can be said of it without naming
 * it: its class, status, clock offset, Byzantine bit and partition side, its own state and timers
 * with its id abstracted, and every other part of the state that names it (another node's state, a
 * message), abstracted the same way (itself as "self", other interchangeable nodes as "some
 * node"). Colours are invariant under renaming, so sorting each class by colour and placing the
 * nodes in that order gives the same image for every state of an orbit — when the colours are all
 * distinct, or when nodes of equal colour are interchangeable in the state itself.
 *
 * The latter holds when no part of the state relates two interchangeable nodes to each other:
 * each message and each interchangeable node's state names at most one of them (itself), a fixed
 * node's state names several only at separate places (a Set of ids, a record keyed by ids, ids at
 * fixed positions), and the partition's sides are told apart by a fixed node or by their sizes.
 * Two-phase commit's RMs are such nodes. Then canonicalisation is one pass over the state and a
 * sort of each class (most of it cached per node state and per message), and exact — every orbit
 * has one representative, as TLC's `SYMMETRY`.
 *
 * When nodes relate to each other (a vote for a peer, a message between two servers), colours are
 * refined — each node's colour is rehashed with the colours of the nodes it is related to, until no
 * class splits further — and the orderings of nodes whose colours still tie are tried, up to
 * `MAX_CANDIDATES` of them, keeping the image with the smallest fingerprint: still exact, since the
 * set of images tried is the same for every state of the orbit. Past the cap the ties are broken by
 * node order, a choice that is sound but may leave several representatives of one orbit.
 */
import { InputError } from '../model/errors.ts';
import { fingerprintInto, fmix, type IntHasher } from '../state/fingerprint.ts';
import type { FaultConfig } from './faults.ts';
import type { Kernel } from './kernel.ts';
import { multisetTermHi, multisetTermLo } from './network.ts';
import type { Field } from './steps/source.ts';
import type { Protocol } from './types.ts';
import type { World, WorldFields } from './world.ts';

/** How many orderings of tied nodes are tried per state before ties are broken by node order. */
export const MAX_CANDIDATES = 5040;

/** Stands for any interchangeable node in a colour's abstraction of a value. */
const SOME_NODE = '\u0000node';
/** Stands for the node whose colour is being computed. */
const SELF = '\u0000self';

/**
 * The classes of interchangeable nodes (node indices, ascending, two or more each): the nodes of
 * each symmetric role, split by the fault configuration's lists of nodes that may crash, pause or
 * be Byzantine — a node on such a list is not interchangeable with one off it.
 */
export function symmetryClasses(k: Kernel, protocol: Protocol<any, any>, config: FaultConfig): number[][] {
  const lists = [config.crashNodes, config.pauseNodes, config.byzantineNodes].filter((l) => l.length > 0);
  const classes: number[][] = [];
  for (const role of protocol.symmetric ?? []) {
    const byKey = new Map<string, number[]>();
    for (const i of k.topology.byRole.get(role) ?? []) {
      const key = lists.map((l) => (l.includes(k.ids[i]) ? '1' : '0')).join('');
      const cls = byKey.get(key);
      if (cls) cls.push(i);
      else byKey.set(key, [i]);
    }
    for (const cls of byKey.values()) if (cls.length > 1) classes.push(cls);
  }
  return classes;
}

/** Why a configuration cannot be reduced by symmetry, or null. */
export function symmetryRefused(protocol: Protocol<any, any>, config: FaultConfig): string | null {
  if ((protocol.symmetric ?? []).length === 0) return 'the protocol declares no interchangeable nodes (symmetric roles)';
  if (config.byzantine > 0 && config.byzantineMode === 'signed') {
    return "signed Byzantine mode keeps the traitors' signed knowledge, which is not renamed: drop --symmetry";
  }
  if (config.byzantine > 0 && config.timing === 'rounds') {
    return "in rounds timing the traitors' choices follow node order, which renaming does not keep: drop --symmetry";
  }
  return null;
}

// ---- values with node ids -------------------------------------------------------------------

/** What a value says about node ids: which interchangeable nodes it names, and whether only at separate places. */
interface Scan {
  /** Bit i: the id of interchangeable node i occurs. */
  readonly mask: number;
  /**
   * Every id occurs at a place of its own: no unordered collection (Set, Map, record keyed by
   * ids) holds a compound element, or a value under an id key, that names an interchangeable node.
   */
  readonly separable: boolean;
}

const NONE: Scan = { mask: 0, separable: true };

/** Renames node ids inside plain data, and scans values for them (cached per object). */
class Renamer {
  private readonly scans = new WeakMap<object, Scan>();

  constructor(private readonly bit: ReadonlyMap<string, number>) {}

  scan(v: unknown): Scan {
    if (typeof v === 'string') {
      const b = this.bit.get(v);
      return b === undefined ? NONE : { mask: b, separable: true };
    }
    if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v) || (Array.isArray(v) && v.length === 0)) return NONE;
    let s = this.scans.get(v);
    if (s === undefined) {
      s = this.walk(v);
      this.scans.set(v, s);
    }
    return s;
  }

  private walk(v: object): Scan {
    let mask = 0;
    let separable = true;
    /**
     * `x` where it sits: at an ordered place (an array index, a field), as a member of an
     * unordered collection (a Set element, a Map key: an id alone is a place of its own, a
     * compound naming nodes is not), or under an id key (naming any node relates it to the key's).
     */
    const inside = (x: unknown, place: 'ordered' | 'member' | 'under id') => {
      const s = this.scan(x);
      mask |= s.mask;
      if (!s.separable || (s.mask !== 0 && (place === 'under id' || (place === 'member' && typeof x !== 'string')))) separable = false;
      return s.mask;
    };
    if (Array.isArray(v)) for (const x of v) inside(x, 'ordered');
    else if (v instanceof Set) for (const x of v) inside(x, 'member');
    else if (v instanceof Map) {
      for (const [key, x] of v) inside(x, inside(key, 'member') !== 0 ? 'under id' : 'ordered');
    } else {
      for (const key of Object.keys(v)) {
        const b = this.bit.get(key);
        if (b !== undefined) mask |= b;
        inside((v as Record<string, unknown>)[key], b !== undefined ? 'under id' : 'ordered');
      }
    }
    return { mask, separable };
  }

  /** `v` with every string `names` maps replaced (shared where nothing changes). */
  rename(v: unknown, names: ReadonlyMap<string, string>): unknown {
    if (typeof v === 'string') return names.get(v) ?? v;
    if (typeof v !== 'object' || v === null || this.scan(v).mask === 0) return v;
    if (Array.isArray(v)) return v.map((x) => this.rename(x, names));
    if (v instanceof Set) return new Set([...v].map((x) => this.rename(x, names)));
    if (v instanceof Map) return new Map([...v].map(([key, x]) => [this.rename(key, names), this.rename(x, names)]));
    const out: Record<string, unknown> = Object.create(Object.getPrototypeOf(v));
    for (const key of Object.keys(v)) out[names.get(key) ?? key] = this.rename((v as Record<string, unknown>)[key], names);
    return out;
  }
}

// ---- hashing helpers ------------------------------------------------------------------------

/** Accumulates a colour: an ordered head and an unordered multiset of 64-bit facts. */
class Colour {
  hi = 0;
  lo = 0;
  sumHi = 0;
  sumLo = 0;
  reset(hi: number, lo: number): void {
    this.hi = hi;
    this.lo = lo;
    this.sumHi = 0;
    this.sumLo = 0;
  }
  /** One more fact, order-independent (a multiset). */
  add(tag: number, hi: number, lo: number): void {
    const h = fmix(hi ^ Math.imul(tag, 0x9e3779b1));
    this.sumHi = (this.sumHi + h) | 0;
    this.sumLo = (this.sumLo + fmix(lo ^ h ^ Math.imul(tag, 0x85ebca6b))) | 0;
  }
  /** One more fact in order (part of the head). */
  then(x: number): void {
    this.hi = fmix(this.hi ^ Math.imul(x, 0xcc9e2d51));
    this.lo = fmix(this.lo + Math.imul(x ^ this.hi, 0x1b873593));
  }
  finish(): void {
    this.hi = fmix(this.hi ^ this.sumHi);
    this.lo = fmix(this.lo ^ this.sumLo ^ this.hi);
  }
}

/** `onlyNode`'s answers besides a node index. */
const UNSEEN = -3;
const NAMES_NONE = -1;
const NAMES_SEVERAL = -2;

const TAG_OWN = 1;
const TAG_MESSAGE = 2;
const TAG_FIXED = 3; // + the fixed node's index
const TAG_PEER = 0x4000; // + the index of the interchangeable node whose state names this one (refinement: its colour)

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** `mask` with bit i moved to bit perm[i]. */
function permuteMask(mask: number, perm: Int32Array): number {
  let out = 0;
  for (let i = 0; mask >>> i !== 0; i++) if ((mask >>> i) & 1) out |= 1 << perm[i];
  return out;
}

// ---- the canonicaliser ----------------------------------------------------------------------

/** What a compiled protocol gives the canonicaliser. */
export interface SymmetryContext {
  readonly kernel: Kernel;
  readonly classes: readonly (readonly number[])[];
  /** The fault bookkeeping that identifies a state, in order (see `compile.ts`). */
  readonly identity: readonly Field[];
  /** The plain (unreduced) fingerprint of a world. */
  readonly plain: (w: World, out: Int32Array) => void;
  /** The protocol identifies states by its `view`: images are then built and identified by `plain`. */
  readonly viewed: boolean;
  readonly hasher: IntHasher;
  /** Whether the network keeps per-channel FIFO queues (a queue's order is part of a state). */
  readonly fifo: boolean;
}

/**
 * The canonicaliser of one compiled protocol: `fingerprint(w)` is the fingerprint of
 * `canonical(w)`, the image of `w` under the permutation `permutation(w)` chooses.
 */
export class Symmetry {
  private readonly k: Kernel;
  private readonly n: number;
  private readonly renamer: Renamer;
  /** Class index of each node, or -1 for a node that is not interchangeable. */
  private readonly classOf: Int32Array;
  /** Bit mask of the interchangeable nodes. */
  private readonly movable: number;
  /** Whether node 0, which names a partition's first side, is interchangeable. */
  private readonly firstMoves: boolean;
  private readonly fifo: boolean;
  /** Per message id: the interchangeable nodes it names, and its renamed fingerprints by their images. */
  private readonly messageScan: Scan[] = [];
  private readonly messageNodes: number[][] = [];
  /** Per message id naming several interchangeable nodes: its renamed fingerprints by their images. */
  private readonly renamedMany: Map<string, number[]>[] = [];
  /** Per message id: the one interchangeable node it names (see `onlyNode`), and that node's fact. */
  private only = new Int32Array(0);
  private onlyFactHi = new Int32Array(0);
  private onlyFactLo = new Int32Array(0);
  /** Per (message id naming one node, image of that node): the renamed fingerprint, when set. */
  private renamedSet = new Uint8Array(0);
  private renamedHi = new Int32Array(0);
  private renamedLo = new Int32Array(0);
  /** Per node state: its renamed fingerprints by the images of the nodes it names. */
  private readonly renamedStates = new WeakMap<object, Map<string, number[]>>();
  /** Per message id and named node: the message abstracted for that node's colour. */
  private readonly messageFacts: Map<number, number[]>[] = [];
  /** Per value and node: the value abstracted for that node's colour (node states without timers). */
  private readonly facts = new WeakMap<object, Map<number, number[]>>();
  private readonly fp = new Int32Array(2);
  private readonly best = new Int32Array(2);
  private readonly colourOf: Colour[];
  private readonly colHi: Int32Array;
  private readonly colLo: Int32Array;
  /** The interchangeable nodes each node's entry (state and timers) names, for the state last coloured. */
  private readonly entryMask: Int32Array;

  constructor(private readonly ctx: SymmetryContext) {
    const { kernel: k, classes } = ctx;
    this.k = k;
    this.n = k.n;
    this.classOf = new Int32Array(k.n).fill(-1);
    const bit = new Map<string, number>();
    let movable = 0;
    classes.forEach((cls, c) => {
      for (const i of cls) {
        this.classOf[i] = c;
        bit.set(k.ids[i], 1 << i);
        movable |= 1 << i;
      }
    });
    this.movable = movable;
    this.firstMoves = this.classOf[0] >= 0;
    this.renamer = new Renamer(bit);
    this.fifo = ctx.fifo;
    this.colourOf = Array.from({ length: k.n }, () => new Colour());
    this.colHi = new Int32Array(k.n);
    this.colLo = new Int32Array(k.n);
    this.entryMask = new Int32Array(k.n);
  }

  // ---- images ---------------------------------------------------------------------------------

  /** The renaming of node ids a permutation makes (`perm[i]`: the index node i moves to). */
  names(perm: Int32Array): Map<string, string> {
    const ids = this.k.ids;
    const out = new Map<string, string>();
    for (let i = 0; i < this.n; i++) if (perm[i] !== i) out.set(ids[i], ids[perm[i]]);
    return out;
  }

  /** The image of `w` under `perm`, as a world of the same compiled protocol. */
  image(w: World, perm: Int32Array): World {
    const k = this.k;
    const n = this.n;
    const names = this.names(perm);
    const states = new Array<unknown>(n);
    const timers = new Array<World['timers'][number]>(n);
    const nodeHash = new Array<number>(2 * n);
    for (let i = 0; i < n; i++) {
      const j = perm[i];
      states[j] = this.renamer.rename(w.states[i], names);
      timers[j] = this.renamer.rename(w.timers[i], names) as World['timers'][number];
      k.hashNode(states[j], timers[j], nodeHash, j);
    }
    const { messages, network } = k.topology;
    let net = network.empty;
    for (const m of network.all(w.net)) {
      const e = messages.get(m);
      const moved = { from: names.get(e.from) ?? e.from, to: names.get(e.to) ?? e.to, payload: this.renamer.rename(e.payload, names) as typeof e.payload };
      net = network.send(net, messages.intern(moved, perm[messages.sender[m]], perm[messages.recipient[m]]));
    }
    return w.successor({ ...this.bookkeeping(w, perm), states, timers, nodeHash, net });
  }

  /** `w`'s per-node bookkeeping, permuted. */
  private bookkeeping(w: World, perm: Int32Array): Partial<WorldFields> {
    const n = this.n;
    const status = new Array<number>(n);
    const offsets = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      status[perm[i]] = w.status[i];
      offsets[perm[i]] = w.offsets[i];
    }
    return { status, offsets, traitors: permuteMask(w.traitors, perm), partition: this.movedPartition(w.partition, perm) };
  }

  /** Scratch: a class's nodes in colour order. */
  private readonly ranked: number[] = [];
  /** Scratch: the node at each new place. */
  private readonly inverse = new Int32Array(32);
  /** Scratch: what the identity fields read of an image (see `movedBookkeeping`). */
  private readonly moved: Record<string, unknown> & { status: number[]; offsets: number[] } = { status: [], offsets: [] };

  /**
   * What the fault bookkeeping fields read of `image(w, perm)` (status, offsets, the Byzantine
   * placement and the partition permuted; the rest as in `w`), in a reused record.
   */
  private movedBookkeeping(w: World, perm: Int32Array): World {
    const m = this.moved;
    const n = this.n;
    m.status.length = n;
    m.offsets.length = n;
    for (let i = 0; i < n; i++) {
      m.status[perm[i]] = w.status[i];
      m.offsets[perm[i]] = w.offsets[i];
    }
    m.traitors = permuteMask(w.traitors, perm);
    m.partition = this.movedPartition(w.partition, perm);
    m.used = w.used;
    m.time = w.time;
    m.round = w.round;
    m.cursor = w.cursor;
    m.knowledge = w.knowledge;
    m.ids = w.ids;
    return m as unknown as World;
  }

  /** The partition's split under `perm`, named (as every split is) by the side node 0 is on. */
  private movedPartition(partition: number, perm: Int32Array): number {
    if (partition === 0) return 0;
    const moved = permuteMask(partition, perm);
    return (moved & 1) === 0 ? ~moved & ((1 << this.n) - 1) : moved;
  }

  /**
   * The fingerprint of message `m` renamed by `perm` (its own when it names no interchangeable
   * node), into `keyHi`/`keyLo` at `at`. Cached by the images of the nodes it names.
   */
  private messageKey(m: number, perm: Int32Array, at: number): void {
    const { messages } = this.k.topology;
    const only = this.onlyNode(m);
    if (only === NAMES_NONE) {
      this.keyHi[at] = messages.keyHi[m];
      this.keyLo[at] = messages.keyLo[m];
      return;
    }
    if (only >= 0) {
      // The common case, in flat arrays: the renamed key by the image of the one node named.
      const slot = m * this.n + perm[only];
      if (slot >= this.renamedSet.length) this.growRenamed(slot);
      if (this.renamedSet[slot] === 0) {
        const names = this.names(perm);
        const e = messages.get(m);
        fingerprintInto({ from: names.get(e.from) ?? e.from, to: names.get(e.to) ?? e.to, payload: this.renamer.rename(e.payload, names) }, this.fp);
        this.renamedHi[slot] = this.fp[0];
        this.renamedLo[slot] = this.fp[1];
        this.renamedSet[slot] = 1;
      }
      this.keyHi[at] = this.renamedHi[slot];
      this.keyLo[at] = this.renamedLo[slot];
      return;
    }
    const nodes = this.messageNodes[m];
    const key = nodes.map((x) => perm[x]).join(',');
    let pair = (this.renamedMany[m] ??= new Map()).get(key);
    if (!pair) {
      const names = this.names(perm);
      const e = messages.get(m);
      fingerprintInto({ from: names.get(e.from) ?? e.from, to: names.get(e.to) ?? e.to, payload: this.renamer.rename(e.payload, names) }, this.fp);
      this.renamedMany[m].set(key, (pair = [this.fp[0], this.fp[1]]));
    }
    this.keyHi[at] = pair[0];
    this.keyLo[at] = pair[1];
  }

  /** Scratch space for the renamed keys of a network. */
  private keyHi = new Int32Array(64);
  private keyLo = new Int32Array(64);
  private readonly order: number[] = [];

  /**
   * The one interchangeable node message `m` names (its fact for that node's colour then in
   * `onlyFactHi/Lo`), or `NAMES_NONE`, or `NAMES_SEVERAL`.
   */
  private onlyNode(m: number): number {
    if (m >= this.only.length) {
      const grown = new Int32Array(Math.max(2 * this.only.length, m + 1)).fill(UNSEEN);
      grown.set(this.only);
      this.only = grown;
      const hi = new Int32Array(grown.length);
      hi.set(this.onlyFactHi);
      this.onlyFactHi = hi;
      const lo = new Int32Array(grown.length);
      lo.set(this.onlyFactLo);
      this.onlyFactLo = lo;
    }
    let x = this.only[m];
    if (x === UNSEEN) {
      const scan = this.messageScanOf(m);
      const nodes = this.messageNodes[m];
      x = scan.mask === 0 ? NAMES_NONE : nodes.length > 1 ? NAMES_SEVERAL : nodes[0];
      if (x >= 0) {
        const f = this.messageFact(m, x);
        this.onlyFactHi[m] = f[0];
        this.onlyFactLo[m] = f[1];
      }
      this.only[m] = x;
    }
    return x;
  }

  private growRenamed(slot: number): void {
    const size = Math.max(2 * this.renamedSet.length, slot + 1);
    const set = new Uint8Array(size);
    set.set(this.renamedSet);
    const hi = new Int32Array(size);
    hi.set(this.renamedHi);
    const lo = new Int32Array(size);
    lo.set(this.renamedLo);
    this.renamedSet = set;
    this.renamedHi = hi;
    this.renamedLo = lo;
  }

  private messageScanOf(m: number): Scan {
    let s = this.messageScan[m];
    if (s === undefined) {
      const { messages } = this.k.topology;
      const e = messages.get(m);
      const payload = this.renamer.scan(e.payload);
      const ends = ((1 << messages.sender[m]) | (1 << messages.recipient[m])) & this.movable;
      s = this.messageScan[m] = { mask: payload.mask | ends, separable: payload.separable };
      const nodes: number[] = [];
      for (let i = 0; i < this.n; i++) if ((s.mask >>> i) & 1) nodes.push(i);
      this.messageNodes[m] = nodes;
    }
    return s;
  }

  /**
   * A fingerprint of `image(w, perm)`, a function of the image alone, computed without building
   * it (when the protocol has no `view`): the renamed node entries in their new places, the
   * renamed network (a multiset of message keys, combined without sorting; FIFO queues by
   * channel, in order), the permuted bookkeeping. Call after `colour(w)`, which finds which node
   * entries name interchangeable nodes.
   */
  private imageFingerprint(w: World, perm: Int32Array, out: Int32Array): void {
    if (this.ctx.viewed) {
      this.ctx.plain(this.image(w, perm), out);
      return;
    }
    const n = this.n;
    const h = this.ctx.hasher.start();
    const inverse = this.inverse;
    for (let i = 0; i < n; i++) inverse[perm[i]] = i;
    let names: Map<string, string> | null = null;
    for (let p = 0; p < n; p++) {
      const i = inverse[p];
      if (this.entryMask[i] === 0) {
        h.pair(w.nodeHash[2 * i], w.nodeHash[2 * i + 1]);
        continue;
      }
      const state = w.states[i];
      const timers = w.timers[i];
      // A node's state (without timers) renamed is cached by the images of the nodes it names.
      const cache = timers.length === 0 && typeof state === 'object' && state !== null ? this.renamedStates.get(state) : undefined;
      let key = '';
      if (timers.length === 0) for (let x = 0, m = this.entryMask[i]; m >>> x !== 0; x++) if ((m >>> x) & 1) key += `${perm[x]},`;
      const hit = cache?.get(key);
      if (hit) {
        h.pair(hit[0], hit[1]);
        continue;
      }
      names ??= this.names(perm);
      const s = this.renamer.rename(state, names);
      fingerprintInto(timers.length === 0 ? s : [s, this.renamer.rename(timers, names)], this.fp);
      h.pair(this.fp[0], this.fp[1]);
      if (timers.length === 0 && typeof state === 'object' && state !== null) {
        let c = cache;
        if (!c) this.renamedStates.set(state, (c = new Map()));
        c.set(key, [this.fp[0], this.fp[1]]);
      }
    }
    const { network, messages } = this.k.topology;
    const all = network.all(w.net);
    if (all.length > this.keyHi.length) {
      this.keyHi = new Int32Array(2 * all.length);
      this.keyLo = new Int32Array(2 * all.length);
    }
    const { keyHi, keyLo, order } = this;
    for (let q = 0; q < all.length; q++) this.messageKey(all[q], perm, q);
    if (this.fifo) {
      order.length = all.length;
      for (let q = 0; q < all.length; q++) order[q] = q;
      // Channel (s, r) moves to (π(s), π(r)); each queue keeps its order.
      const channel = all.map((m) => perm[messages.sender[m]] * n + perm[messages.recipient[m]]);
      order.sort((a, b) => channel[a] - channel[b] || a - b);
      for (let q = 0; q < order.length; ) {
        const ch = channel[order[q]];
        let e = q;
        while (e < order.length && channel[order[e]] === ch) e++;
        h.int(ch);
        h.int(e - q);
        for (; q < e; q++) h.pair(keyHi[order[q]], keyLo[order[q]]);
      }
      h.int(-1);
    } else {
      // A multiset: its messages' renamed keys combined in an order-independent way (no sort).
      let sumHi = 0;
      let sumLo = 0;
      for (let q = 0; q < all.length; q++) {
        sumHi = (sumHi + multisetTermHi(keyHi[q])) | 0;
        sumLo = (sumLo + multisetTermLo(keyHi[q], keyLo[q])) | 0;
      }
      h.int(all.length);
      h.pair(sumHi, sumLo);
    }
    const moved = this.movedBookkeeping(w, perm);
    for (const f of this.ctx.identity) f.encode(moved, h);
    h.end(out);
  }

  // ---- colours --------------------------------------------------------------------------------

  /** The fact a value contributes to node `i`'s colour: the value with `i` as "self", other interchangeable nodes as "some node". */
  private fact(v: unknown, i: number, cacheable: boolean): number[] {
    let byNode: Map<number, number[]> | undefined;
    if (cacheable && typeof v === 'object' && v !== null) {
      byNode = this.facts.get(v);
      const hit = byNode?.get(i);
      if (hit) return hit;
    }
    fingerprintInto(this.renamer.rename(v, this.abstraction(i)), this.fp);
    const pair = [this.fp[0], this.fp[1]];
    if (cacheable && typeof v === 'object' && v !== null) {
      if (!byNode) this.facts.set(v, (byNode = new Map()));
      byNode.set(i, pair);
    }
    return pair;
  }

  private readonly abstractions: Map<string, string>[] = [];
  /** Every interchangeable node's id as "some node", and node `i`'s as "self". */
  private abstraction(i: number): Map<string, string> {
    let a = this.abstractions[i];
    if (!a) {
      a = new Map();
      for (let x = 0; x < this.n; x++) if (this.classOf[x] >= 0) a.set(this.k.ids[x], x === i ? SELF : SOME_NODE);
      this.abstractions[i] = a;
    }
    return a;
  }

  private messageFact(m: number, i: number): number[] {
    let byNode = this.messageFacts[m];
    if (!byNode) this.messageFacts[m] = byNode = new Map();
    let pair = byNode.get(i);
    if (!pair) {
      const e = this.k.topology.messages.get(m);
      fingerprintInto(this.renamer.rename(e, this.abstraction(i)), this.fp);
      byNode.set(i, (pair = [this.fp[0], this.fp[1]]));
    }
    return pair;
  }

  /**
   * Colour every interchangeable node of `w` (into `colHi`/`colLo`); returns whether the state
   * relates interchangeable nodes to each other (then the colours are refined and ties tried).
   */
  private colour(w: World): boolean {
    const n = this.n;
    const { network, messages } = this.k.topology;
    const col = this.colourOf;
    let related = false;
    // What each node is, apart from what names it.
    let side = 0;
    if (w.partition !== 0) {
      if (!this.firstMoves) side = -1; // each node's side is told by node 0's (fixed) side
      else {
        const a = popcount(w.partition);
        if (2 * a === n) related = true; // two equal sides, not told apart by anything fixed
        side = -2; // told by its size
      }
    }
    for (let i = 0; i < n; i++) {
      const c = this.classOf[i];
      if (c < 0) continue;
      col[i].reset(c, w.status[i]);
      col[i].then(w.offsets[i]);
      col[i].then((w.traitors >>> i) & 1);
      if (side !== 0) {
        const mine = (w.partition >>> i) & 1;
        col[i].then(side === -1 ? mine : mine === 1 ? popcount(w.partition) : n - popcount(w.partition));
      }
    }
    // Node entries: an interchangeable node's own, and every entry that names one.
    for (let j = 0; j < n; j++) {
      const state = w.states[j];
      const timers = w.timers[j];
      const sState = this.renamer.scan(state);
      const sTimers = this.renamer.scan(timers);
      const mask = sState.mask | sTimers.mask;
      this.entryMask[j] = mask;
      const mine = this.classOf[j] >= 0;
      if (mine && mask === 0) {
        col[j].add(TAG_OWN, w.nodeHash[2 * j], w.nodeHash[2 * j + 1]);
        continue;
      }
      if (mask === 0) continue;
      const others = mine ? mask & ~(1 << j) : mask;
      if (mine ? others !== 0 : popcount(mask) > 1 && !(sState.separable && sTimers.separable)) related = true;
      const entry = timers.length === 0 ? state : [state, timers];
      const cacheable = timers.length === 0;
      if (mine) {
        const f = this.fact(entry, j, cacheable);
        col[j].add(TAG_OWN, f[0], f[1]);
      }
      for (let x = 0; others >>> x !== 0; x++) {
        if (((others >>> x) & 1) === 0) continue;
        const f = this.fact(entry, x, cacheable);
        col[x].add(mine ? TAG_PEER : TAG_FIXED + j, f[0], f[1]);
      }
    }
    // Messages in flight (with multiplicity; in a FIFO network, with their place in the queue).
    const all = network.all(w.net);
    let prev = -1;
    let place = 0;
    for (const m of all) {
      const only = this.onlyNode(m);
      if (this.fifo) {
        const ch = messages.sender[m] * n + messages.recipient[m];
        place = ch === prev ? place + 1 : 0;
        prev = ch;
      }
      if (only === NAMES_NONE) continue;
      if (only >= 0) {
        col[only].add(TAG_MESSAGE + place * 8, this.onlyFactHi[m], this.onlyFactLo[m]);
        continue;
      }
      related = true;
      for (const x of this.messageNodes[m]) {
        const f = this.messageFact(m, x);
        col[x].add(TAG_MESSAGE + place * 8, f[0], f[1]);
      }
    }
    for (let i = 0; i < n; i++) {
      if (this.classOf[i] < 0) continue;
      col[i].finish();
      this.colHi[i] = col[i].hi;
      this.colLo[i] = col[i].lo;
    }
    if (related) this.refine(w);
    return related;
  }

  /**
   * Colour refinement (one-dimensional Weisfeiler–Leman) over what relates nodes: each round
   * rehashes every node's colour with each relation it takes part in, the other nodes named by
   * their colours, until the number of distinct colours stops growing.
   */
  private refine(w: World): void {
    const n = this.n;
    const col = this.colourOf;
    const { network, messages } = this.k.topology;
    const all = network.all(w.net);
    let distinct = this.distinctColours();
    for (let round = 0; round < n; round++) {
      const token = (x: number) => `\u0000${this.colHi[x]}.${this.colLo[x]}`;
      const namings: Map<string, string>[] = [];
      /** Node `i` as "self", every other interchangeable node by its colour. */
      const named = (i: number) => {
        let m = namings[i];
        if (!m) {
          m = namings[i] = new Map();
          for (let x = 0; x < n; x++) if (this.classOf[x] >= 0) m.set(this.k.ids[x], x === i ? SELF : token(x));
        }
        return m;
      };
      for (let i = 0; i < n; i++) if (this.classOf[i] >= 0) col[i].reset(this.colHi[i], this.colLo[i]);
      for (let j = 0; j < n; j++) {
        const mask = this.entryMask[j];
        if (mask === 0) continue;
        const state = w.states[j];
        const timers = w.timers[j];
        const entry = timers.length === 0 ? state : [state, timers];
        const mine = this.classOf[j] >= 0;
        for (let x = 0; mask >>> x !== 0; x++) {
          if (((mask >>> x) & 1) === 0 || (mine && x === j)) continue;
          fingerprintInto([mine ? token(j) : j, this.renamer.rename(entry, named(x))], this.fp);
          col[x].add(TAG_PEER, this.fp[0], this.fp[1]);
        }
        if (mine) {
          fingerprintInto(this.renamer.rename(entry, named(j)), this.fp);
          col[j].add(TAG_OWN, this.fp[0], this.fp[1]);
        }
      }
      let prev = -1;
      let place = 0;
      for (const m of all) {
        if (this.fifo) {
          const ch = messages.sender[m] * n + messages.recipient[m];
          place = ch === prev ? place + 1 : 0;
          prev = ch;
        }
        const nodes = this.messageNodes[m];
        if (nodes.length < 2) continue;
        const e = messages.get(m);
        for (const x of nodes) {
          fingerprintInto(this.renamer.rename(e, named(x)), this.fp);
          col[x].add(TAG_MESSAGE + place * 8, this.fp[0], this.fp[1]);
        }
      }
      if (w.partition !== 0 && this.firstMoves) {
        // Each node with the colours of the nodes on its side.
        for (let i = 0; i < n; i++) {
          if (this.classOf[i] < 0) continue;
          const mine = (w.partition >>> i) & 1;
          for (let x = 0; x < n; x++) if (x !== i && ((w.partition >>> x) & 1) === mine) col[i].add(TAG_PEER + 1, this.colHi[x], this.colLo[x]);
        }
      }
      for (let i = 0; i < n; i++) {
        if (this.classOf[i] < 0) continue;
        col[i].finish();
        this.colHi[i] = col[i].hi;
        this.colLo[i] = col[i].lo;
      }
      const now = this.distinctColours();
      if (now <= distinct) break;
      distinct = now;
    }
  }

  private distinctColours(): number {
    const seen = new Set<string>();
    for (let i = 0; i < this.n; i++) if (this.classOf[i] >= 0) seen.add(`${this.colHi[i]}.${this.colLo[i]}`);
    return seen.size;
  }

  // ---- the canonical permutation --------------------------------------------------------------

  /**
   * The permutation whose image of `w` is its canonical form (`perm[i]`: where node i goes),
   * written into `out` with the image's fingerprint.
   */
  private choose(w: World, perm: Int32Array, out: Int32Array): void {
    const related = this.colour(w);
    const { colHi, colLo } = this;
    for (let i = 0; i < perm.length; i++) perm[i] = i;
    /** Groups of nodes whose colours tie, as [class positions, nodes]. */
    const ties: { places: number[]; nodes: number[] }[] = [];
    let candidates = 1;
    const order = this.ranked;
    for (const cls of this.ctx.classes) {
      // Insertion sort by colour, then index: classes are small, and this runs for every state.
      order.length = cls.length;
      for (let r = 0; r < cls.length; r++) {
        const x = cls[r];
        let q = r;
        while (q > 0 && (colHi[order[q - 1]] > colHi[x] || (colHi[order[q - 1]] === colHi[x] && colLo[order[q - 1]] > colLo[x]))) {
          order[q] = order[q - 1];
          q--;
        }
        order[q] = x;
      }
      for (let r = 0; r < order.length; r++) perm[order[r]] = cls[r];
      if (!related) continue;
      for (let r = 0; r < order.length; ) {
        let e = r + 1;
        while (e < order.length && colHi[order[e]] === colHi[order[r]] && colLo[order[e]] === colLo[order[r]]) e++;
        if (e - r > 1) {
          ties.push({ places: cls.slice(r, e), nodes: order.slice(r, e) });
          for (let f = 2; f <= e - r; f++) candidates *= f;
        }
        r = e;
      }
    }
    this.imageFingerprint(w, perm, out);
    if (ties.length === 0 || candidates > MAX_CANDIDATES) return;
    // Try every ordering of the tied nodes; keep the image with the smallest fingerprint.
    const best = this.best;
    best[0] = out[0];
    best[1] = out[1];
    const bestPerm = perm.slice();
    const trial = perm.slice();
    const orderings = ties.map((t) => permutations(t.nodes));
    const pick = (g: number): void => {
      if (g === ties.length) {
        this.imageFingerprint(w, trial, out);
        if (out[0] < best[0] || (out[0] === best[0] && out[1] < best[1])) {
          best[0] = out[0];
          best[1] = out[1];
          bestPerm.set(trial);
        }
        return;
      }
      const { places } = ties[g];
      for (const nodes of orderings[g]) {
        for (let r = 0; r < nodes.length; r++) trial[nodes[r]] = places[r];
        pick(g + 1);
      }
    };
    pick(0);
    perm.set(bestPerm);
    out[0] = best[0];
    out[1] = best[1];
  }

  private readonly perm = new Int32Array(64);

  /** Write the fingerprint of `w`'s canonical form into `out`. */
  fingerprint(w: World, out: Int32Array): void {
    this.choose(w, this.perm.subarray(0, this.n), out);
  }

  /** The permutation that maps `w` to its canonical form (`perm[i]`: where node i goes). */
  permutation(w: World): Int32Array {
    const perm = new Int32Array(this.n);
    this.choose(w, perm, new Int32Array(2));
    return perm;
  }

  /** The fingerprint `w` has without symmetry (every state of its orbit has another). */
  exact(w: World, out: Int32Array): void {
    this.ctx.plain(w, out);
  }

  /** The classes of interchangeable nodes, by node index. */
  get classes(): readonly (readonly number[])[] {
    return this.ctx.classes;
  }

  /** `w`'s canonical form: its image under `permutation(w)`. */
  canonical(w: World): World {
    return this.image(w, this.permutation(w));
  }
}

/** Every ordering of `xs`. */
function permutations(xs: readonly number[]): number[][] {
  if (xs.length <= 1) return [xs.slice()];
  const out: number[][] = [];
  xs.forEach((x, i) => {
    for (const rest of permutations([...xs.slice(0, i), ...xs.slice(i + 1)])) out.push([x, ...rest]);
  });
  return out;
}

/** Refuse `--symmetry` for a configuration it cannot reduce, with one line. */
export function assertSymmetric(name: string, protocol: Protocol<any, any>, config: FaultConfig): void {
  const why = symmetryRefused(protocol, config);
  if (why !== null) throw new InputError(`--symmetry cannot reduce ${name}: ${why}`);
}
