import { describe, expect, it } from 'vitest';
import { check } from '../src/explore/check.ts';
import { InputError } from '../src/model/errors.ts';
import { stepInfo, type Model, type StepInfo } from '../src/model/model.ts';
import { always, sometimes, transition } from '../src/model/property.ts';
import { compile } from '../src/protocol/compile.ts';
import { NO_FAULTS, validateFaults, type FaultConfig } from '../src/protocol/faults.ts';
import { protocol, role, type NodesOf, type Protocol, type ProtocolSpec, type Role, type Roles, type Step, type WorldOf } from '../src/protocol/types.ts';
import { paths, reachable } from './support/paths.ts';

/** A compiled protocol whose states are read through the protocol's typed world. */
type Compiled<W> = Model<W, Step>;
const build = <R extends Roles, N extends NodesOf<R>>(p: Protocol<R, N>, faults: Partial<FaultConfig> = {}): Compiled<WorldOf<R, N>> =>
  compile(p, { ...NO_FAULTS, ...faults }) as unknown as Compiled<WorldOf<R, N>>;
const kindOf = <W>(m: Compiled<W>, a: Step) => stepInfo(m, a).kind;
/** The deadlock check's status in a finished check. */
const deadlock = (r: ReturnType<typeof check>) => r.properties.find((p) => p.kind === 'deadlock')?.status;

type ReqResp = { readonly type: 'Req' } | { readonly type: 'Resp' };
/** A client sends one request; the server answers each request it receives. */
const client = role<{ readonly status: 'idle' | 'waiting' | 'answered' }, ReqResp>({
  init: () => ({ status: 'idle' }),
  actions: {
    request: {
      when: (s) => s.status === 'idle',
      run: (_s, ctx) => {
        ctx.send('server', { type: 'Req' });
        return { status: 'waiting' };
      },
    },
  },
  receive: (_s, m) => (m.type === 'Resp' ? { status: 'answered' } : undefined),
});
const server = role<{ readonly served: number }, ReqResp>({
  init: () => ({ served: 0 }),
  receive: (s, _m, from, ctx) => {
    ctx.send(from, { type: 'Resp' });
    return { served: s.served + 1 };
  },
});
type ReqRespWorld = WorldOf<{ client: typeof client; server: typeof server }, { client: readonly ['client']; server: readonly ['server'] }>;
const requestResponse = (spec: Partial<ProtocolSpec<ReqRespWorld>> = {}) =>
  protocol({ roles: { client, server }, nodes: { client: ['client'], server: ['server'] } }, { properties: [], ...spec });

const outcome = (w: ReqRespWorld) => `${w.node('client').status}/${w.node('server').served}`;

describe('protocol layer: network semantics and message faults', () => {
  it('labels deliveries as "deliver Type from→to" and steps by kind', () => {
    const m = build(requestResponse());
    const [w0] = m.init();
    const w1 = m.next(w0, m.actions(w0)[0]);
    const [deliver] = m.actions(w1);
    expect(m.label(deliver)).toBe('deliver Req client→server');
    expect(stepInfo(m, deliver)).toMatchObject({ kind: 'deliver', from: 'client', to: 'server', message: 'Req' });
  });

  it('without faults a request is always answered', () => {
    const { deadEnds } = reachable(build(requestResponse()));
    expect(new Set(deadEnds.map(outcome))).toEqual(new Set(['answered/1']));
  });

  it('drop=1 reaches exactly: answered, request lost, response lost', () => {
    const { deadEnds } = reachable(build(requestResponse(), { drop: 1 }));
    expect(new Set(deadEnds.map(outcome))).toEqual(new Set(['answered/1', 'waiting/0', 'waiting/1']));
  });

  it('duplicate=1 makes a non-idempotent counter reach 2, and no more', () => {
    const served = (faults: Partial<FaultConfig>) => new Set(reachable(build(requestResponse(), faults)).states.map((w) => w.node('server').served));
    expect(served({})).toEqual(new Set([0, 1]));
    expect(served({ duplicate: 1 })).toEqual(new Set([0, 1, 2]));
    expect(served({ duplicate: 2 })).toEqual(new Set([0, 1, 2, 3]));
  });

  /** A sender sends 1 then 2 to a receiver that logs arrivals. */
  type Numbered = { readonly type: 'M'; readonly n: number };
  const sender = role<{ readonly next: number }, Numbered>({
    init: () => ({ next: 1 }),
    actions: {
      send: {
        when: (s) => s.next <= 2,
        run: (s, ctx) => {
          ctx.send('b', { type: 'M', n: s.next });
          return { next: s.next + 1 };
        },
      },
    },
  });
  const receiver = role<{ readonly log: readonly number[] }, Numbered>({
    init: () => ({ log: [] }),
    receive: (s, m) => ({ log: [...s.log, m.n] }),
  });
  const ordered = protocol({ roles: { sender, receiver }, nodes: { sender: ['a'], receiver: ['b'] } }, { properties: [] });
  const logs = (network: FaultConfig['network'], faults: Partial<FaultConfig> = {}) =>
    new Set(reachable(build(ordered, { network, ...faults })).states.map((w) => w.node('b').log.join(',')));

  it('fifo never delivers out of order; unordered does', () => {
    expect(logs('fifo')).toEqual(new Set(['', '1', '1,2']));
    expect(logs('unordered')).toEqual(new Set(['', '1', '2', '1,2', '2,1']));
  });

  it('a duplicate on a fifo channel arrives in order', () => {
    expect(logs('fifo', { duplicate: 1 })).toEqual(new Set(['', '1', '1,1', '1,2', '1,1,2', '1,2,2']));
  });

  it('the set network never consumes: a message can be received again', () => {
    const m = build(ordered, { network: 'set' });
    const received = [...paths(m, 3)].map((p) => p.states[p.states.length - 1].node('b').log.join(','));
    expect(received).toContain('1,1');
  });
});

