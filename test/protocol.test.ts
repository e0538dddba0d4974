import { describe, expect, it } from 'vitest';
import { check } from '../src/explore/check.ts';
import { stepInfo, type StepInfo } from '../src/model/model.ts';
import { always, sometimes, transition } from '../src/model/property.ts';
import { compile, type ProtocolModel } from '../src/protocol/compile.ts';
import { NO_FAULTS, validateFaults, type FaultConfig } from '../src/protocol/faults.ts';
import type { NodeState, Payload, Protocol, Step } from '../src/protocol/types.ts';
import type { World } from '../src/protocol/world.ts';
import { paths, reachable } from './support/paths.ts';

type Plain<T> = NodeState<T, null>;
const plain = <T>(durable: T): Plain<T> => ({ durable, volatile: null });
const build = (p: Protocol<any>, faults: Partial<FaultConfig> = {}): ProtocolModel => compile(p, { ...NO_FAULTS, ...faults });
const kindOf = (m: ProtocolModel, a: Step) => stepInfo(m, a).kind;

/** A client sends one request; the server answers each request it receives. */
const requestResponse: Protocol = {
  nodes: [
    { id: 'client', role: 'client' },
    { id: 'server', role: 'server' },
  ],
  roles: {
    client: {
      init: () => plain({ status: 'idle' }),
      actions: {
        request: {
          when: (s: Plain<{ status: string }>) => s.durable.status === 'idle',
          run: (_s, ctx) => {
            ctx.send('server', { type: 'Req' });
            return plain({ status: 'waiting' });
          },
        },
      },
      receive: (_s, m: Payload) => (m.type === 'Resp' ? plain({ status: 'answered' }) : undefined),
    },
    server: {
      init: () => plain({ served: 0 }),
      receive: (s: Plain<{ served: number }>, _m, from, ctx) => {
        ctx.send(from, { type: 'Resp' });
        return plain({ served: s.durable.served + 1 });
      },
    },
  },
  properties: [],
};

const outcome = (w: World) => `${w.node<Plain<{ status: string }>>('client').durable.status}/${w.node<Plain<{ served: number }>>('server').durable.served}`;

describe('protocol layer: network semantics and message faults', () => {
  it('labels deliveries as "deliver Type from→to" and steps by kind', () => {
    const m = build(requestResponse);
    const [w0] = m.init();
    const w1 = m.next(w0, m.actions(w0)[0]);
    const [deliver] = m.actions(w1);
    expect(m.label(deliver)).toBe('deliver Req client→server');
    expect(stepInfo(m, deliver)).toMatchObject({ kind: 'deliver', from: 'client', to: 'server', message: 'Req' });
  });

  it('without faults a request is always answered', () => {
    const { deadEnds } = reachable(build(requestResponse));
    expect(new Set(deadEnds.map(outcome))).toEqual(new Set(['answered/1']));
  });

  it('drop=1 reaches exactly: answered, request lost, response lost', () => {
    const { deadEnds } = reachable(build(requestResponse, { drop: 1 }));
    expect(new Set(deadEnds.map(outcome))).toEqual(new Set(['answered/1', 'waiting/0', 'waiting/1']));
  });

  it('duplicate=1 makes a non-idempotent counter reach 2, and no more', () => {
    const served = (faults: Partial<FaultConfig>) =>
      new Set(reachable(build(requestResponse, faults)).states.map((w) => w.node<Plain<{ served: number }>>('server').durable.served));
    expect(served({})).toEqual(new Set([0, 1]));
    expect(served({ duplicate: 1 })).toEqual(new Set([0, 1, 2]));
    expect(served({ duplicate: 2 })).toEqual(new Set([0, 1, 2, 3]));
  });

  /** A sender sends 1 then 2 to a receiver that logs arrivals. */
  const ordered: Protocol = {
    nodes: [
      { id: 'a', role: 'sender' },
      { id: 'b', role: 'receiver' },
    ],
    roles: {
      sender: {
        init: () => plain({ next: 1 }),
        actions: {
          send: {
            when: (s: Plain<{ next: number }>) => s.durable.next <= 2,
            run: (s: Plain<{ next: number }>, ctx) => {
              ctx.send('b', { type: 'M', n: s.durable.next });
              return plain({ next: s.durable.next + 1 });
            },
          },
        },
      },
      receiver: {
        init: () => plain({ log: [] as number[] }),
        receive: (s: Plain<{ log: number[] }>, m: Payload) => plain({ log: [...s.durable.log, m.n as number] }),
      },
    },
    properties: [],
  };
  const logs = (network: FaultConfig['network'], faults: Partial<FaultConfig> = {}) =>
    new Set(reachable(build(ordered, { network, ...faults })).states.map((w) => w.node<Plain<{ log: number[] }>>('b').durable.log.join(',')));

  it('fifo never delivers out of order; unordered does', () => {
    expect(logs('fifo')).toEqual(new Set(['', '1', '1,2']));
    expect(logs('unordered')).toEqual(new Set(['', '1', '2', '1,2', '2,1']));
  });

  it('a duplicate on a fifo channel arrives in order', () => {
    expect(logs('fifo', { duplicate: 1 })).toEqual(new Set(['', '1', '1,1', '1,2', '1,1,2', '1,2,2']));
  });

  it('the set network never consumes: a message can be received again', () => {
    const m = build(ordered, { network: 'set' });
    const received = [...paths(m, 3)].map((p) => p.states[p.states.length - 1].node<Plain<{ log: number[] }>>('b').durable.log.join(','));
    expect(received).toContain('1,1');
  });
});

