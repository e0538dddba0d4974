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
import { FAULT_STEP_KINDS, type StepKind } from '../src/model/model.ts';
import { codecOf } from '../src/state/codec.ts';
import { fingerprintHex } from '../src/state/fingerprint.ts';
import { World } from '../src/protocol/world.ts';
import { build, codecCases, fingerprinter, firstStates, successors } from './support/codec-cases.ts';

const CAP = 300;
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