describe('protocol layer: crashes, pauses, partitions', () => {
  /**
   * A counter kept twice: on disk and in memory. `start` arms a timer (so a crash has one to
   * lose); `recover` rebuilds memory from disk, counting its restarts on disk.
   */
  interface Counting {
    readonly disk: number;
    readonly memory: number;
    readonly restarts: number;
  }
  const counterRole = (recover?: (s: Counting) => Counting) =>
    role<Counting>({
      init: () => ({ disk: 0, memory: 0, restarts: 0 }),
      durable: ['disk', 'restarts'],
      start: (_s, ctx) => ctx.setTimer('flush'),
      ...(recover ? { recover } : {}),
      actions: {
        inc: {
          when: (s) => s.disk < 2,
          run: (s) => ({ ...s, disk: s.disk + 1, memory: s.memory + 1 }),
        },
      },
    });
  const rebuild = (s: Counting): Counting => ({ ...s, memory: s.disk, restarts: s.restarts + 1 });
  const counting = (counter = counterRole(rebuild)) => protocol({ roles: { counter }, nodes: { counter: ['n'] } }, { properties: [], deadlock: false });

  it('a crash resets the node to init with its durable fields restored; recovery starts there', () => {
    const m = build(counting(), { crash: 1, recover: 1 });
    let lost = 0;
    let recovered = 0;
    for (const p of paths(m, 6)) {
      p.actions.forEach((a, i) => {
        const [before, after] = [p.states[i], p.states[i + 1]];
        const [s, t] = [before.node('n'), after.node('n')];
        if (a.kind === 'crash') {
          expect(after.crashed('n')).toBe(true);
          // init, with the disk and the restart count kept: memory and the timer are gone.
          expect(t).toEqual({ disk: s.disk, memory: 0, restarts: s.restarts });
          expect(after.timersOf('n')).toEqual([]);
          if (s.memory > 0) lost++;
        }
        if (a.kind === 'recover') {
          expect(before.crashed('n') && !after.crashed('n')).toBe(true);
          // `recover` ran on the crashed state, which is what a crashed node shows.
          expect(t).toEqual(rebuild(s));
          if (s.disk > 0) recovered++;
        }
      });
    }
    expect(lost).toBeGreaterThan(0);
    expect(recovered).toBeGreaterThan(0);
  });

  it('without a recover handler the node comes back exactly as it was left by the crash', () => {
    const m = build(counting(counterRole()), { crash: 1, recover: 1 });
    let recovered = 0;
    for (const p of paths(m, 6)) {
      p.actions.forEach((a, i) => {
        if (a.kind !== 'recover') return;
        expect(p.states[i + 1].node('n')).toEqual(p.states[i].node('n'));
        recovered++;
      });
    }
    expect(recovered).toBeGreaterThan(0);
  });

  it('durable fields are per role; [] loses everything, "all" keeps everything, left-out entries are skipped', () => {
    interface Pair {
      readonly x: number;
      readonly y: number;
    }
    const bump = (durable?: 'all' | readonly ('x' | 'y' | false)[]) =>
      role<Pair>({
        init: () => ({ x: 0, y: 0 }),
        ...(durable ? { durable } : {}),
        actions: { bump: { when: (s) => s.x === 0, run: () => ({ x: 1, y: 1 }) } },
      });
    const p = protocol(
      { roles: { keepsX: bump(['x', false]), keepsY: bump([false, 'y']), keepsNone: bump([]), keepsAll: bump('all') }, nodes: { keepsX: ['a'], keepsY: ['b'], keepsNone: ['c'], keepsAll: ['d'] } },
      { properties: [], deadlock: false },
    );
    const kept = { a: { x: 1, y: 0 }, b: { x: 0, y: 1 }, c: { x: 0, y: 0 }, d: { x: 1, y: 1 } } as const;
    const m = build(p, { crash: 1 });
    let crashes = 0;
    for (const w of reachable(m).states) {
      for (const a of m.actions(w)) {
        if (a.kind !== 'crash') continue;
        const id = m.label(a).slice('crash '.length) as keyof typeof kept;
        const bumped = w.node(id).x === 1;
        expect(m.next(w, a).node(id)).toEqual(bumped ? kept[id] : { x: 0, y: 0 });
        if (bumped) crashes++;
      }
    }
    expect(crashes).toBeGreaterThanOrEqual(4);

    // A role that may crash must say what survives; one that cannot crash need not.
    const silent = protocol({ roles: { keeps: bump('all'), silent: bump() }, nodes: { keeps: ['a'], silent: ['b'] } }, { properties: [], deadlock: false });
    expect(() => build(silent, { crash: 1 })).toThrow(InputError);
    expect(() => build(silent, { crash: 1 })).toThrow(/role silent may crash but does not say what survives a crash/);
    expect(() => build(silent, { crash: 1, crashNodes: ['a'] })).not.toThrow();
  });

  it('durable fields need a record state', () => {
    const scalar = role<number>({ init: () => 0, durable: [], actions: { inc: { when: (s) => s === 0, run: () => 1 } } });
    const fields = role<number>({ init: () => 0, durable: ['toFixed'], actions: { inc: { when: (s) => s === 0, run: () => 1 } } });
    const crashAfterInc = (r: typeof scalar) => {
      const m = build(protocol({ roles: { r }, nodes: { r: ['n'] } }, { properties: [], deadlock: false }), { crash: 1 });
      const w1 = m.next(m.init()[0], m.actions(m.init()[0]).find((a) => a.kind === 'local')!);
      return m.next(w1, m.actions(w1).find((a) => a.kind === 'crash')!).node('n');
    };
    expect(crashAfterInc(scalar)).toBe(0);
    expect(() => crashAfterInc(fields)).toThrow(/role r lists durable fields, but its state is not a record/);
  });

  it('crash-stop (recover=0) never comes back', () => {
    const m = build(counting(), { crash: 1 });
    for (const p of paths(m, 5)) expect(p.actions.filter((a) => a.kind === 'recover')).toHaveLength(0);
    const { deadEnds } = reachable(m);
    expect(deadEnds.some((w) => w.crashed('n') && w.node('n').disk < 2)).toBe(true);
  });

  it('a paused node takes no step between pause and resume, while ticks happen', () => {
    const m = build(counting(), { pause: 1, maxTime: 3 });
    let ticksWhilePaused = 0;
    for (const p of paths(m, 7)) {
      let paused = false;
      for (const a of p.actions) {
        if (a.kind === 'pause') paused = true;
        else if (a.kind === 'resume') paused = false;
        else if (paused) {
          expect(a.kind).toBe('tick');
          ticksWhilePaused++;
        }
      }
    }
    expect(ticksWhilePaused).toBeGreaterThan(0);
  });

  /** a pings every ponger once; each answers. */
  type PingPong = { readonly type: 'Ping' } | { readonly type: 'Pong' };
  const pinger = role<{ readonly pongs: number }, PingPong>({
    init: () => ({ pongs: 0 }),
    durable: [],
    start: (_s, ctx) => ctx.broadcast({ type: 'Ping' }),
    receive: (s) => ({ pongs: s.pongs + 1 }),
  });
  const ponger = role<{ readonly pinged: boolean }, PingPong>({
    init: () => ({ pinged: false }),
    durable: [],
    receive: (_s, _m, from, ctx) => {
      ctx.send(from, { type: 'Pong' });
      return { pinged: true };
    },
  });
  // Done when nothing is in flight any more: every message was answered or lost.
  const pinging = <const P extends readonly string[]>(pongers: P) =>
    protocol({ roles: { pinger, ponger }, nodes: { pinger: ['a'], ponger: pongers } }, { properties: [], terminal: (w) => w.inFlight().length === 0 });

  it('a partition loses every message across it until heal', () => {
    const m = build(pinging(['b', 'c']), { partition: 1 });
    type W = ReturnType<typeof m.init>[number];
    const crossing = (w: W) => w.inFlight().some((e) => w.separated(e.from, e.to));
    const whole = (w: W) => !w.ids.some((x) => w.ids.some((y) => w.separated(x, y)));
    const r = check({
      ...m,
      properties: [
        always('nothing in flight across the cut', (w: W) => !crossing(w)),
        transition('no delivery across the cut', (w: W, a: Step) => {
          if (a.kind !== 'deliver') return true;
          const e = w.inFlight().find((x) => m.label(a) === `deliver ${x.payload.type} ${x.from}→${x.to}`)!;
          return !w.separated(e.from, e.to);
        }),
        sometimes('a ping was lost to the partition', (w: W) => whole(w) && w.faultsUsed('partition') === 1 && w.inFlight().length === 0 && w.node('a').pongs < 2),
        sometimes('delivery after heal', (w: W) => w.faultsUsed('partition') === 1 && whole(w) && w.node('a').pongs === 2),
      ],
    });
    expect(r.verdict).toBe('holds');
    // 3 nodes: 2^(3-1) - 1 = 3 ways to split them.
    expect(m.actions(m.init()[0]).filter((a) => a.kind === 'partition')).toHaveLength(3);
  });

  it('no trace contains more faults of a kind than its budget', () => {
    const budgets = { drop: 1, duplicate: 1, crash: 1, recover: 1, pause: 1, partition: 1 } as const;
    const m = build(pinging(['b']), budgets);
    let maxSeen = 0;
    for (const p of paths(m, 6)) {
      const counts = new Map<string, number>();
      for (const a of p.actions) counts.set(kindOf(m, a), (counts.get(kindOf(m, a)) ?? 0) + 1);
      for (const [kind, budget] of Object.entries(budgets)) expect(counts.get(kind) ?? 0).toBeLessThanOrEqual(budget);
      maxSeen = Math.max(maxSeen, ...Object.keys(budgets).map((k) => counts.get(k) ?? 0));
    }
    expect(maxSeen).toBe(1);
  });
});