describe('protocol layer: crashes, pauses, partitions', () => {
  type Counter = NodeState<{ count: number }, { count: number } | null>;
  const counting: Protocol = {
    nodes: [{ id: 'n', role: 'counter' }],
    roles: {
      counter: {
        init: (): Counter => ({ durable: { count: 0 }, volatile: { count: 0 } }),
        actions: {
          inc: {
            when: (s: Counter) => s.durable.count < 2,
            run: (s: Counter) => ({ durable: { count: s.durable.count + 1 }, volatile: { count: s.volatile!.count + 1 } }),
          },
        },
      },
    },
    properties: [],
  };

  it('crash-recovery keeps the durable counter and loses the volatile one', () => {
    const m = build(counting, { crash: 1, recover: 1 });
    let recovered = 0;
    for (const p of paths(m, 6)) {
      p.actions.forEach((a, i) => {
        const before = p.states[i].node<Counter>('n');
        const after = p.states[i + 1].node<Counter>('n');
        if (a.kind === 'crash') expect(after).toEqual({ durable: before.durable, volatile: null });
        if (a.kind === 'recover') {
          expect(after).toEqual({ durable: before.durable, volatile: { count: 0 } });
          if (before.durable.count > 0) recovered++;
        }
      });
    }
    expect(recovered).toBeGreaterThan(0);
  });

  it('crash-stop (recover=0) never comes back', () => {
    const m = build(counting, { crash: 1 });
    for (const p of paths(m, 5)) expect(p.actions.filter((a) => a.kind === 'recover')).toHaveLength(0);
    const { deadEnds } = reachable(m);
    expect(deadEnds.some((w) => w.crashed('n') && w.node<Counter>('n').durable.count < 2)).toBe(true);
  });

  it('a paused node takes no step between pause and resume, while ticks happen', () => {
    const m = build({ ...counting, nodes: [{ id: 'n', role: 'counter' }] }, { pause: 1, maxTime: 3 });
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

  /** a pings b and c once each; b and c answer. */
  const pinging: Protocol = {
    nodes: ['a', 'b', 'c'].map((id) => ({ id, role: id === 'a' ? 'pinger' : 'ponger' })),
    roles: {
      pinger: {
        init: () => plain({ pongs: 0 }),
        start: (s, ctx) => {
          ctx.broadcast({ type: 'Ping' });
          return s;
        },
        receive: (s: Plain<{ pongs: number }>) => plain({ pongs: s.durable.pongs + 1 }),
      },
      ponger: {
        init: () => plain({ pinged: false }),
        receive: (_s, _m, from, ctx) => {
          ctx.send(from, { type: 'Pong' });
          return plain({ pinged: true });
        },
      },
    },
    properties: [],
  };

  it('a partition loses every message across it until heal', () => {
    const m = build(pinging, { partition: 1 });
    const crossing = (w: World) => w.inFlight().some((e) => w.separated(e.from, e.to));
    const r = check({
      ...m,
      properties: [
        always('nothing in flight across the cut', (w: World) => !crossing(w)),
        transition('no delivery across the cut', (w: World, a: Step) => {
          if (a.kind !== 'deliver') return true;
          const e = w.inFlight().find((x) => m.label(a) === `deliver ${x.payload.type} ${x.from}→${x.to}`)!;
          return !w.separated(e.from, e.to);
        }),
        sometimes('a ping was lost to the partition', (w: World) => w.partition === 0 && w.faultsUsed('partition') === 1 && w.inFlight().length === 0 && w.node<Plain<{ pongs: number }>>('a').durable.pongs < 2),
        sometimes('delivery after heal', (w: World) => w.faultsUsed('partition') === 1 && w.partition === 0 && w.node<Plain<{ pongs: number }>>('a').durable.pongs === 2),
      ],
    });
    expect(r.verdict).toBe('holds');
    // 3 nodes: 2^(3-1) - 1 = 3 ways to split them.
    expect(m.actions(m.init()[0]).filter((a) => a.kind === 'partition')).toHaveLength(3);
  });

  it('no trace contains more faults of a kind than its budget', () => {
    const budgets = { drop: 1, duplicate: 1, crash: 1, recover: 1, pause: 1, partition: 1 } as const;
    const m = build({ ...pinging, nodes: pinging.nodes.slice(0, 2) }, budgets);
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
  const idle: Protocol = {
    nodes: [
      { id: 'p', role: 'idle' },
      { id: 'q', role: 'idle' },
    ],
    roles: { idle: { init: () => plain({}) } },
    properties: [],
  };

  it('|local clock − global time| ≤ skew in every reachable state, with drift bounded per tick', () => {
    const skew = 2;
    const drift = 1;
    const m = build(idle, { maxTime: 4, skew, drift });
    expect(m.init()).toHaveLength((2 * skew + 1) ** 2);
    const offset = (w: World, id: string) => w.clock(id) - w.time;
    const r = check({
      ...m,
      properties: [
        always('skew bound', (w: World) => w.ids.every((id) => Math.abs(w.clock(id) - w.time) <= skew)),
        transition('drift bound', (w: World, a: Step, t: World) => w.ids.every((id) => a.kind !== 'tick' || Math.abs(offset(t, id) - offset(w, id)) <= drift)),
        sometimes('clocks disagree by 2·skew', (w: World) => Math.abs(w.clock('p') - w.clock('q')) === 2 * skew),
        sometimes('an offset drifted', (w: World) => w.time > 0 && offset(w, 'p') !== 0),
      ],
    });
    expect(r.verdict).toBe('holds');
  });

  type Armed = Plain<{ fired: number | null }>;
  const alarm: Protocol = {
    nodes: [{ id: 'p', role: 'alarm' }],
    roles: {
      alarm: {
        init: (): Armed => plain({ fired: null }),
        start: (s, ctx) => {
          ctx.setTimer('wake', 2);
          return s;
        },
        timer: (_s, _name, ctx) => plain({ fired: ctx.now }),
      },
    },
    properties: [],
  };

  it('a timer fires once its local-clock deadline is reached', () => {
    const fired = (faults: Partial<FaultConfig>) =>
      new Set(reachable(build(alarm, faults)).states.map((w) => w.node<Armed>('p').durable.fired));
    expect(fired({ maxTime: 4 })).toEqual(new Set([null, 2, 3, 4]));
    // A constant offset shifts the deadline with the clock; only drift can make a 2-tick timer fire after 1 tick.
    const firstFiring = (faults: Partial<FaultConfig>) =>
      Math.min(...reachable(build(alarm, { maxTime: 4, ...faults })).states.filter((w) => w.node<Armed>('p').durable.fired !== null).map((w) => w.time));
    expect(firstFiring({ skew: 1 })).toBe(2);
    expect(firstFiring({ skew: 1, drift: 1 })).toBe(1);
    // Without clocks a timeout may happen at any moment.
    expect(fired({})).toEqual(new Set([null, 0]));
  });
});

describe('protocol layer: bounded timing', () => {
  type Log = Plain<{ sent: number | null; got: number | null; answered: number | null }>;
  /** p sends one Ping when it likes; q arms an immediate timer on receipt and answers when it fires. */
  const echo: Protocol = {
    nodes: [
      { id: 'p', role: 'p' },
      { id: 'q', role: 'q' },
    ],
    roles: {
      p: {
        init: (): Log => plain({ sent: null, got: null, answered: null }),
        actions: {
          ping: {
            when: (s: Log) => s.durable.sent === null,
            run: (s: Log, ctx) => {
              ctx.send('q', { type: 'Ping' });
              return plain({ ...s.durable, sent: ctx.now });
            },
          },
        },
      },
      q: {
        init: (): Log => plain({ sent: null, got: null, answered: null }),
        receive: (s: Log, _m, _from, ctx) => {
          ctx.setTimer('answer', 0);
          return plain({ ...s.durable, got: ctx.now });
        },
        timer: (s: Log, _name, ctx) => plain({ ...s.durable, answered: ctx.now }),
      },
    },
    properties: [],
  };
  const at = (w: World) => ({ sent: w.node<Log>('p').durable.sent, got: w.node<Log>('q').durable.got, answered: w.node<Log>('q').durable.answered });

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
  type Heard = Plain<{ heard: readonly string[] }>;
  /** General g tells l1 and l2 its order; l1 relays what it got to l2 (signed: adding its signature). */
  const orders = (signedChains: boolean): Protocol => ({
    nodes: [
      { id: 'g', role: 'general' },
      { id: 'l1', role: 'lieutenant' },
      { id: 'l2', role: 'lieutenant' },
    ],
    roles: {
      general: {
        init: () => plain({}),
        start: (s, ctx) => {
          ctx.broadcast({ type: 'Order', value: 'attack', ...(signedChains ? { chain: ['g'] } : {}) });
          return s;
        },
      },
      lieutenant: {
        init: (): Heard => plain({ heard: [] }),
        receive: (s: Heard, m: Payload) => {
          const chain = (m.chain as string[] | undefined) ?? [];
          return plain({ heard: [...s.durable.heard, `${m.value}:${chain.join('')}`].sort() });
        },
      },
    },
    universe: (from, to) =>
      to === 'g'
        ? []
        : ['attack', 'retreat'].flatMap((value) =>
            signedChains
              ? [
                  { type: 'Order', value, chain: ['g', from] },
                  { type: 'Order', value, chain: [from] },
                ]
              : [{ type: 'Order', value }],
          ),
    properties: [],
  });
  const heard = (p: Protocol, faults: Partial<FaultConfig>) =>
    reachable(build(p, faults)).states.map((w) => ({ l1: w.node<Heard>('l1').durable.heard, l2: w.node<Heard>('l2').durable.heard, traitor: w.ids.filter((id) => w.byzantine(id)) }));

  it('explores every placement of the Byzantine nodes', () => {
    const m = build(orders(false), { byzantine: 1 });
    expect(m.init().map((w) => w.ids.filter((id) => w.byzantine(id)).join())).toEqual(['g', 'l1', 'l2']);
    expect(build(orders(false), { byzantine: 2 }).init()).toHaveLength(3);
  });

  it('an oral traitor can equivocate: different orders to different lieutenants', () => {
    const states = heard(orders(false), { byzantine: 1, byzantineNodes: ['g'], lies: 2 });
    expect(states.some((s) => s.l1.includes('attack:') && s.l2.includes('retreat:') && !s.l1.includes('retreat:'))).toBe(true);
  });

  it('a signed traitor cannot forge a loyal signature, but can relay one it received', () => {
    const faults = { byzantine: 1, byzantineNodes: ['l1'], byzantineMode: 'signed', lies: 2 } as const;
    const states = heard(orders(true), faults);
    expect(states.some((s) => s.l2.includes('retreat:gl1'))).toBe(false);
    expect(states.some((s) => s.l2.includes('attack:gl1'))).toBe(true);
    expect(states.some((s) => s.l2.includes('retreat:l1'))).toBe(true);
    // The same traitor without signatures lies freely about what g said.
    const oral = heard(orders(true), { ...faults, byzantineMode: 'oral' });
    expect(oral.some((s) => s.l2.includes('retreat:gl1'))).toBe(true);
  });

  it('a signed bundle is learned item by item, and is forged if any of its items is', () => {
    const order = (value: string, chain: string[]) => ({ type: 'Order', value, chain });
    const bundled: Protocol = {
      nodes: [
        { id: 'g', role: 'general' },
        { id: 'l1', role: 'lieutenant' },
        { id: 'l2', role: 'lieutenant' },
      ],
      roles: {
        general: {
          init: () => plain({}),
          // One payload carrying two signed orders, to the traitor only.
          start: (s, ctx) => {
            ctx.send('l1', { type: 'Orders', bundle: [order('attack', ['g']), order('hold', ['g'])] });
            return s;
          },
        },
        lieutenant: {
          init: (): Heard => plain({ heard: [] }),
          receive: (s: Heard, m: Payload) => {
            const items = (m.bundle as { value: string; chain: string[] }[]).map((x) => `${x.value}:${x.chain.join('')}`);
            return plain({ heard: [...s.durable.heard, ...items].sort() });
          },
        },
      },
      universe: (_from, to) =>
        to === 'l2'
          ? [
              { type: 'Orders', bundle: [order('attack', ['g', 'l1']), order('retreat', ['g', 'l1'])] },
              { type: 'Orders', bundle: [order('attack', ['g', 'l1']), order('hold', ['g', 'l1'])] },
            ]
          : [],
      properties: [],
    };
    const states = heard(bundled, { byzantine: 1, byzantineNodes: ['l1'], byzantineMode: 'signed', lies: 1 });
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
  type Count = Plain<{ got: number; seen: readonly number[] }>;
  const gossip: Protocol = {
    nodes: ['a', 'b', 'c'].map((id) => ({ id, role: 'peer' })),
    roles: {
      peer: {
        init: (): Count => plain({ got: 0, seen: [] }),
        start: (s, ctx) => {
          ctx.broadcast({ type: 'Hello' });
          return s;
        },
        receive: (s: Count) => plain({ ...s.durable, got: s.durable.got + 1 }),
        endOfRound: (s: Count, round, ctx) => {
          ctx.broadcast({ type: 'Hello' });
          return plain({ ...s.durable, seen: [...s.durable.seen, s.durable.got] });
        },
      },
    },
    rounds: 2,
    properties: [],
  };

  it('delivers every message of round r before round r+1 starts', () => {
    const m = build(gossip, { timing: 'rounds' });
    const { states, deadEnds } = reachable(m);
    expect(states).toHaveLength(3); // start, after round 1, after round 2: rounds are deterministic here
    for (const w of deadEnds) for (const id of w.ids) expect(w.node<Count>(id).durable.seen).toEqual([2, 4]);
    expect(m.terminal!(deadEnds[0])).toBe(true);
  });

  it('a Byzantine node picks one message (or none) per recipient per round', () => {
    const m = build({ ...gossip, universe: () => [{ type: 'Hello' }] }, { timing: 'rounds', byzantine: 1, byzantineNodes: ['a'] });
    const [w0] = m.init();
    expect(m.actions(w0).map((a) => m.label(a))).toEqual(['byzantine a sends Hello to b', 'byzantine a sends nothing to b']);
    const totals = new Set(reachable(m).deadEnds.map((w) => w.node<Count>('b').durable.seen.join('/')));
    // b hears c every round, and a (the traitor) in some rounds but not others.
    expect(totals).toEqual(new Set(['1/2', '1/3', '2/3', '2/4']));
  });
});

describe('protocol layer: environment assumptions', () => {
  /** Two nodes, each with one timer that may fire at any time; firing it marks the node as started. */
  const race: Protocol = {
    nodes: [
      { id: 'a', role: 'racer' },
      { id: 'b', role: 'racer' },
    ],
    roles: {
      racer: {
        init: () => plain({ started: false }),
        start: (s, ctx) => ctx.setTimer('go'),
        timer: () => plain({ started: true }),
      },
    },
    properties: [],
  };
  const started = (w: World) => w.ids.filter((id) => w.node<Plain<{ started: boolean }>>(id).durable.started).join('+');
  /** "Only one goes first": a node's timer fires only while no other node has started. */
  const solo = (w: World, step: StepInfo) => step.kind !== 'timer' || started(w) === '';

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
