/**
 * A compiled protocol tells a delivery's or a local action's successor fingerprint without
 * building the successor (`successorFingerprint`), and the searches store only those
 * fingerprints for states already seen. A wrong answer would merge two different states, so
 * here every answer is compared with the fingerprint of the successor actually built: every
 * shipped model under every variant and system model, on the first states of a breadth-first
 * search, plus a protocol made to send the same message twice in one step and to send what is
 * already in flight (where a set and a multiset of messages differ).
 */
import { describe, expect, it } from 'vitest';
import { successorIdentity, type Model } from '../src/model/model.ts';
import { compile } from '../src/protocol/compile.ts';
import { NO_FAULTS, type FaultConfig } from '../src/protocol/faults.ts';
import { protocol, role } from '../src/protocol/types.ts';
import { build, codecCases, fingerprinter, firstStates } from './support/codec-cases.ts';

const CAP = 300;
const hex = (out: Int32Array) => (out[0] >>> 0).toString(16).padStart(8, '0') + (out[1] >>> 0).toString(16).padStart(8, '0');

/** Over the first `cap` states: how many successors were told without building them, how many were not, and every disagreement. */
function compare<S>(model: Model<S, any>, cap = CAP) {
  const told = successorIdentity(model, false);
  const fp = fingerprinter(model);
  const out = new Int32Array(2);
  let peeked = 0;
  let built = 0;
  const wrong: string[] = [];
  for (const s of firstStates(model, cap).states) {
    for (const a of model.actions(s)) {
      if (told === undefined || !told(s, a, out)) {
        built++;
        continue;
      }
      peeked++;
      const actual = fp(model.next(s, a));
      if (hex(out) !== actual) wrong.push(`${model.label(a)}: told ${hex(out)}, built ${actual}`);
    }
  }
  return { peeked, built, wrong };
}

describe('successor fingerprints told without building the successor', () => {
  const networks = new Map<string, number>();
  for (const c of codecCases()) {
    const what = `${c.name} ${c.config.variant}${c.config.system ? ` @${c.config.system}` : ''}${c.config.faults ? ` ${JSON.stringify(c.config.faults)}` : ''}`;
    it(`are those of the built successors: ${what}`, () => {
      const model = build(c);
      const { peeked, wrong } = compare(model);
      expect(wrong).toEqual([]);
      const network = (model as { config?: FaultConfig }).config?.network ?? 'plain';
      networks.set(network, (networks.get(network) ?? 0) + peeked);
    });
  }
  it('were told on set and unordered networks, never on FIFO ones (their identity is their order)', () => {
    expect(networks.get('set')).toBeGreaterThan(0);
    expect(networks.get('unordered')).toBeGreaterThan(0);
    expect(networks.get('fifo')).toBe(0);
  });

  type Ping = { readonly type: 'Ping' } | { readonly type: 'Pong' };
  /** `a` sends two equal pings in one step, as often as it likes; `b` answers each with a pong, the same one every time. */
  const a = role<{ readonly sent: number; readonly ponged: number }, Ping>({
    init: () => ({ sent: 0, ponged: 0 }),
    actions: {
      twice: {
        when: (s) => s.sent < 2,
        run: (s, ctx) => {
          ctx.send('b', { type: 'Ping' });
          ctx.send('b', { type: 'Ping' });
          return { ...s, sent: s.sent + 1 };
        },
      },
    },
    receive: (s) => ({ ...s, ponged: Math.min(s.ponged + 1, 3) }),
  });
  const b = role<{ readonly pinged: number }, Ping>({
    init: () => ({ pinged: 0 }),
    receive: (s, _m, from, ctx) => {
      ctx.send(from, { type: 'Pong' });
      return { pinged: Math.min(s.pinged + 1, 3) };
    },
  });
  const pingPong = protocol({ roles: { a, b }, nodes: { a: ['a'], b: ['b'] } }, { properties: [] });

  for (const network of ['set', 'unordered'] as const) {
    it(`count repeated and already-sent messages as a ${network} network holds them`, () => {
      const model = compile(pingPong, { ...NO_FAULTS, network, drop: 1, duplicate: network === 'set' ? 0 : 1 });
      const { peeked, built, wrong } = compare(model, 2000);
      expect(wrong).toEqual([]);
      expect(peeked).toBeGreaterThan(0);
      // Losses and duplications change a fault budget: those successors are built.
      expect(built).toBeGreaterThan(0);
    });
  }

  it('are not asked for under step properties, which read every successor', () => {
    const model = compile(pingPong, NO_FAULTS);
    expect(successorIdentity(model, false)).toBeDefined();
    expect(successorIdentity(model, true)).toBeUndefined();
    // A copy whose fingerprint is its own is searched by building every successor.
    expect(successorIdentity({ ...model, fingerprint: undefined }, false)).toBeUndefined();
  });
});