describe('protocol layer: clocks and timers', () => {
  const idle = role({ init: () => ({}) });
  const idlePair = protocol({ roles: { idle }, nodes: { idle: ['p', 'q'] } }, { properties: [] });

  it('|local clock − global time| ≤ skew in every reachable state, with drift bounded per tick', () => {
    const skew = 2;
    const drift = 1;
    const m = build(idlePair, { maxTime: 4, skew, drift });
    type W = ReturnType<typeof m.init>[number];
    expect(m.init()).toHaveLength((2 * skew + 1) ** 2);
    const offset = (w: W, id: 'p' | 'q') => w.clock(id) - w.time;
    const r = check({
      ...m,
      properties: [
        always('skew bound', (w: W) => w.ids.every((id) => Math.abs(w.clock(id) - w.time) <= skew)),
        transition('drift bound', (w: W, a: Step, t: W) => w.ids.every((id) => a.kind !== 'tick' || Math.abs(offset(t, id) - offset(w, id)) <= drift)),
        sometimes('clocks disagree by 2·skew', (w: W) => Math.abs(w.clock('p') - w.clock('q')) === 2 * skew),
        sometimes('an offset drifted', (w: W) => w.time > 0 && offset(w, 'p') !== 0),
      ],
    });
    expect(r.verdict).toBe('holds');
  });

  const alarmRole = role<{ readonly fired: number | null }>({
    init: () => ({ fired: null }),
    start: (_s, ctx) => ctx.setTimer('wake', 2),
    timer: (_s, _name, ctx) => ({ fired: ctx.now }),
  });
  const alarm = protocol({ roles: { alarm: alarmRole }, nodes: { alarm: ['p'] } }, { properties: [], deadlock: false });

  it('a timer fires once its local-clock deadline is reached', () => {
    const fired = (faults: Partial<FaultConfig>) => new Set(reachable(build(alarm, faults)).states.map((w) => w.node('p').fired));
    expect(fired({ maxTime: 4 })).toEqual(new Set([null, 2, 3, 4]));
    // A constant offset shifts the deadline with the clock; only drift can make a 2-tick timer fire after 1 tick.
    const firstFiring = (faults: Partial<FaultConfig>) =>
      Math.min(...reachable(build(alarm, { maxTime: 4, ...faults })).states.filter((w) => w.node('p').fired !== null).map((w) => w.time));
    expect(firstFiring({ skew: 1 })).toBe(2);
    expect(firstFiring({ skew: 1, drift: 1 })).toBe(1);
    // Without clocks a timeout may happen at any moment.
    expect(fired({})).toEqual(new Set([null, 0]));
  });
});

