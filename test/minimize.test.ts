import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check } from '../src/explore/check.ts';
import { instantiate } from '../src/model/definition.ts';
import { FAULT_STEP_KINDS, type Model } from '../src/model/model.ts';
import { traceFile } from '../src/trace/file.ts';
import { minimize } from '../src/trace/minimize.ts';
import { replay } from '../src/trace/replay.ts';
import { buildTrace, statesAlong, type Path } from '../src/trace/trace.ts';
import { findTarget } from '../src/trace/violation.ts';
import { definition as retryLoop } from './fixtures/retry-loop.ts';
import { definition as rw, type RwState } from './fixtures/replicated-write.ts';
import { graphArb, graphModel, shortestTo } from './support/graph.ts';

/**
 * An independent executor for the 1-minimality check: follow labels (first enabled action with
 * the label) and say whether some state along the way satisfies `bad`; null when a label is not
 * enabled.
 */
function reachesBadByLabels<S, A>(model: Model<S, A>, initIndex: number, labels: readonly string[], bad: (s: S) => boolean): boolean | null {
  let s = model.init()[initIndex];
  if (bad(s)) return true;
  for (const label of labels) {
    const a = model.actions(s).find((x) => model.label(x) === label);
    if (a === undefined) return null;
    s = model.next(s, a);
    if (bad(s)) return true;
  }
  return false;
}

const labelsOf = <S, A>(model: Model<S, A>, path: Path) => statesAlong(model, path).actions.map((a) => model.label(a));

/** The trace after minimisation loses any single step: it must stop violating (or stop running). */
function expectOneMinimal<S, A>(model: Model<S, A>, path: Path, bad: (s: S) => boolean): void {
  const labels = labelsOf(model, path);
  for (let i = 0; i < labels.length; i++) {
    const without = [...labels.slice(0, i), ...labels.slice(i + 1)];
    expect(reachesBadByLabels(model, path.initIndex, without, bad)).not.toBe(true);
  }
}

const run = { model: 'replicated-write', variant: 'ack-before-replicate', params: {} };

