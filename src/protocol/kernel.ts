/**
 * The kernel every step source of a compiled protocol shares: the topology, running a node's
 * handler with its effects, settling the node's new state (and its cached fingerprint), putting
 * the messages it sent into the network, and building a World from a fields record — or, for a
 * search that builds only new states, telling a successor's identity without building it
 * (`peek`, `peekStep`, with the handlers' outcomes remembered).
 */
import { sameData } from '../state/equality.ts';
import { fingerprintInto, fmix, IntHasher } from '../state/fingerprint.ts';
import { SignedKnowledge } from './adversary.ts';
import { Effects } from './context.ts';
import type { FaultConfig } from './faults.ts';
import { feedSummed, MessageTable, network, type Network } from './network.ts';
import { envelopeText } from './text.ts';
import type { NodeDecl, NodeId, Payload, Protocol, Role } from './types.ts';
import { nodeTermDeltaHi, nodeTermDeltaLo, separatedBy, UP, USED, World, type Timer, type Topology, type WorldFields } from './world.ts';

/** `recipient`'s answers for a message that reaches no honest node's inbox. */
const LOST = -1;
const TOLD = -2;
/** `recipient`'s partition argument for a network that is whole. */
const NO_PARTITION = 0;

/** Slots of the remembered handler outcomes, per thread (direct-mapped: a newer outcome takes an older one's slot). */
const OUTCOME_SLOTS = 1 << 14;

/**
 * What a handler did to a node in one step: how the node's term in the world's node sums changed
 * (its state and timers afterwards, by fingerprint) and the messages it sent (kernel ids, to any recipient but a Byzantine one, before the
 * partition). Remembered under the node, its fingerprint and input values, the step, the clock
 * reading and the round (`Kernel.remembered`).
 */
class Outcome {
  i = -1;
  hi = 0;
  lo = 0;
  step = 0;
  now = 0;
  round = 0;

  constructor(
    readonly input: unknown,
    readonly inputTimers: readonly Timer[],
    /** What the step adds to the world's node sums (node i's new term less its old one). */
    readonly deltaHi: number,
    readonly deltaLo: number,
    readonly sent: readonly number[],
  ) {}

  remember(i: number, hi: number, lo: number, step: number, now: number, round: number): void {
    this.i = i;
    this.hi = hi;
    this.lo = lo;
    this.step = step;
    this.now = now;
    this.round = round;
  }
}

/** The timers of a node that has none (shared: most nodes have none most of the time). */
export const NO_TIMERS: readonly Timer[] = Object.freeze([]);

/** A handler reduced to what the kernel runs: the node's state and its context in, the new state (or nothing) out. */
export type Handler = (s: any, ctx: Effects) => unknown;

export class Kernel {
  readonly topology: Topology;
  readonly decls: readonly NodeDecl[];
  readonly ids: readonly NodeId[];
  /** The number of nodes. */
  readonly n: number;
  /** Each node's role, by node index. */
  readonly roles: readonly Role<any, any>[];
  readonly messages: MessageTable;
  readonly net: Network;
  /** The context handed to handlers, reset before each call. */
  readonly effects: Effects;
  /** Signed Byzantine mode: the signed fragments the traitors are sent, which they may then relay. */
  readonly knowledge: SignedKnowledge | null;
  /** A FIFO network shows its queues in their order; the others in reading order. */
  private readonly fifo: boolean;
  private readonly fp = new Int32Array(2);
  private readonly hasher = new IntHasher();
  /** Scratch of `peek`: the ids of the messages a step sends, and a network identity. */
  private readonly sent: number[] = [];
  private readonly sums = new Int32Array(3);
  /** Handler outcomes by a hash of what decides them (`remembered`). */
  private readonly outcomes: (Outcome | undefined)[] = Array.from({ length: OUTCOME_SLOTS }, () => undefined);