describe('protocol layer: bounded timing', () => {
  interface Log {
    readonly sent: number | null;
    readonly got: number | null;
    readonly answered: number | null;
  }
  type Ping = { readonly type: 'Ping' };
  const blank = (): Log => ({ sent: null, got: null, answered: null });
  /** p sends one Ping when it likes; q arms an immediate timer on receipt and answers when it fires. */
  const p = role<Log, Ping>({
    init: blank,
    actions: {
      ping: {
        when: (s) => s.sent === null,
        run: (s, ctx) => {
          ctx.send('q', { type: 'Ping' });
          return { ...s, sent: ctx.now };
        },
      },
    },
  });
  const q = role<Log, Ping>({
    init: blank,
    receive: (s, _m, _from, ctx) => {
      ctx.setTimer('answer', 0);
      return { ...s, got: ctx.now };
    },
    timer: (s, _name, ctx) => ({ ...s, answered: ctx.now }),
  });
  const echo = protocol({ roles: { p, q }, nodes: { p: ['p'], q: ['q'] } }, { properties: [] });
  const at = (w: WorldOf<typeof echo.roles, typeof echo.nodes>) => ({ sent: w.node('p').sent, got: w.node('q').got, answered: w.node('q').answered });

  it('time never advances while a message can be delivered or a timer is due', () => {
    const m = build(echo, { timing: 'bounded', maxTime: 3 });
    for (const w of reachable(m).states) {
      const kinds = m.actions(w).map((a) => a.kind);
      if (kinds.includes('deliver') || kinds.includes('timer')) expect(kinds).not.toContain('tick');
    }
    // Each reaction happens in the tick of its cause; under async it may come up to maxTime later.
    const delays = (timing: 'async' | 'bounded') =>
      new Set(
        reachable(build(echo, { timing, maxTime: 3 }))
          .states.map(at)
          .filter((x) => x.answered !== null)
          .map((x) => `${x.got! - x.sent!}/${x.answered! - x.got!}`),
      );
    expect(delays('bounded')).toEqual(new Set(['0/0']));
    expect(delays('async')).toEqual(new Set(['0/0', '0/1', '0/2', '0/3', '1/0', '1/1', '1/2', '2/0', '2/1', '3/0']));
  });

  it('a paused receiver lets time pass with its message in flight, and hears it late', () => {
    const m = build(echo, { timing: 'bounded', maxTime: 3, pause: 1, pauseNodes: ['q'] });
    const late = reachable(m).states.map(at).filter((x) => x.got !== null && x.got > x.sent!);
    expect(late.length).toBeGreaterThan(0);
  });

  it('needs clocks and a consuming network', () => {
    expect(() => validateFaults({ ...NO_FAULTS, timing: 'bounded' }, [])).toThrow(/needs clocks/);
    expect(() => validateFaults({ ...NO_FAULTS, timing: 'bounded', maxTime: 1, network: 'set' }, [])).toThrow(/never empties/);
  });
});