describe('minimisation', () => {
  it('on random transition systems: never longer, still reaches a bad state, no shorter than BFS, 1-minimal', () => {
    let shrunk = 0;
    fc.assert(
      fc.property(graphArb, fc.nat(), (g, seed) => {
        // Labels name only the target, so a step can be skipped whenever an earlier state has an
        // edge to the same target; random walks take detours through cycles.
        const model = { ...graphModel(g), label: (a: { to: number }) => `to ${a.to}` };
        const found = check(model, { strategy: 'random', seed, walks: 20, maxDepth: 30 }).violations.find((v) => v.property === 'good');
        if (!found) return;
        const m = minimize(model, findTarget(model, 'good', 'always')!, found.path!);
        const { states } = statesAlong(model, m.path);
        expect(m.after.length).toBeLessThanOrEqual(found.path!.actions.length);
        expect(m.before.length).toBe(found.path!.actions.length);
        expect(g.bad.has(states[states.length - 1])).toBe(true);
        expect(m.after.length).toBeGreaterThanOrEqual(shortestTo(g, (s) => g.bad.has(s))!);
        expectOneMinimal(model, m.path, (s) => g.bad.has(s));
        if (m.after.length < m.before.length) shrunk++;
      }),
      { numRuns: 300 },
    );
    expect(shrunk).toBeGreaterThan(0);
  });

  it('on random walks under faults: fewer or equal faults and steps, reproduces on replay, 1-minimal', () => {
    const budgets = fc.record({
      drops: fc.integer({ min: 0, max: 2 }),
      dups: fc.integer({ min: 0, max: 1 }),
      partitions: fc.integer({ min: 0, max: 1 }),
      pauses: fc.integer({ min: 0, max: 1 }),
      maxTime: fc.integer({ min: 0, max: 2 }),
    });
    let minimised = 0;
    fc.assert(
      fc.property(budgets, fc.nat(), (b, seed) => {
        const params = { ...b, crashes: 1 };
        const model = instantiate(rw, { params, variant: 'ack-before-replicate' }) as Model<RwState, unknown>;
        // Without a crash no acknowledged write can be lost: at least one fault is necessary.
        expect(check(instantiate(rw, { params: { ...params, crashes: 0 }, variant: 'ack-before-replicate' })).verdict).toBe('holds');
        const shortest = check(model).violations[0].path!.actions.length;
        const walk = check(model, { strategy: 'random', seed, walks: 200, maxDepth: 25 }).violations[0];
        if (!walk) return;
        const m = minimize(model, findTarget(model, walk.property, walk.kind)!, walk.path!);
        const faultsBefore = walk.trace!.steps.filter((s) => FAULT_STEP_KINDS.has(s.kind)).length;
        expect(m.before).toEqual({ length: walk.path!.actions.length, faults: faultsBefore });
        expect(m.after.length).toBeLessThanOrEqual(m.before.length);
        expect(m.after.faults).toBeLessThanOrEqual(m.before.faults);
        expect(m.after.faults).toBeGreaterThanOrEqual(1);
        expect(m.after.length).toBeGreaterThanOrEqual(shortest);
        expect(m.trace.steps.filter((s) => FAULT_STEP_KINDS.has(s.kind)).length).toBe(m.after.faults);
        const file = traceFile({ ...run, params }, { property: walk.property, kind: walk.kind, trace: m.trace });
        expect(replay(model, file)).toEqual({ status: 'reproduces' });
        const target = findTarget(model, walk.property, walk.kind)!;
        expectOneMinimal(model, m.path, (s) => target.kind === 'always' && !target.holds(s));
        if (m.after.length < m.before.length) minimised++;
      }),
      { numRuns: 60 },
    );
    // The walks take detours; the property must have had something to shrink.
    expect(minimised).toBeGreaterThan(0);
  });

  it('drops every fault that is not needed before dropping other steps', () => {
    const params = { drops: 1, dups: 1, crashes: 1, partitions: 1, pauses: 1, maxTime: 1 };
    const model = instantiate(rw, { params, variant: 'ack-before-replicate' });
    // A hand-made detour: every removable fault, then the four steps that matter.
    const labels = [
      'tick',
      'pause primary',
      'resume primary',
      'client writes 1',
      'partition {client, primary} | {backup}',
      'duplicate Write client→primary',
      'deliver Write client→primary',
      'heal',
      'deliver Ack primary→client',
      'crash primary',
    ];
    const path = pathOfLabels(model, labels);
    const m = minimize(model, findTarget(model, 'acked-write-survives', 'always')!, path);
    expect(m.before).toEqual({ length: labels.length, faults: 6 }); // pause, resume, partition, duplicate, heal, crash
    expect(labelsOf(model, m.path)).toEqual(['client writes 1', 'deliver Write client→primary', 'deliver Ack primary→client', 'crash primary']);
    expect(m.after).toEqual({ length: 4, faults: 1 });
  });

  it('shrinks only the prefix of a lasso and keeps its loop', () => {
    const model = instantiate(retryLoop, { params: {}, variant: 'default' });
    const target = findTarget(model, 'served', 'eventually')!;
    for (const prefix of [
      ['tick', 'client starts'],
      ['client starts', 'tick'],
    ]) {
      const loop = ['client timer: send Ping', 'drop Ping client→server'];
      const path = { ...pathOfLabels(model, [...prefix, ...loop]), loopStart: prefix.length };
      const m = minimize(model, target, path);
      // The timer needs a started client, so `client starts` stays; the tick is a detour.
      expect(labelsOf(model, m.path)).toEqual(['client starts', ...loop]);
      expect(m.path.loopStart).toBe(1);
      const file = traceFile({ model: 'retry-loop', variant: 'default', params: {} }, { property: 'served', kind: 'eventually', trace: m.trace });
      expect(replay(model, file)).toEqual({ status: 'reproduces' });
    }
  });

  it('refuses a trace that does not violate the property', () => {
    const model = instantiate(rw, { params: { drops: 1, dups: 0, crashes: 1, partitions: 0, pauses: 0, maxTime: 0 }, variant: 'ack-before-replicate' });
    const path = pathOfLabels(model, ['client writes 1']);
    expect(() => minimize(model, findTarget(model, 'acked-write-survives', 'always')!, path)).toThrow(/does not violate/);
  });

  it('keeps a trace whose steps carry the same label as another enabled action', () => {
    // Two actions with one label lead to different states: only the second reaches the bad state.
    const model: Model<number, number> = {
      init: () => [0],
      actions: (s) => (s === 0 ? [1, 2] : []),
      next: (_s, a) => a,
      label: () => 'go',
      terminal: () => true,
      properties: [{ kind: 'always', name: 'not-two', holds: (s: number) => s !== 2 }],
    };
    const path = { initIndex: 0, actions: [1] };
    const m = minimize(model, findTarget(model, 'not-two', 'always')!, path);
    expect(m.path.actions).toEqual([1]);
    expect(buildTrace(model, m.path).steps.at(-1)!.state).toBe(2);
  });
});

function pathOfLabels<S, A>(model: Model<S, A>, labels: readonly string[]): Path {
  let s = model.init()[0];
  const actions = labels.map((label) => {
    const enabled = model.actions(s);
    const i = enabled.findIndex((a) => model.label(a) === label);
    if (i < 0) throw new Error(`"${label}" is not enabled`);
    s = model.next(s, enabled[i]);
    return i;
  });
  return { initIndex: 0, actions };
}