  constructor(protocol: Protocol<any, any>, config: FaultConfig) {
    const decls = protocol.decls;
    const ids = decls.map((d) => d.id);
    const n = ids.length;
    if (n > 30) throw new Error(`a protocol may have at most 30 nodes, this one has ${n}`);
    const index = new Map(ids.map((id, i) => [id, i] as const));
    if (index.size !== n) throw new Error('node ids must be distinct');
    const roles = decls.map((d) => {
      const role = protocol.roles[d.role];
      if (!role) throw new Error(`node ${d.id} has role "${d.role}", which the protocol does not define`);
      return role;
    });
    const byRole = new Map<string, number[]>(Object.keys(protocol.roles).map((r) => [r, []]));
    decls.forEach((d, i) => byRole.get(d.role)!.push(i));
    const messages = new MessageTable();
    const net = network(config.network, messages, n);
    this.topology = { decls, ids, index, roles, byRole, messages, network: net };
    this.decls = decls;
    this.ids = ids;
    this.n = n;
    this.roles = roles;
    this.messages = messages;
    this.net = net;
    this.effects = new Effects(decls, ids, config.maxTime > 0);
    this.knowledge = config.byzantine > 0 && config.byzantineMode === 'signed' ? new SignedKnowledge(index) : null;
    this.fifo = config.network === 'fifo';
  }

  /** The indices of the named nodes; no names means every node. */
  indicesOf(names: readonly NodeId[]): number[] {
    return names.length === 0 ? this.ids.map((_, i) => i) : names.map((x) => this.topology.index.get(x)!);
  }

  make(f: WorldFields): World {
    return new World(this.topology, f);
  }

  /** Whether node `i` is honest (not one of the Byzantine nodes of `w`). */
  loyal(w: World, i: number): boolean {
    return (w.traitors & (1 << i)) === 0;
  }

  /** Whether node `i` runs the protocol in `w`: up (not crashed or paused) and honest. */
  active(w: World, i: number): boolean {
    return w.status[i] === UP && (w.traitors & (1 << i)) === 0;
  }

  /**
   * The fingerprint of a node's state and timers (in a buffer the next call overwrites). With
   * timers armed, the two fingerprints are combined as a pair rather than hashed as the value
   * `[state, timers]`: a node's state may itself be such an array, and its fingerprint must not
   * be that of another state with timers.
   */
  private fingerprintNode(state: unknown, timers: readonly Timer[]): Int32Array {
    fingerprintInto(state, this.fp);
    if (timers.length === 0) return this.fp;
    const h = this.hasher.start();
    h.pair(this.fp[0], this.fp[1]);
    fingerprintInto(timers, this.fp);
    h.pair(this.fp[0], this.fp[1]);
    h.end(this.fp);
    return this.fp;
  }

  /** Write the fingerprint of a node's state and timers into `out` at node `i`'s pair. */
  hashNode(state: unknown, timers: readonly Timer[], out: number[] | Int32Array, i: number): void {
    const fp = this.fingerprintNode(state, timers);
    out[2 * i] = fp[0];
    out[2 * i + 1] = fp[1];
  }

  /** The handlers' context, made ready for node `i` in `w`. */
  context(w: World, i: number): Effects {
    return this.effects.reset(this.ids[i], this.decls[i].role, w.time + w.offsets[i], w.round);
  }

  /**
   * Run a handler of node `i` (if it has one) on `s`; returns the node's new state (`s` when it
   * returned nothing). The effects it recorded are applied by `settle`.
   */
  run(w: World, i: number, handler: Handler | undefined, s: unknown = w.states[i]): unknown {
    const ctx = this.context(w, i);
    return handler ? (handler(s, ctx) ?? s) : s;
  }