describe('protocol layer: Byzantine nodes', () => {
  interface Heard {
    readonly heard: readonly string[];
  }
  type Order = { readonly type: 'Order'; readonly value: string; readonly chain?: readonly string[] };
  /** General g tells l1 and l2 its order; l1 relays what it got to l2 (signed: adding its signature). */
  const orders = (signedChains: boolean) => {
    const general = role<{}, Order>({
      init: () => ({}),
      start: (_s, ctx) => ctx.broadcast({ type: 'Order', value: 'attack', ...(signedChains ? { chain: ['g'] } : {}) }),
    });
    const lieutenant = role<Heard, Order>({
      init: () => ({ heard: [] }),
      receive: (s, m) => ({ heard: [...s.heard, `${m.value}:${(m.chain ?? []).join('')}`].sort() }),
    });
    return protocol(
      { roles: { general, lieutenant }, nodes: { general: ['g'], lieutenant: ['l1', 'l2'] } },
      {
        properties: [],
        universe: (from, to) =>
          to === 'g'
            ? []
            : ['attack', 'retreat'].flatMap((value): Order[] =>
                signedChains
                  ? [
                      { type: 'Order', value, chain: ['g', from] },
                      { type: 'Order', value, chain: [from] },
                    ]
                  : [{ type: 'Order', value }],
              ),
      },
    );
  };
  /** The worlds of a general g and lieutenants l1, l2 (whatever their messages). */
  type Generals = WorldOf<{ general: Role<{}, any>; lieutenant: Role<Heard, any> }, { general: readonly ['g']; lieutenant: readonly ['l1', 'l2'] }>;
  const heard = (m: Compiled<Generals>) =>
    reachable(m).states.map((w) => ({ l1: w.node('l1').heard, l2: w.node('l2').heard, traitor: w.ids.filter((id) => w.byzantine(id)) }));

  it('explores every placement of the Byzantine nodes', () => {
    const m = build(orders(false), { byzantine: 1 });
    expect(m.init().map((w) => w.ids.filter((id) => w.byzantine(id)).join())).toEqual(['g', 'l1', 'l2']);
    expect(build(orders(false), { byzantine: 2 }).init()).toHaveLength(3);
  });

  it('an oral traitor can equivocate: different orders to different lieutenants', () => {
    const states = heard(build(orders(false), { byzantine: 1, byzantineNodes: ['g'], lies: 2 }));
    expect(states.some((s) => s.l1.includes('attack:') && s.l2.includes('retreat:') && !s.l1.includes('retreat:'))).toBe(true);
  });

  it('a signed traitor cannot forge a loyal signature, but can relay one it received', () => {
    const faults = { byzantine: 1, byzantineNodes: ['l1'], byzantineMode: 'signed', lies: 2 } as const;
    const states = heard(build(orders(true), faults));
    expect(states.some((s) => s.l2.includes('retreat:gl1'))).toBe(false);
    expect(states.some((s) => s.l2.includes('attack:gl1'))).toBe(true);
    expect(states.some((s) => s.l2.includes('retreat:l1'))).toBe(true);
    // The same traitor without signatures lies freely about what g said.
    const oral = heard(build(orders(true), { ...faults, byzantineMode: 'oral' }));
    expect(oral.some((s) => s.l2.includes('retreat:gl1'))).toBe(true);
  });

  it('a signed bundle is learned item by item, and is forged if any of its items is', () => {
    type Signed = { readonly type: 'Order'; readonly value: string; readonly chain: readonly string[] };
    type Orders = { readonly type: 'Orders'; readonly bundle: readonly Signed[] };
    const order = (value: string, chain: string[]): Signed => ({ type: 'Order', value, chain });
    const general = role<{}, Orders>({
      init: () => ({}),
      // One payload carrying two signed orders, to the traitor only.
      start: (_s, ctx) => ctx.send('l1', { type: 'Orders', bundle: [order('attack', ['g']), order('hold', ['g'])] }),
    });
    const lieutenant = role<Heard, Orders>({
      init: () => ({ heard: [] }),
      receive: (s, m) => ({ heard: [...s.heard, ...m.bundle.map((x) => `${x.value}:${x.chain.join('')}`)].sort() }),
    });
    const bundled = protocol(
      { roles: { general, lieutenant }, nodes: { general: ['g'], lieutenant: ['l1', 'l2'] } },
      {
        properties: [],
        universe: (_from, to) =>
          to === 'l2'
            ? [
                { type: 'Orders', bundle: [order('attack', ['g', 'l1']), order('retreat', ['g', 'l1'])] },
                { type: 'Orders', bundle: [order('attack', ['g', 'l1']), order('hold', ['g', 'l1'])] },
              ]
            : [],
      },
    );
    const states = heard(build(bundled, { byzantine: 1, byzantineNodes: ['l1'], byzantineMode: 'signed', lies: 1 }));
    // Both orders g signed in its one bundle can be relayed; the bundle with a forged item cannot.
    expect(states.some((s) => s.l2.join() === 'attack:gl1,hold:gl1')).toBe(true);
    expect(states.some((s) => s.l2.includes('retreat:gl1') || s.l2.includes('attack:gl1,retreat:gl1'))).toBe(false);
  });

  it('never lets a traitor send more than its budget of lies', () => {
    const m = build(orders(false), { byzantine: 1, lies: 2 });
    for (const p of paths(m, 6)) expect(p.actions.filter((a) => a.kind === 'byzantine').length).toBeLessThanOrEqual(2);
  });
});

