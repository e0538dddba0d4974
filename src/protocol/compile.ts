/**
 * Compiling a protocol and a fault configuration into a `Model` the explorer can search.
 *
 * Each step is either the protocol's own (deliver a message, fire a timer, take a local action,
 * end a synchronous round) or an injected fault (drop, duplicate, partition, heal, crash,
 * recover, pause, resume, tick of the clocks, a Byzantine send). Faults consume budgets kept in
 * the state, so every behaviour respects them.
 *
 * State identity (`fingerprint`) is a stream of numbers: cached node fingerprints, the canonical
 * network, and only those fault fields the configuration can change. Nothing that is pure
 * bookkeeping enters it, so a fault-free protocol has exactly the states of its abstract spec.
 */
import type { Model, StepInfo } from '../model/model.ts';
import { IntHasher, fingerprintInto } from '../state/fingerprint.ts';
import { SignedKnowledge, choicePairs, placements } from './adversary.ts';
import { Effects } from './context.ts';
import { describe } from './describe.ts';
import type { FaultConfig } from './faults.ts';
import { MessageTable, network } from './network.ts';
import type { Payload, Protocol, Role, Step } from './types.ts';
import { CRASHED, PAUSED, UP, USED, World, type Timer, type Topology, type WorldFields } from './world.ts';

const NO_TIMERS: readonly Timer[] = Object.freeze([]);

/** Every vector of `n` values, each within [lo(i), hi(i)], in lexicographic order. */
function vectors(n: number, lo: (i: number) => number, hi: (i: number) => number): number[][] {
  let out: number[][] = [[]];
  for (let i = 0; i < n; i++) {
    const next: number[][] = [];
    for (const v of out) for (let x = lo(i); x <= hi(i); x++) next.push([...v, x]);
    out = next;
  }
  return out;
}

export type ProtocolModel = Model<World, Step> & {
  /** The fault configuration compiled in. */
  readonly config: FaultConfig;
};