  /**
   * The world after node `i` moved to `state` with the effects just recorded; `base` lets a
   * caller change other fields (network, status, counters, the node's timers) first. A step that
   * changes nothing (a re-delivered message the node ignores) returns `w` itself, so neither a
   * new world nor its fingerprint has to be built.
   */
  settle(w: World, i: number, state: unknown, base?: Partial<WorldFields>): World {
    const before = base?.timers ? base.timers[i] : w.timers[i];
    const timers = this.effects.applyTimers(before);
    let changed = timers !== w.timers[i];
    let hash: Int32Array | undefined;
    if (changed || state !== w.states[i]) {
      hash = this.fingerprintNode(state, timers);
      changed ||= hash[0] !== w.nodeHash[2 * i] || hash[1] !== w.nodeHash[2 * i + 1];
    }
    if (!changed && this.effects.sends.length === 0 && (base === undefined || unchanged(w, base))) return w;
    const next = w.successor(base);
    // Finished here, before anyone sees it.
    const f: WorldFields = next;
    if (changed) {
      const states = f.states.slice();
      states[i] = state;
      const allTimers = f.timers.slice();
      allTimers[i] = timers;
      const nodeHash = f.nodeHash.slice();
      const hi = hash![0];
      const lo = hash![1];
      // Node i's old term out, its new one in.
      const oldHi = nodeHash[2 * i];
      const oldLo = nodeHash[2 * i + 1];
      next.nodeSumHi = (next.nodeSumHi + nodeTermDeltaHi(i, oldHi, hi)) | 0;
      next.nodeSumLo = (next.nodeSumLo + nodeTermDeltaLo(i, oldHi, oldLo, hi, lo)) | 0;
      nodeHash[2 * i] = hi;
      nodeHash[2 * i + 1] = lo;
      f.states = states;
      f.timers = allTimers;
      f.nodeHash = nodeHash;
    }
    const sends = this.effects.sends;
    for (let j = 0; j < sends.length; j++) this.put(f, i, sends[j][0], sends[j][1]);
    return next;
  }

  /**
   * Put a message from node `from` into the network of `f` — unless the partition separates the
   * two nodes (it is lost) or the recipient is Byzantine (the adversary needs no copy of what it
   * is told, only, when signed, the signatures it saw).
   */
  put(f: WorldFields, from: number, to: NodeId, payload: Payload): void {
    const j = this.recipient(f.partition, f, from, to, payload);
    if (j === LOST) return;
    if (j === TOLD) {
      if (this.knowledge) f.knowledge = this.knowledge.learn(f.knowledge, payload);
      return;
    }
    f.net = this.net.send(f.net, this.messages.intern({ from: this.ids[from], to, payload }, from, j));
  }

  /**
   * The index of the node a message from `from` reaches: `LOST` across `partition` (a side's
   * bit mask, 0 when whole), `TOLD` when it is one of `f`'s Byzantine nodes.
   */
  private recipient(partition: number, f: WorldFields, from: number, to: NodeId, payload: Payload): number {
    const j = this.topology.index.get(to);
    if (j === undefined) throw new Error(`${this.ids[from]} sent ${payload.type} to unknown node "${to}"`);
    if (separatedBy(partition, from, j)) return LOST;
    return (f.traitors & (1 << j)) !== 0 ? TOLD : j;
  }

  /**
   * The kernel's part of a state's identity: the nodes' states and timers (the sums of their
   * positional terms, kept by `settle`), then the network.
   */
  encode(w: World, h: IntHasher): void {
    h.pair(w.nodeSumHi, w.nodeSumLo);
    if (this.net.summed === null) return this.net.encode(w.net, h);
    // What the network's own `encode` feeds, kept on the world for its successors.
    this.netIdentity(w);
    feedSummed(h, w.netCount, w.netHi, w.netLo);
  }

  /** Compute and keep the network identity of `w`, once. */
  private netIdentity(w: World): void {
    if (w.netCount >= 0) return;
    this.net.summed!.of(w.net, this.sums);
    w.netCount = this.sums[0];
    w.netHi = this.sums[1];
    w.netLo = this.sums[2];
  }

