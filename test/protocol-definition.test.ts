/**
 * `defineProtocol`'s fault configuration: a protocol's own fixed fault knobs, and a reduced plain
 * model that stands in for the protocol where the params ask for one.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../src/explore/check.ts';
import { instantiate, type BuildConfig } from '../src/model/definition.ts';
import { model } from '../src/model/model.ts';
import { bool, int } from '../src/model/params.ts';
import { always } from '../src/model/property.ts';
import { NO_SYSTEM, defineProtocol } from '../src/protocol/definition.ts';
import { protocol, role } from '../src/protocol/types.ts';

type Ping = { readonly type: 'Ping' };
/** A sender sends `pings` pings over a network that loses up to `losses` of them (the protocol's own fixed fault). */
const pinging = defineProtocol({
  name: 'pinging',
  description: 'pings over a lossy link',
  params: {
    pings: int({ default: 2, min: 0, description: 'pings sent' }),
    losses: int({ default: 1, min: 0, description: 'pings the link may lose' }),
    reduce: bool({ default: false, description: 'explore the counting model instead' }),
  },
  systems: {
    calm: { description: 'no faults besides the losses', faults: {} },
    crashy: { description: 'the receiver may crash', faults: { crash: 1, crashNodes: ['r'] } },
  },
  build: ({ params }) => {
    const sender = role<{ readonly sent: number }, Ping>({
      init: () => ({ sent: 0 }),
      actions: {
        send: {
          when: (s) => s.sent < params.pings,
          run: (s, ctx) => {
            ctx.send('r', { type: 'Ping' });
            return { sent: s.sent + 1 };
          },
        },
      },
    });
    const receiver = role<{ readonly got: number }, Ping>({ init: () => ({ got: 0 }), durable: 'all', receive: (s) => ({ got: s.got + 1 }) });
    return protocol(
      { roles: { sender, receiver }, nodes: { sender: ['s'], receiver: ['r'] } },
      {
        fixedFaults: { drop: params.losses },
        deadlock: false,
        properties: [always('no-invention', (w) => w.node('r').got <= w.node('s').sent)],
      },
    );
  },
  // Pings sent and received: the number in flight is their difference less the losses, which no property reads.
  reduced: ({ params }) =>
    params.reduce &&
    model(
      {
        init: () => [{ sent: 0, got: 0, lost: 0 }],
        actions: (s) => [...(s.sent < params.pings ? ['send'] : []), ...(s.got + s.lost < s.sent ? ['receive', ...(s.lost < params.losses ? ['lose'] : [])] : [])],
        next: (s, a) => (a === 'send' ? { ...s, sent: s.sent + 1 } : a === 'receive' ? { ...s, got: s.got + 1 } : { ...s, lost: s.lost + 1 }),
        label: (a) => a,
      },
      { deadlock: false, properties: [always('no-invention', (s) => s.got <= s.sent)] },
    ),
});

const build = (config: Partial<BuildConfig> & { params?: Record<string, number | boolean> }) =>
  instantiate(pinging, { variant: 'default', ...config, params: { pings: 2, losses: 1, reduce: false, ...config.params } });

describe('defineProtocol: the protocol’s fixed fault knobs', () => {
  it('apply over the system model chosen, whichever it is', () => {
    expect(build({}).faults).toEqual({ network: 'unordered', timing: 'async', drop: 1 });
    expect(build({ params: { losses: 2 } }).faults).toEqual({ network: 'unordered', timing: 'async', drop: 2 });
    expect(build({ system: 'crashy' }).faults).toEqual({ network: 'unordered', timing: 'async', drop: 1, crash: 1, 'crash-nodes': 'r' });
    expect(build({ system: NO_SYSTEM }).faults).toEqual({ network: 'unordered', timing: 'async', drop: 1 });
  });

  it('--faults may add other faults and repeat a fixed knob, but not change it', () => {
    expect(build({ faults: { duplicate: '1', drop: '1' } }).faults).toEqual({ network: 'unordered', timing: 'async', drop: 1, duplicate: 1 });
    expect(() => build({ faults: { drop: '0' } })).toThrow('fault drop is part of the pinging protocol (drop=1 for these params and variant); --faults cannot change it');
    // A trace file records every knob in force and is rebuilt on no system: the same model.
    const recorded = build({ system: 'crashy' }).faults!;
    expect(build({ system: NO_SYSTEM, faults: recorded }).faults).toEqual(recorded);
  });
});

describe('defineProtocol: a reduced model in place of the protocol', () => {
  // States: sent ≤ 2 pings, each received or lost (at most one) — counted by hand: sent 0: 1; sent 1: (0,0),(1,0),(0,1);
  // sent 2: (0,0),(1,0),(2,0),(0,1),(1,1): 9 in all.
  it('is explored where the params ask for it, with the faults it stands for', () => {
    const reduced = build({ params: { reduce: true } });
    expect(reduced.faults).toEqual({ network: 'unordered', timing: 'async', drop: 1 });
    // The protocol's states are the same triples: what is in flight is sent − got − lost, and lost the drop budget used.
    for (const m of [reduced, build({})]) expect([check(m).verdict, check(m).stats.distinctStates]).toEqual(['holds', 9]);
  });

  it('only under that configuration: other faults or another system are refused, the same knobs again accepted', () => {
    const refused = /pinging explores a reduced model for these params, equivalent to the protocol only under network=unordered timing=async drop=1; choose params that explore the protocol itself/;
    expect(() => build({ params: { reduce: true }, faults: { duplicate: '1' } })).toThrow(refused);
    expect(() => build({ params: { reduce: true }, system: 'crashy' })).toThrow(refused);
    expect(build({ params: { reduce: true }, system: NO_SYSTEM, faults: { network: 'unordered', timing: 'async', drop: 1 } }).faults).toEqual({
      network: 'unordered',
      timing: 'async',
      drop: 1,
    });
  });
});