describe('protocol layer: synchronous rounds', () => {
  interface Count {
    readonly got: number;
    readonly seen: readonly number[];
  }
  type Hello = { readonly type: 'Hello' };
  const peer = role<Count, Hello>({
    init: () => ({ got: 0, seen: [] }),
    start: (_s, ctx) => ctx.broadcast({ type: 'Hello' }),
    receive: (s) => ({ ...s, got: s.got + 1 }),
    endOfRound: (s, _round, ctx) => {
      ctx.broadcast({ type: 'Hello' });
      return { ...s, seen: [...s.seen, s.got] };
    },
  });
  const gossip = protocol({ roles: { peer }, nodes: { peer: ['a', 'b', 'c'] } }, { properties: [], rounds: 2 });

  it('delivers every message of round r before round r+1 starts', () => {
    const m = build(gossip, { timing: 'rounds' });
    const { states, deadEnds } = reachable(m);
    expect(states).toHaveLength(3); // start, after round 1, after round 2: rounds are deterministic here
    for (const w of deadEnds) for (const id of w.ids) expect(w.node(id).seen).toEqual([2, 4]);
    expect(m.terminal!(deadEnds[0])).toBe(true);
  });

  it('a Byzantine node picks one message (or none) per recipient per round', () => {
    const m = build({ ...gossip, universe: (): Hello[] => [{ type: 'Hello' }] }, { timing: 'rounds', byzantine: 1, byzantineNodes: ['a'] });
    const [w0] = m.init();
    expect(m.actions(w0).map((a) => m.label(a))).toEqual(['byzantine a sends Hello to b', 'byzantine a sends nothing to b']);
    const totals = new Set(reachable(m).deadEnds.map((w) => w.node('b').seen.join('/')));
    // b hears c every round, and a (the traitor) in some rounds but not others.
    expect(totals).toEqual(new Set(['1/2', '1/3', '2/3', '2/4']));
  });
});