  /**
   * The kernel's part of the identity of the world that `settle(w, i, state, { net })` would
   * build, where `net` is `w`'s network after delivering `delivered` (-1: none) — without
   * building it: [node sum hi, node sum lo, message count, network hi, network lo] into `out`,
   * as `encode` would feed them. Most successors are states already seen, so a search that asks
   * this first builds only the new ones. Call it right after the node's handler ran (it reads the
   * recorded effects). False when it cannot tell: a FIFO network (its identity is its order) or
   * a signed message a Byzantine node learns (knowledge, which this does not follow).
   */
  peek(w: World, i: number, state: unknown, delivered: number, out: Int32Array): boolean {
    if (this.net.summed === null) return false;
    const o = this.outcome(w, i, state);
    if (o === null) return false;
    this.identityAfter(w, i, o, delivered, out);
    return true;
  }

  /**
   * `peek` for a step that node `i` takes the same way wherever its state, timers and clock are
   * the same: `step` names it (a delivery's message, an action without choices), and
   * `handle(w, i, a)` runs its handler for the step value `a` (passed through, so that callers
   * need no closure per step). Handlers are functions of the node's state, the message and the
   * context, so what one did is remembered under those and not run again: a node meets the same
   * message in the same state in thousands of worlds. Not with Byzantine nodes, whose presence
   * decides where messages go.
   */
  peekStep<A>(w: World, i: number, step: number, delivered: number, handle: (w: World, i: number, a: A) => unknown, a: A, out: Int32Array): boolean {
    if (this.net.summed === null) return false;
    if (w.traitors !== 0) return this.peek(w, i, handle(w, i, a), delivered, out);
    const o = this.remembered(w, i, step, handle, a);
    if (o === null) return false;
    this.identityAfter(w, i, o, delivered, out);
    return true;
  }

  /** What the handler just run (its effects recorded) did to node `i` of `w`; null when a Byzantine node learns a signature. */
  private outcome(w: World, i: number, state: unknown): Outcome | null {
    const sent: number[] = [];
    const sends = this.effects.sends;
    for (let k = 0; k < sends.length; k++) {
      const to = sends[k][0];
      const payload = sends[k][1];
      // The partition is not applied here but where the outcome is used: it may differ there.
      const j = this.recipient(NO_PARTITION, w, i, to, payload);
      if (j === TOLD) {
        if (this.knowledge) return null;
        continue;
      }
      sent.push(this.messages.intern({ from: this.ids[i], to, payload }, i, j));
    }
    const timers = this.effects.applyTimers(w.timers[i]);
    let hi = w.nodeHash[2 * i];
    let lo = w.nodeHash[2 * i + 1];
    if (timers !== w.timers[i] || state !== w.states[i]) {
      const fp = this.fingerprintNode(state, timers);
      hi = fp[0];
      lo = fp[1];
    }
    // Node i's term in the node sums, as it changes (`settle` swaps the same terms).
    const oldHi = w.nodeHash[2 * i];
    const oldLo = w.nodeHash[2 * i + 1];
    return new Outcome(w.states[i], w.timers[i], nodeTermDeltaHi(i, oldHi, hi), nodeTermDeltaLo(i, oldHi, oldLo, hi, lo), sent);
  }

  /** The remembered outcome of `step` at node `i` of `w`, or the handler's, remembered now. */
  private remembered<A>(w: World, i: number, step: number, handle: (w: World, i: number, a: A) => unknown, a: A): Outcome | null {
    const hi = w.nodeHash[2 * i];
    const lo = w.nodeHash[2 * i + 1];
    const now = w.time + w.offsets[i];
    const round = w.round;
    const key = fmix(hi ^ Math.imul(lo, 0x9e3779b1) ^ Math.imul(step + 1, 0x85ebca6b) ^ Math.imul(i + 1, 0xc2b2ae35) ^ Math.imul(now, 0x27d4eb2f) ^ round);
    const slot = key & (OUTCOME_SLOTS - 1);
    const o = this.outcomes[slot];
    if (o !== undefined && o.i === i && o.hi === hi && o.lo === lo && o.step === step && o.now === now && o.round === round) {
      if ((o.input === w.states[i] || sameData(o.input, w.states[i])) && (o.inputTimers === w.timers[i] || sameData(o.inputTimers, w.timers[i]))) return o;
      // Two different node states with one fingerprint: never take one's outcome for the other's.
      return this.outcome(w, i, handle(w, i, a));
    }
    const fresh = this.outcome(w, i, handle(w, i, a));
    if (fresh === null) return null;
    fresh.remember(i, hi, lo, step, now, round);
    this.outcomes[slot] = fresh;
    return fresh;
  }