export function compile(protocol: Protocol<any, any>, config: FaultConfig): ProtocolModel {
  const decls = protocol.decls;
  const ids = decls.map((d) => d.id);
  const n = ids.length;
  if (n > 30) throw new Error(`a protocol may have at most 30 nodes, this one has ${n}`);
  const index = new Map(ids.map((id, i) => [id, i] as const));
  if (index.size !== n) throw new Error('node ids must be distinct');
  const roles: Role<any, any>[] = decls.map((d) => {
    const role = protocol.roles[d.role];
    if (!role) throw new Error(`node ${d.id} has role "${d.role}", which the protocol does not define`);
    return role;
  });
  const byRole = new Map<string, number[]>(Object.keys(protocol.roles).map((r) => [r, []]));
  decls.forEach((d, i) => byRole.get(d.role)!.push(i));
  const messages = new MessageTable();
  const net = network(config.network, messages, n);
  const topology: Topology = { decls, ids, index, roles, byRole, messages, network: net };
  const clocks = config.maxTime > 0;
  const rounds = config.timing === 'rounds';
  const bounded = config.timing === 'bounded';
  const signed = config.byzantine > 0 && config.byzantineMode === 'signed';
  const effects = new Effects(decls, ids, clocks);
  const nodesOf = (names: readonly string[]) => (names.length === 0 ? ids.map((_, i) => i) : names.map((x) => index.get(x)!));
  const crashable = nodesOf(config.crashNodes);
  const pausable = nodesOf(config.pauseNodes);
  const fp = new Int32Array(2);

  if (config.byzantine > 0 && !protocol.universe) throw new Error('Byzantine nodes need the protocol to declare its message universe');
  if (rounds && !protocol.rounds) throw new Error('timing "rounds" needs the protocol to declare how many rounds it runs');

  const lastRound = protocol.rounds ?? 0;
  const assume = protocol.assume;
  const knowledge = new SignedKnowledge(index);
  const unforged = (w: World, p: Payload): boolean => !signed || knowledge.unforged(w, p);

  const hashNode = (state: unknown, timers: readonly Timer[], out: number[] | Int32Array, i: number): void => {
    fingerprintInto(timers.length === 0 ? state : [state, timers], fp);
    out[2 * i] = fp[0];
    out[2 * i + 1] = fp[1];
  };

  /**
   * Run a handler of node `i` (if it has one) on `s`; returns the node's new state (`s` when it
   * returned nothing). The effects it recorded are applied by `settle`.
   */
  const run = (
    w: World,
    i: number,
    handler: ((s: any, ctx: Effects) => unknown) | undefined,
    s: unknown = w.states[i],
  ): unknown => {
    effects.reset(ids[i], decls[i].role, w.time + w.offsets[i], w.round);
    return handler ? (handler(s, effects) ?? s) : s;
  };

  /**
   * The world after node `i` moved to `state` with the effects just recorded; `base` lets a
   * caller change other fields (network, status, counters, the node's timers) first. A step that
   * changes nothing (a re-delivered message the node ignores) returns `w` itself, so neither a
   * new world nor its fingerprint has to be built.
   */
  const settle = (w: World, i: number, state: unknown, base?: Partial<WorldFields>): World => {
    const before = base?.timers ? base.timers[i] : w.timers[i];
    const timers = effects.applyTimers(before);
    let changed = timers !== w.timers[i];
    if (changed || state !== w.states[i]) {
      hashNode(state, timers, scratch, 0);
      changed ||= scratch[0] !== w.nodeHash[2 * i] || scratch[1] !== w.nodeHash[2 * i + 1];
    }
    if (!changed && effects.sends.length === 0 && (base === undefined || unchanged(w, base))) return w;
    const f = w.fields(base);
    if (changed) {
      const states = f.states.slice();
      states[i] = state;
      const allTimers = f.timers.slice();
      allTimers[i] = timers;
      const nodeHash = f.nodeHash.slice();
      nodeHash[2 * i] = scratch[0];
      nodeHash[2 * i + 1] = scratch[1];
      f.states = states;
      f.timers = allTimers;
      f.nodeHash = nodeHash;
    }
    deliverSends(f, i);
    return make(f);
  };
  const scratch = new Int32Array(2);
  const unchanged = (w: World, base: Partial<WorldFields>): boolean => {
    for (const key in base) if (base[key as keyof WorldFields] !== w[key as keyof WorldFields]) return false;
    return true;
  };

  const make = (f: WorldFields): World => new World(topology, f);

  /** Put the recorded sends of node `from` into the network (or lose them across a partition). */
  const deliverSends = (f: WorldFields, from: number): void => {
    for (const [to, payload] of effects.sends) {
      const j = index.get(to);
      if (j === undefined) throw new Error(`${ids[from]} sent ${payload.type} to unknown node "${to}"`);
      if (f.partition !== 0 && ((f.partition >> from) & 1) !== ((f.partition >> j) & 1)) continue;
      if ((f.traitors & (1 << j)) !== 0) {
        // The adversary needs no copy of what it is told, only (signed) the signatures it saw.
        if (signed) f.knowledge = knowledge.learn(f.knowledge, payload);
        continue;
      }
      f.net = net.send(f.net, messages.intern({ from: ids[from], to, payload }, from, j));
    }
  };

  const loyal = (w: World, i: number) => (w.traitors & (1 << i)) === 0;
  const active = (w: World, i: number) => w.status[i] === UP && loyal(w, i);
  const bump = (used: readonly number[], counter: number): readonly number[] => {
    const out = used.slice();
    out[counter]++;
    return out;
  };

  /** Which fields of each node's state survive a crash: every one, or those listed. */
  const durable = roles.map((r) => r.durable ?? []);
  /**
   * A node's state right after a crash: what was on disk, over a fresh `init`. Recovery starts
   * from it; while the node is down it is what the world shows of it.
   */
  const afterCrash = (i: number, s: unknown): unknown => {
    const keep = durable[i];
    if (keep === 'all') return s;
    const fresh = roles[i].init(ids[i]);
    if (keep.length === 0) return fresh;
    if (typeof fresh !== 'object' || fresh === null || typeof s !== 'object' || s === null) {
      throw new Error(`role ${decls[i].role} lists durable fields, but its state is not a record`);
    }
    const out: Record<string, unknown> = { ...fresh };
    for (const k of keep) out[k] = (s as Record<string, unknown>)[k];
    return out;
  };

  // ---- initial states -------------------------------------------------------------------------

  const init = (): World[] => {
    const eligible = nodesOf(config.byzantineNodes);
    const traitorSets = config.byzantine > 0 ? placements(eligible, config.byzantine) : [0];
    const offsetSets = clocks && config.skew > 0 ? vectors(n, () => -config.skew, () => config.skew) : [Array<number>(n).fill(0)];
    const worlds: World[] = [];
    for (const traitors of traitorSets) {
      for (const offsets of offsetSets) {
        const states = decls.map((d, i) => roles[i].init(d.id));
        const timers = decls.map(() => NO_TIMERS);
        const nodeHash = Array<number>(2 * n).fill(0);
        states.forEach((s, i) => hashNode(s, NO_TIMERS, nodeHash, i));
        let w = make({
          states,
          timers,
          nodeHash,
          net: net.empty,
          status: Array<number>(n).fill(UP),
          traitors,
          time: 0,
          offsets,
          partition: 0,
          used: Array<number>(7).fill(0),
          round: rounds ? 1 : 0,
          cursor: 0,
          knowledge: [],
        });
        for (let i = 0; i < n; i++) {
          const start = roles[i].start;
          if (!start || !loyal(w, i)) continue;
          w = settle(w, i, run(w, i, start));
        }
        worlds.push(w);
      }
    }
    return worlds;
  };

  // ---- enabled steps --------------------------------------------------------------------------

  // Steps are immutable values: the common ones are made once and reused by every state.
  const ROUND: Step = { kind: 'round' };
  const HEAL: Step = { kind: 'heal' };
  const TICK: Step = { kind: 'tick', offsets: null };
  const messageSteps = { deliver: [] as Step[], drop: [] as Step[], duplicate: [] as Step[] };
  const messageStep = (kind: 'deliver' | 'drop' | 'duplicate', msg: number): Step =>
    (messageSteps[kind][msg] ??= { kind, msg });
  const nodeSteps = { crash: [] as Step[], recover: [] as Step[], pause: [] as Step[], resume: [] as Step[] };
  const nodeStep = (kind: 'crash' | 'recover' | 'pause' | 'resume', node: number): Step => (nodeSteps[kind][node] ??= { kind, node });
  /** Each node's local actions in declaration order, with the step value of those without choices. */
  const localActions = roles.map((role, node) =>
    Object.entries(role.actions ?? {}).map(([name, action]) => ({
      name,
      action,
      step: { kind: 'local', node, action: name, choice: undefined, chosen: false } as Step,
    })),
  );

  const actions = (w: World): Step[] => {
    const steps: Step[] = [];
    /** Timing `bounded`: a delivery or a due timer is pending, so time must wait for it. */
    let pending = false;
    if (rounds) {
      if (w.round > lastRound) return steps;
      const pairs = choicePairs(w, n);
      if (w.cursor < pairs.length) {
        const [b, r] = pairs[w.cursor];
        for (const payload of protocol.universe!(ids[b], ids[r], w.round)) {
          if (unforged(w, payload)) steps.push({ kind: 'byzantine', from: b, to: r, payload });
        }
        steps.push({ kind: 'byzantine', from: b, to: r, payload: null });
      } else {
        steps.push(ROUND);
      }
    } else {
      for (const msg of net.deliverable(w.net)) {
        const to = messages.recipient[msg];
        if (!active(w, to)) continue;
        const accepts = roles[to].accepts;
        if (accepts) {
          const e = messages.get(msg);
          if (!accepts(w.states[to], e.payload, e.from)) continue;
        }
        steps.push(messageStep('deliver', msg));
        pending = true;
      }
      for (let i = 0; i < n; i++) {
        if (!active(w, i)) continue;
        const local = localActions[i];
        if (local.length > 0) {
          effects.reset(ids[i], decls[i].role, w.time + w.offsets[i], w.round);
          for (const { name, action: a, step: plain } of local) {
            if (!a.when(w.states[i], effects)) continue;
            if (a.choices) {
              for (const choice of a.choices(w.states[i], effects)) steps.push({ kind: 'local', node: i, action: name, choice, chosen: true });
            } else steps.push(plain);
          }
        }
        for (const t of w.timers[i]) {
          if (t.deadline === null || w.time + w.offsets[i] >= t.deadline) {
            steps.push({ kind: 'timer', node: i, timer: t.name });
            pending = true;
          }
        }
      }
      if (assume) {
        // Only the protocol's own steps so far: the environment assumption does not restrict faults.
        let kept = 0;
        for (const a of steps) if (assume(w, describedStep(a))) steps[kept++] = a;
        steps.length = kept;
      }
    }
    const used = w.used;
    if (used[USED.drop] < config.drop) for (const msg of net.droppable(w.net)) steps.push(messageStep('drop', msg));
    if (used[USED.duplicate] < config.duplicate) for (const msg of net.droppable(w.net)) steps.push(messageStep('duplicate', msg));
    if (used[USED.crash] < config.crash) {
      for (const i of crashable) if (w.status[i] !== CRASHED && loyal(w, i)) steps.push(nodeStep('crash', i));
    }
    if (used[USED.recover] < config.recover) {
      for (let i = 0; i < n; i++) if (w.status[i] === CRASHED) steps.push(nodeStep('recover', i));
    }
    if (used[USED.pause] < config.pause) {
      for (const i of pausable) if (w.status[i] === UP && loyal(w, i)) steps.push(nodeStep('pause', i));
    }
    for (let i = 0; i < n; i++) if (w.status[i] === PAUSED) steps.push(nodeStep('resume', i));
    if (w.partition === 0 && used[USED.partition] < config.partition) {
      // Each split once: node 0 is always on the masked side.
      for (let side = 1; side < 1 << n; side += 2) if (side !== (1 << n) - 1) steps.push({ kind: 'partition', side });
    }
    if (w.partition !== 0) steps.push(HEAL);
    if (!rounds && config.byzantine > 0 && used[USED.lies] < config.lies) {
      for (let b = 0; b < n; b++) {
        if (loyal(w, b)) continue;
        for (let r = 0; r < n; r++) {
          if (r === b || !loyal(w, r)) continue;
          for (const payload of protocol.universe!(ids[b], ids[r], 0)) {
            if (unforged(w, payload)) steps.push({ kind: 'byzantine', from: b, to: r, payload });
          }
        }
      }
    }
    if (clocks && w.time < config.maxTime && !(bounded && pending)) {
      if (config.drift === 0) steps.push(TICK);
      else {
        const lo = (i: number) => Math.max(-config.skew, w.offsets[i] - config.drift);
        const hi = (i: number) => Math.min(config.skew, w.offsets[i] + config.drift);
        for (const offsets of vectors(n, lo, hi)) steps.push({ kind: 'tick', offsets });
      }
    }
    return steps;
  };

  // ---- successor states -----------------------------------------------------------------------

  const next = (w: World, a: Step): World => {
    switch (a.kind) {
      case 'deliver': {
        const e = messages.get(a.msg);
        const i = messages.recipient[a.msg];
        const receive = roles[i].receive;
        const s = run(w, i, receive && ((st, ctx) => receive(st, e.payload, e.from, ctx)));
        return settle(w, i, s, { net: net.deliver(w.net, a.msg) });
      }
      case 'local': {
        const act = roles[a.node].actions![a.action];
        return settle(w, a.node, run(w, a.node, (st, ctx) => act.run(st, ctx, a.choice)));
      }
      case 'timer': {
        // The fired timer is disarmed before its handler runs (which may arm it again).
        const timers = w.timers.slice();
        timers[a.node] = w.timers[a.node].filter((t) => t.name !== a.timer);
        const handler = roles[a.node].timer;
        const s = run(w, a.node, handler && ((st, ctx) => handler(st, a.timer, ctx)));
        return settle(w, a.node, s, { timers });
      }
      case 'drop':
        return make(w.fields({ net: net.drop(w.net, a.msg), used: bump(w.used, USED.drop) }));
      case 'duplicate':
        return make(w.fields({ net: net.duplicate(w.net, a.msg), used: bump(w.used, USED.duplicate) }));
      case 'crash': {
        const i = a.node;
        const states = w.states.slice();
        states[i] = afterCrash(i, w.states[i]);
        const timers = w.timers.slice();
        timers[i] = NO_TIMERS;
        const nodeHash = w.nodeHash.slice();
        hashNode(states[i], NO_TIMERS, nodeHash, i);
        const status = w.status.slice();
        status[i] = CRASHED;
        return make(w.fields({ states, timers, nodeHash, status, used: bump(w.used, USED.crash) }));
      }
      case 'recover': {
        const i = a.node;
        const status = w.status.slice();
        status[i] = UP;
        return settle(w, i, run(w, i, roles[i].recover), { status, used: bump(w.used, USED.recover) });
      }
      case 'pause':
      case 'resume': {
        const status = w.status.slice();
        status[a.node] = a.kind === 'pause' ? PAUSED : UP;
        return make(w.fields({ status, ...(a.kind === 'pause' ? { used: bump(w.used, USED.pause) } : {}) }));
      }
      case 'partition': {
        const side = a.side;
        const cut = (id: number) => {
          return ((side >> messages.sender[id]) & 1) !== ((side >> messages.recipient[id]) & 1);
        };
        return make(w.fields({ partition: side, net: net.lose(w.net, cut), used: bump(w.used, USED.partition) }));
      }
      case 'heal':
        return make(w.fields({ partition: 0 }));
      case 'tick':
        return make(w.fields({ time: w.time + 1, ...(a.offsets ? { offsets: a.offsets } : {}) }));
      case 'byzantine': {
        const f = w.fields(rounds ? { cursor: w.cursor + 1 } : { used: bump(w.used, USED.lies) });
        if (a.payload !== null) {
          effects.reset(ids[a.from], '', 0, w.round);
          effects.send(ids[a.to], a.payload);
          deliverSends(f, a.from);
        }
        return make(f);
      }
      case 'round':
        return endRound(w);
    }
  };

  /** Timing `rounds`: deliver every message of this round, run end-of-round handlers, start the next round. */
  const endRound = (w: World): World => {
    const inFlight = net.all(w.net);
    let cur = make(w.fields({ net: net.empty }));
    for (const msg of inFlight) {
      const e = messages.get(msg);
      const i = messages.recipient[msg];
      const receive = roles[i].receive;
      if (!receive || !active(cur, i)) continue;
      cur = settle(cur, i, run(cur, i, (st, ctx) => receive(st, e.payload, e.from, ctx)));
    }
    for (let i = 0; i < n; i++) {
      const end = roles[i].endOfRound;
      if (!end || !active(cur, i)) continue;
      cur = settle(cur, i, run(cur, i, (st, ctx) => end(st, w.round, ctx)));
    }
    return make(cur.fields({ round: w.round + 1, cursor: 0 }));
  };

  // ---- identity (display and labels: describe.ts) ---------------------------------------------

  const tracksStatus = config.crash > 0 || config.pause > 0;
  const tracksUsed = config.drop + config.duplicate + config.partition + config.crash + config.recover + config.pause > 0 || (config.byzantine > 0 && !rounds);
  const hasher = new IntHasher();
  const view = protocol.view;
  const fingerprint = (w: World, out: Int32Array): void => {
    if (w.hashed) {
      out[0] = w.hashHi;
      out[1] = w.hashLo;
      return;
    }
    const h = hasher.start();
    if (view) {
      // The protocol's view stands for the node states, timers and network; the fault
      // bookkeeping below is still the layer's.
      fingerprintInto(view(w), fp);
      h.pair(fp[0], fp[1]);
    } else {
      const nodeHash = w.nodeHash;
      for (let k = 0; k < nodeHash.length; k += 2) h.pair(nodeHash[k], nodeHash[k + 1]);
      net.encode(w.net, h);
    }
    if (config.byzantine > 0) h.int(w.traitors);
    if (tracksStatus) for (const x of w.status) h.int(x);
    if (tracksUsed) for (const x of w.used) h.int(x);
    if (config.partition > 0) h.int(w.partition);
    if (clocks) {
      h.int(w.time);
      for (const x of w.offsets) h.int(x);
    }
    if (rounds) {
      h.int(w.round);
      h.int(w.cursor);
    }
    if (signed) {
      h.int(w.knowledge.length);
      for (const x of w.knowledge) h.int(x);
    }
    h.end(out);
    w.hashed = true;
    w.hashHi = out[0];
    w.hashLo = out[1];
  };

  const { label, step, show } = describe(topology, config, protocol, { status: tracksStatus, used: tracksUsed });
  /** `step(a)`, remembered per step value (most steps are shared values, asked about in every state). */
  const described = new WeakMap<Step, StepInfo>();
  const describedStep = (a: Step): StepInfo => {
    let info = described.get(a);
    if (!info) described.set(a, (info = step(a)));
    return info;
  };

  const userTerminal = protocol.terminal;
  return {
    config,
    init,
    actions,
    next,
    label,
    step,
    fingerprint,
    show,
    nodes: ids,
    properties: protocol.properties,
    fairness: protocol.fairness,
    within: protocol.within,
    // One rule for every model: a state without enabled steps is a deadlock unless it is a legal
    // end. Here the bounds of time and rounds are legal ends too: the protocol stops there because
    // the model stops, not because it is stuck.
    checkDeadlock: protocol.deadlock !== false,
    terminal: (w) =>
      (rounds && w.round > lastRound) || (clocks && w.time >= config.maxTime) || (userTerminal ? userTerminal(w) : false),
  };
}