describe('protocol layer: environment assumptions', () => {
  /** Two nodes, each with one timer that may fire at any time; firing it marks the node as started. */
  const racer = role<{ readonly started: boolean }>({
    init: () => ({ started: false }),
    durable: [],
    start: (_s, ctx) => ctx.setTimer('go'),
    timer: () => ({ started: true }),
  });
  const race = protocol({ roles: { racer }, nodes: { racer: ['a', 'b'] } }, { properties: [], deadlock: false });
  type W = WorldOf<typeof race.roles, typeof race.nodes>;
  const started = (w: W) => w.ids.filter((id) => w.node(id).started).join('+');
  /** "Only one goes first": a node's timer fires only while no other node has started. */
  const solo = (w: W, step: StepInfo) => step.kind !== 'timer' || started(w) === '';

  it('a step is enabled only where the assumption holds', () => {
    expect(new Set(reachable(build(race)).states.map(started))).toEqual(new Set(['', 'a', 'b', 'a+b']));
    expect(new Set(reachable(build({ ...race, assume: solo })).states.map(started))).toEqual(new Set(['', 'a', 'b']));
  });

  it('the assumption sees the step it judges, and never restricts faults', () => {
    const seen: StepInfo[] = [];
    const m = build({ ...race, assume: (w, step) => (seen.push(step), solo(w, step)) }, { crash: 1 });
    const [w0] = m.init();
    const after = m.next(w0, m.actions(w0).find((a) => m.label(a) === 'a: timer go')!);
    expect(seen).toContainEqual({ kind: 'timer', node: 'b', name: 'go' });
    expect(m.actions(after).map((a) => m.label(a))).toEqual(['crash a', 'crash b']);
  });
});

describe('protocol layer: views', () => {
  /** Counts to 2 and, independently, fidgets (a field no property reads) up to 3 times. */
  const fidget = role<{ readonly count: number; readonly fidgets: number }>({
    init: () => ({ count: 0, fidgets: 0 }),
    durable: [],
    actions: {
      inc: { when: (s) => s.count < 2, run: (s) => ({ ...s, count: s.count + 1 }) },
      fidget: { when: (s) => s.fidgets < 3, run: (s) => ({ ...s, fidgets: s.fidgets + 1 }) },
    },
  });
  const fidgeting = (view?: (w: WorldOf<{ f: typeof fidget }, { f: readonly ['m', 'n'] }>) => unknown) =>
    protocol({ roles: { f: fidget }, nodes: { f: ['m', 'n'] } }, { properties: [], deadlock: false, ...(view ? { view } : {}) });

  it('states with equal views are one state', () => {
    // Two nodes, each with 3 counts × 4 fidget levels; the view keeps only the counts.
    expect(check(build(fidgeting())).stats.distinctStates).toBe((3 * 4) ** 2);
    expect(check(build(fidgeting((w) => w.role('f').map((s) => s.count)))).stats.distinctStates).toBe(3 ** 2);
  });

  it('the layer adds the fault bookkeeping a view leaves out', () => {
    // A constant view merges every protocol state, so what remains distinct is the bookkeeping alone.
    const states = (faults: Partial<FaultConfig>) => check(build(fidgeting(() => 0), faults)).stats.distinctStates;
    expect(states({})).toBe(1);
    // Crash-stop: nobody crashed, or one of the two nodes did (the budget is then used up).
    expect(states({ crash: 1 })).toBe(1 + 2);
    // With recovery: also everyone up again with both budgets used (whichever node it was).
    expect(states({ crash: 1, recover: 1 })).toBe(1 + 2 + 1);
    // A pause: none yet, one node paused, or resumed with the budget used.
    expect(states({ pause: 1 })).toBe(1 + 2 + 1);
    // Two nodes split one way: whole, split, healed with the budget used.
    expect(states({ partition: 1 })).toBe(3);
    // Clocks: the global time 0…2.
    expect(states({ maxTime: 2 })).toBe(3);
  });
});

describe('protocol layer: one deadlock rule', () => {
  it('a protocol that stops is deadlocked unless it says the stop is a legal end', () => {
    // The only stop without faults is answered/1, after request, deliver Req, deliver Resp.
    const stuck = check(build(requestResponse()));
    expect(stuck.verdict).toBe('violated');
    expect(stuck.violations[0]).toMatchObject({ property: 'deadlock', kind: 'deadlock' });
    expect(stuck.violations[0].path!.actions).toHaveLength(3);

    const answered = requestResponse({ terminal: (w: ReqRespWorld) => w.node('client').status === 'answered' });
    const done = check(build(answered));
    expect([done.verdict, deadlock(done)]).toEqual(['holds', 'holds']);

    // A lost request stops the protocol short of its legal end: request, drop Req.
    const lost = check(build(answered, { drop: 1 }));
    expect(lost.verdict).toBe('violated');
    expect(lost.violations[0].path!.actions).toHaveLength(2);
  });

  it('deadlock: false turns the check off', () => {
    const r = check(build(requestResponse({ deadlock: false }), { drop: 1 }));
    expect(r.verdict).toBe('holds');
    expect(deadlock(r)).toBeUndefined();
  });

  it('the last instant of time and the last round are legal ends', () => {
    // Nothing but ticks: the state at max-time has no step and is not stuck.
    const idle = role({ init: () => ({}) });
    const ticking = check(build(protocol({ roles: { idle }, nodes: { idle: ['p'] } }, { properties: [] }), { maxTime: 2 }));
    expect([ticking.verdict, deadlock(ticking), ticking.stats.distinctStates]).toEqual(['holds', 'holds', 3]);

    const peer = role<{ readonly round: number }>({ init: () => ({ round: 0 }), endOfRound: (_s, round) => ({ round }) });
    const rounds = check(build(protocol({ roles: { peer }, nodes: { peer: ['a', 'b'] } }, { properties: [], rounds: 2 }), { timing: 'rounds' }));
    expect([rounds.verdict, deadlock(rounds), rounds.stats.distinctStates]).toEqual(['holds', 'holds', 3]);
  });
});