  /** The identity parts of `w` after node `i` had outcome `o`, the message `delivered` (-1: none) consumed first. */
  private identityAfter(w: World, i: number, o: Outcome, delivered: number, out: Int32Array): void {
    let sent = 0;
    const partition = w.partition;
    for (let j = 0; j < o.sent.length; j++) {
      const id = o.sent[j];
      if (separatedBy(partition, i, this.messages.recipient[id])) continue;
      this.sent[sent++] = id;
    }
    out[0] = (w.nodeSumHi + o.deltaHi) | 0;
    out[1] = (w.nodeSumLo + o.deltaLo) | 0;
    this.netIdentity(w);
    this.net.summed!.after(w.net, w.netCount, w.netHi, w.netLo, delivered, this.sent, sent, this.sums);
    out[2] = this.sums[0];
    out[3] = this.sums[1];
    out[4] = this.sums[2];
  }

  /** Feed identity parts from `peek` as `encode` feeds a built world's. */
  encodePeeked(parts: Int32Array, h: IntHasher): void {
    h.pair(parts[0], parts[1]);
    feedSummed(h, parts[2], parts[3], parts[4]);
  }

  /** The kernel's part of a shown state: node states by id, the messages in flight, the armed timers. */
  show(w: World): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.decls.forEach((d, i) => {
      out[d.id] = w.states[i];
    });
    // Shown in reading order; a FIFO network keeps its queues' order, which is the point of it.
    const inFlight = this.net.all(w.net).map((id) => envelopeText(this.messages, id));
    out.network = this.fifo ? inFlight : inFlight.sort();
    const armed = Object.fromEntries(
      this.decls
        .map((d, i) => [d.id, w.timers[i].map((t) => (t.deadline === null ? t.name : `${t.name}@${t.deadline}`))] as const)
        .filter(([, ts]) => ts.length > 0),
    );
    if (Object.keys(armed).length > 0) out.timers = armed;
    return out;
  }

  /**
   * An initial world: every node in its `init` state, up, no messages, no faults used, time 0 —
   * with `start` (the choices of the Byzantine placement, clock offsets, first round) over
   * that — after the loyal nodes' `start` handlers ran.
   */
  initial(start: Partial<WorldFields>): World {
    const { decls, roles, n } = this;
    const states = decls.map((d, i) => roles[i].init(d.id));
    const nodeHash = Array<number>(2 * n).fill(0);
    states.forEach((s, i) => this.hashNode(s, NO_TIMERS, nodeHash, i));
    let w = this.make({
      states,
      timers: decls.map(() => NO_TIMERS),
      nodeHash,
      net: this.net.empty,
      status: Array<number>(n).fill(UP),
      traitors: 0,
      time: 0,
      offsets: Array<number>(n).fill(0),
      partition: 0,
      used: Array<number>(Object.keys(USED).length).fill(0),
      round: 0,
      cursor: 0,
      knowledge: [],
      ...start,
    });
    for (let i = 0; i < n; i++) {
      const handler = roles[i].start;
      if (!handler || !this.loyal(w, i)) continue;
      w = this.settle(w, i, this.run(w, i, handler));
    }
    return w;
  }
}

/** Whether every field `base` sets is the one `w` already has. */
function unchanged(w: World, base: Partial<WorldFields>): boolean {
  for (const key in base) if (base[key as keyof WorldFields] !== w[key as keyof WorldFields]) return false;
  return true;
}
