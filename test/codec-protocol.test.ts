/**
 * The world codec of compiled protocols (src/protocol/codec.ts): every shipped model, every
 * variant and system model, on the first states of a breadth-first search — each state decoded
 * from its bytes is the same state (same fingerprint, same `show`, the same successors), in the
 * codec that encoded it, in a codec of a separately built model sharing its tables (another
 * thread's situation: its own message and fragment ids), and after save → load in a fresh codec.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { definition as twoPhaseCommit } from '../models/two-phase-commit/index.ts';
import { instantiate } from '../src/model/definition.ts';
import { FAULT_STEP_KINDS, type StepKind } from '../src/model/model.ts';
import { codecOf } from '../src/state/codec.ts';
import { fingerprintHex } from '../src/state/fingerprint.ts';
import { World } from '../src/protocol/world.ts';
import { build, codecCases, fingerprinter, firstStates, successors } from './support/codec-cases.ts';

const CAP = 150;
const dir = mkdtempSync(join(tmpdir(), 'faultline-codec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the world codec round-trips', () => {
  const kindsMet = new Set<StepKind>();
  const shapes = { knowledge: false, fifo: false, set: false, offsets: false, status: false, partition: false, round: false, timers: false };

  for (const c of codecCases()) {
    const what = `${c.name} ${c.config.variant}${c.config.system ? ` @${c.config.system}` : ''}${c.config.faults ? ` ${JSON.stringify(c.config.faults)}` : ''}`;
    it(what, () => {
      const model = build(c);
      const fp = fingerprinter(model);
      const { states, kinds } = firstStates<World>(model, CAP);
      for (const k of kinds) kindsMet.add(k);
      const codec = codecOf(model);
      const encoded = states.map((s) => codec.encode(s));

      // Another model instance (its own kernel, message and fragment ids) sharing the tables.
      const other = build(c);
      const otherFp = fingerprinter(other);
      const otherCodec = codecOf(other, structuredClone(codec.share()));
      // A fresh codec reading the tables back from a checkpoint directory.
      const saved = join(dir, what.replace(/[^\w-]+/g, '_'));
      mkdirSync(saved, { recursive: true });
      codec.save(saved);
      const reloaded = build(c);
      const reloadedCodec = codecOf(reloaded, undefined, saved);

      /** What must be equal: the fingerprint, what a trace shows (by its fingerprint: it is plain data), the successors. */
      const summary = (m: typeof model, f: typeof fp, w: World) => [f(w), fingerprintHex(m.show!(w)), ...successors(m, f, w)].join('\n');
      states.forEach((s, i) => {
        const expected = summary(model, fp, s);
        for (const [m, f, cd] of [[model, fp, codec], [other, otherFp, otherCodec], [reloaded, fingerprinter(reloaded), reloadedCodec]] as const) {
          const back = cd.decode(encoded[i]);
          expect(summary(m, f, back)).toBe(expected);
          // A decoded world encodes to the same bytes (the generic codec of plain models promises no more than the same state).
          if (s instanceof World) expect(cd.encode(back)).toEqual(encoded[i]);
        }
        if (!(s instanceof World)) return;
        shapes.knowledge ||= s.knowledge.length > 0;
        shapes.offsets ||= s.offsets.some((x) => x !== 0);
        shapes.status ||= s.status.some((x) => x !== 0);
        shapes.partition ||= s.partition !== 0;
        shapes.round ||= s.round !== 0;
        shapes.timers ||= s.timers.some((t) => t.length > 0);
        shapes.fifo ||= (model as { config?: { network: string } }).config?.network === 'fifo' && model.actions(s).length > 0;
        shapes.set ||= (model as { config?: { network: string } }).config?.network === 'set';
      });
    });
  }

  it('… covering every fault kind and every part of a world', () => {
    const wanted: StepKind[] = [...FAULT_STEP_KINDS, 'deliver', 'local', 'timer', 'tick', 'round'];
    expect(wanted.filter((k) => !kindsMet.has(k))).toEqual([]);
    expect(shapes).toEqual(Object.fromEntries(Object.keys(shapes).map((k) => [k, true])));
  });
});

describe('the world codec’s size', () => {
  it('two-phase commit (no faults): a flags byte, one byte per node, and the set of messages as a one-byte bitmap', () => {
    // The layout of src/protocol/codec.ts. Without faults every piece of bookkeeping keeps its
    // start value: no flag is set. Each node's entry id is below 128 (a one-byte varint). The
    // network is a set: when at least two messages are in flight, a bitmap of their table ids —
    // one byte, as there are fewer than 8 different messages — after a header byte beats a list
    // of one byte per message; a single message is a list of one.
    const rms = 2; // 6 different messages: Prepared from each RM, Commit and Abort to each
    const model = instantiate(twoPhaseCommit, { params: { rms }, variant: 'default' });
    const { states } = firstStates<World>(model, Infinity);
    expect(states.length).toBe(6 ** rms + 4 ** rms + 2 ** rms); // all of them
    expect(new Set(states.flatMap((s) => s.inFlight().map((e) => JSON.stringify(e)))).size).toBeLessThan(8);
    const codec = codecOf(model);
    for (const s of states) {
      const bytes = codec.encode(s);
      const k = s.inFlight().length;
      expect(bytes[0]).toBe(0);
      expect(bytes.length).toBe(1 + (rms + 1) + 1 + Math.min(k, 1));
    }
  });
});

describe('the world codec never merges two different values', () => {
  // A 64-bit collision cannot be found by search; it is made here by giving a value another's key.
  const model = instantiate(twoPhaseCommit, { params: { rms: 2 }, variant: 'default' });
  const { states } = firstStates<World>(model, Infinity);

  it('a node state under another node state’s key is an internal error, not that state', () => {
    const codec = codecOf(model);
    const [a, b] = [states[0], states.find((w) => w.states[1] !== states[0].states[1] && JSON.stringify(w.states[1]) !== JSON.stringify(states[0].states[1]))!];
    codec.encode(a);
    const forged = b.successor({ nodeHash: a.nodeHash, net: a.net });
    expect(() => codec.encode(forged)).toThrow(/^internal error: two different states of node \S+ have the same 64-bit fingerprint/);
  });

  it('a message under another message’s key, met in another model instance, is an internal error', () => {
    const codec = codecOf(model);
    const withMessages = states.filter((w) => w.inFlight().length > 0);
    const first = withMessages[0];
    codec.encode(first);
    // Another instance meets a different message first, under the key of the one the tables hold.
    const other = instantiate(twoPhaseCommit, { params: { rms: 2 }, variant: 'default' });
    const otherCodec = codecOf(other, codec.share());
    const { states: otherStates } = firstStates<World>(other, Infinity);
    const table = first.topology.messages;
    const held = first.topology.network.all(first.net)[0];
    const otherTable = otherStates[0].topology.messages;
    const victim = otherStates.map((w) => w.topology.network.all(w.net)).flat().find((id) => JSON.stringify(otherTable.get(id)) !== JSON.stringify(table.get(held)))!;
    otherTable.keyHi[victim] = table.keyHi[held];
    otherTable.keyLo[victim] = table.keyLo[held];
    const carrier = otherStates.find((w) => w.topology.network.all(w.net).includes(victim))!;
    expect(() => otherCodec.encode(carrier)).toThrow(/^internal error: two different messages have the same 64-bit fingerprint/);
  });
});