describe('protocol layer: the order of enabled steps', () => {
  // Breadth-first search meets a state's successors in this order, which decides which of several
  // shortest counterexamples it reports: deliveries; each node's local actions, then its due
  // timers, node by node; then the faults, the Byzantine lies and the clock.
  const ORDER = ['deliver', 'node', 'drop', 'duplicate', 'crash', 'recover', 'pause', 'resume', 'partition', 'heal', 'byzantine', 'tick'];
  type Note = { readonly type: 'Note' };
  /** Each node sends a note to the next one and arms a timer; its local action is always enabled. */
  const busy = role<{ readonly acted: number }, Note>({
    init: () => ({ acted: 0 }),
    durable: [],
    start: (_s, ctx) => {
      ctx.send(ctx.self === 'a' ? 'b' : 'a', { type: 'Note' });
      ctx.setTimer('wake');
    },
    actions: { act: { when: () => true, run: (s) => ({ acted: s.acted + 1 }) } },
  });
  const everything = protocol({ roles: { busy }, nodes: { busy: ['a', 'b', 'c'] } }, { properties: [], rounds: 1, universe: (): Note[] => [{ type: 'Note' }] });
  const faults = { drop: 1, duplicate: 1, crash: 2, recover: 1, pause: 2, partition: 1, byzantine: 1, byzantineNodes: ['c'], maxTime: 1 };

  /** Check the order of `steps` and return the kinds seen. */
  const ordered = <W>(m: Compiled<W>, steps: readonly Step[]) => {
    const rank = (a: Step) => ORDER.indexOf(a.kind === 'local' || a.kind === 'timer' ? 'node' : a.kind);
    const ranks = steps.map(rank);
    expect(ranks).toEqual([...ranks].sort((x, y) => x - y));
    const nodeSteps = steps.flatMap((a) => (a.kind === 'local' ? [2 * a.node] : a.kind === 'timer' ? [2 * a.node + 1] : []));
    expect(nodeSteps).toEqual([...nodeSteps].sort((x, y) => x - y));
    return new Set(steps.map((a) => kindOf(m, a)));
  };

  it('deliveries, then node by node its local actions and due timers, then drop … tick', () => {
    const m = build(everything, faults);
    const [w0] = m.init();
    const seen = ordered(m, m.actions(w0));
    const find = (w: typeof w0, label: string) => m.actions(w).find((a) => m.label(a) === label)!;
    const w1 = m.next(w0, find(w0, 'crash a'));
    const w2 = m.next(w1, find(w1, 'pause b'));
    const w3 = m.next(w2, find(w2, 'partition a | b c'));
    for (const kind of ordered(m, m.actions(w3))) seen.add(kind);
    expect([...seen].sort()).toEqual([...ORDER.filter((k) => k !== 'node'), 'local', 'timer'].sort());
  });

  it('in rounds, the Byzantine choices (or the round) come first', () => {
    const m = build(everything, { timing: 'rounds', drop: 1, crash: 1, byzantine: 1, byzantineNodes: ['c'], maxTime: 1 });
    const kinds = m.actions(m.init()[0]).map((a) => a.kind);
    expect(kinds.slice(0, 2)).toEqual(['byzantine', 'byzantine']);
    expect(kinds.slice(2).filter((k) => k === 'byzantine' || k === 'round')).toEqual([]);
    expect(new Set(kinds)).toEqual(new Set(['byzantine', 'drop', 'crash', 'tick']));
  });
});

describe('protocol layer: node identity', () => {
  it('a node state shaped like [state, timers] is not that state with those timers armed', () => {
    // Two ways out of `init`: arm timer t and become "x", or become ["x", [{ name: "t", deadline: null }]]
    // with nothing armed; then t may fire, leaving "x" with nothing armed. Four states in all.
    const shapeshifter = role<unknown>({
      init: () => 'init',
      durable: [],
      actions: {
        arm: { when: (s) => s === 'init', run: (_s, ctx) => (ctx.setTimer('t'), 'x') },
        mimic: { when: (s) => s === 'init', run: () => ['x', [{ name: 't', deadline: null }]] },
      },
    });
    const p = protocol({ roles: { shapeshifter }, nodes: { shapeshifter: ['p'] } }, { properties: [], deadlock: false });
    const m = build(p);
    const [w0] = m.init();
    const [armed, mimic] = m.actions(w0).map((a) => m.next(w0, a));
    expect(m.show!(armed)).not.toEqual(m.show!(mimic));
    expect(check(m).stats.distinctStates).toBe(4);
  });
});
