/**
 * What a step changed, as the text trace shows it (issue 9, item 19): a list that grows or shrinks
 * reads as the elements that joined (+) and left (−), not as a vanished empty list beside a new
 * `[0]`, nor as every later index changing when one record is removed.
 */
import { describe, expect, it } from 'vitest';
import { diff } from '../src/report/diff.ts';
import { colors, formatTrace } from '../src/report/text.ts';
import type { Trace } from '../src/trace/trace.ts';

const trace = (...states: unknown[]): Trace => ({
  steps: states.map((state, index) => ({ index, kind: index === 0 ? 'init' : 'action', action: index === 0 ? 'init' : `step ${index}`, actionIndex: 0, state })),
  loopStart: null,
});

describe('list changes in trace diffs', () => {
  it('an empty list that gains a record: one change that adds it', () => {
    const changes = diff({ log: [], n: 0 }, { log: [{ op: 'put', v: 1 }], n: 0 });
    expect(changes).toEqual([{ path: 'log', before: '[]', after: '[{op: "put", v: 1}]', added: ['{op: "put", v: 1}'], removed: [] }]);
    const text = formatTrace(trace({ log: [] }, { log: [{ op: 'put', v: 1 }] }), colors(false));
    expect(text).toContain('log: +{op: "put", v: 1}');
    expect(text).not.toContain('(gone)');
    expect(text).not.toContain('log[0]');
  });

  it('a record removed from the middle: one change that removes it, no later index shifts', () => {
    const before = { queue: [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }] };
    const after = { queue: [{ id: 1 }, { id: 3 }, { id: 4 }] };
    expect(diff(before, after)).toEqual([{ path: 'queue', before: '[{id: 1}, {id: 2}, {id: 3}, {id: 4}]', after: '[{id: 1}, {id: 3}, {id: 4}]', added: [], removed: ['{id: 2}'] }]);
    expect(formatTrace(trace(before, after), colors(false))).toMatch(/queue: −\{id: 2\}$/m);
  });

  it('a list of records of the same length changes field by field', () => {
    const before = { nodes: [{ term: 1, role: 'follower' }, { term: 1, role: 'follower' }] };
    const after = { nodes: [{ term: 1, role: 'follower' }, { term: 2, role: 'candidate' }] };
    expect(diff(before, after)).toEqual([
      { path: 'nodes[1].term', before: '1', after: '2' },
      { path: 'nodes[1].role', before: '"follower"', after: '"candidate"' },
    ]);
  });

  it('a record that gains a field shows only the new field', () => {
    expect(diff({ x: {} }, { x: { a: 1 } })).toEqual([{ path: 'x.a', after: '1' }]);
    expect(diff({ x: { a: 1, b: 2 } }, { x: { a: 1 } })).toEqual([{ path: 'x.b', before: '2' }]);
  });
});
