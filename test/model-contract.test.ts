/**
 * A wrong verdict is the worst defect a model checker can have: states that are not plain data,
 * a model that breaks the hook contract, or an unknown fairness node must never end in "holds";
 * and an error is blamed on whoever made it (the model, by hook, or faultline itself).
 */
import { describe, expect, it } from 'vitest';
import { check } from '../src/explore/check.ts';
import { InputError, ModelError } from '../src/model/errors.ts';
import { parseFairness } from '../src/model/fairness.ts';
import type { Model } from '../src/model/model.ts';
import { always, eventually } from '../src/model/property.ts';
import { fingerprintHex } from '../src/state/fingerprint.ts';
import { MAX_NESTING, PlainDataError } from '../src/state/plain-data.ts';
import { faultline } from './support/cli.ts';

/** A model whose only state field `v` steps through `values` (index i → i + 1); the invariant fails at the last one. */
function stepsThrough<V>(values: readonly V[]): Model<{ i: number; v: V }, 'next'> {
  return {
    init: () => [{ i: 0, v: values[0] }],
    actions: (s) => (s.i < values.length - 1 ? ['next'] : []),
    next: (s) => ({ i: s.i + 1, v: values[s.i + 1] }),
    label: (a) => a,
    terminal: () => true,
    properties: [always('not-last', (s) => s.i < values.length - 1)],
  };
}

const errorOf = (f: () => unknown): Error => {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
};

describe('states are plain data (issue 9, item 1)', () => {
  class Lease {
    constructor(readonly holder: string) {}
  }
  class Registry extends Map<string, number> {}
  class Peers extends Set<string> {}
  class Log extends Array<number> {}
  const notPlain: [string, () => unknown, RegExp][] = [
    ['a Date', () => new Date(5), /state\.v is a Date, which is not plain data/],
    ['a RegExp', () => /x/g, /state\.v is a RegExp/],
    ['a class instance', () => new Lease('c1'), /state\.v is an instance of class Lease/],
    ['a Map subclass', () => new Registry([['a', 1]]), /state\.v is a Map subclass \(Registry\)/],
    ['a Set subclass', () => new Peers(['a']), /state\.v is a Set subclass \(Peers\)/],
    ['an Array subclass', () => Log.from([1]), /state\.v is an Array subclass \(Log\)/],
    ['a Promise', () => Promise.resolve(1), /state\.v is a Promise/],
    ['a WeakMap', () => new WeakMap(), /state\.v is a WeakMap/],
    ['a boxed number', () => Object(5), /state\.v is a boxed Number/],
    ['an ArrayBuffer', () => new ArrayBuffer(4), /state\.v is an ArrayBuffer/],
    ['a DataView', () => new DataView(new ArrayBuffer(4)), /state\.v is a DataView/],
    ['a function', () => () => 1, /state\.v is a function/],
    ['a symbol', () => Symbol('s'), /state\.v is a symbol/],
  ];
  for (const [what, make, message] of notPlain) {
    it(`refuses ${what} in a state as the model's error, naming its path, rather than merging states`, () => {
      // Two different values of the kind: hashed by their (absent) enumerable keys they would be
      // one state, and the violation at the second would never be reached.
      const e = errorOf(() => check(stepsThrough([0, make()])));
      expect(e).toBeInstanceOf(ModelError);
      expect(e.message).toMatch(message);
    });
  }

  it('finds a Date nested anywhere: inside arrays, Sets and Maps', () => {
    const e = errorOf(() => fingerprintHex({ a: [1, { b: new Set([new Map([['k', { d: new Date(0) }]])]) }] }));
    expect(e).toBeInstanceOf(PlainDataError);
    expect(e.message).toBe('state.a[1].b.values()[0].values()[0].d is a Date, which is not plain data (store its time as a number)');
  });

  it('still tells apart the two Dates-as-numbers, and hashes null-prototype objects and typed arrays by content', () => {
    const r = check(stepsThrough([0, 5]));
    expect(r.verdict).toBe('violated');
    const bare = (o: object) => Object.assign(Object.create(null), o);
    expect(fingerprintHex(bare({ x: 1 }))).toBe(fingerprintHex({ x: 1 }));
    expect(fingerprintHex(new Uint8Array([1, 2]))).not.toBe(fingerprintHex(new Uint8Array([1, 3])));
    expect(fingerprintHex(new Uint8Array([1, 2]))).not.toBe(fingerprintHex(new Int8Array([1, 2])));
  });

  it('names the view when a view is not plain data', () => {
    const model = { ...stepsThrough([0, 1]), view: (s: { v: number }) => ({ at: new Date(s.v) }) };
    expect(errorOf(() => check(model)).message).toMatch(/^view\(state\)\.at is a Date/);
  });

  it('exits 2 with one line naming the path from the command line', async () => {
    const r = await faultline('check', 'test/fixtures/date-state.ts');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('faultline: state.deadline is a Date, which is not plain data (store its time as a number) (in an initial state)\n');
  });
});

describe('cycles and deep nesting are named (issue 9, item 17)', () => {
  it('says where a state refers back to itself', () => {
    const cyclic: { a: { b: unknown[] } } = { a: { b: [] } };
    cyclic.a.b.push(cyclic.a);
    const e = errorOf(() => check(stepsThrough([0, cyclic])));
    expect(e).toBeInstanceOf(ModelError);
    expect(e.message).toMatch(/^state contains a cycle at state\.v\.a\.b\[0\]/);
  });

  it(`says a state is nested deeper than ${MAX_NESTING} levels, and accepts ${MAX_NESTING}`, () => {
    const nest = (n: number) => {
      let v: unknown = 0;
      for (let i = 0; i < n; i++) v = { next: v };
      return v;
    };
    // The state { i, v } is one level itself, so v may nest MAX_NESTING - 1 levels.
    expect(check(stepsThrough([0, nest(MAX_NESTING - 1)])).verdict).toBe('violated');
    const e = errorOf(() => check(stepsThrough([0, nest(100_000)])));
    expect(e).toBeInstanceOf(ModelError);
    expect(e.message).toMatch(new RegExp(`^state nested deeper than ${MAX_NESTING} levels at state\\.v\\.next\\.next`));
  });
});

describe('the hook contract (issue 9, items 2 and 3)', () => {
  const counter = stepsThrough([0, 1, 2, 3]);
  /** The counter with some hooks replaced by ones that break the contract (which the types forbid). */
  const breaking = (hooks: Record<string, unknown>) => ({ ...counter, ...hooks }) as unknown as Model<any, any>;
  const broken: [string, Model<any, any>, RegExp][] = [
    ['init() returning a non-array', breaking({ init: () => ({ i: 0, v: 0 }) }), /^the model's init\(\) returned an object, not an array of initial states/],
    ['init() returning no state', breaking({ init: () => [] }), /^the model's init\(\) returned no initial state/],
    ['actions() returning a string', breaking({ actions: () => 'next' }), /^the model's actions\(\) returned a string, not an array of actions \(at step 1/],
    ['next() returning undefined', breaking({ next: (s: { i: number }) => (s.i < 2 ? { i: s.i + 1, v: s.i + 1 } : undefined) }), /^the model's next\(\) returned undefined for action "next" \(at step 3 of a behaviour\)/],
    ['label() returning an object', breaking({ label: () => ({ text: 'next' }) }), /^the model's label\(\) returned an object, not a string/],
    ['step() returning an unknown kind', breaking({ step: () => ({ kind: 'teleport' }) }), /^the model's step\(\) returned kind "teleport" for action "next", not a step kind/],
  ];
  for (const [what, model, message] of broken) {
    it(`refuses ${what} as the model's error`, () => {
      const e = errorOf(() => check(model));
      expect(e).toBeInstanceOf(ModelError);
      expect(e.message).toMatch(message);
    });
  }

  it('never iterates a string of actions character by character', () => {
    const seen: unknown[] = [];
    const model = breaking({ actions: () => 'ab', next: (s: unknown, a: unknown) => (seen.push(a), s) });
    expect(() => check(model)).toThrow(ModelError);
    expect(seen).toEqual([]);
  });

  it('a label() returning an object exits 2 naming label() and writes no unreplayable report', async () => {
    const { mkdtempSync, readdirSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = join(mkdtempSync(join(tmpdir(), 'faultline-label-')), 'out');
    const r = await faultline('check', 'test/fixtures/object-label.ts', '--report', dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("faultline: the model's label() returned an object, not a string\n");
    expect(r.stdout).not.toContain('[object Object]');
    let files: string[] = [];
    try {
      files = readdirSync(dir);
    } catch {
      // not even created
    }
    expect(files).toEqual([]);
  });
});

describe('errors are blamed on whoever made them (issue 9, item 17)', () => {
  const counter = stepsThrough([0, 1, 2]);

  it('a label that throws is the model\'s error, not an internal one', () => {
    const model = {
      ...counter,
      label: () => {
        throw new Error('no label today');
      },
    };
    const e = errorOf(() => check(model));
    expect(e).toBeInstanceOf(ModelError);
    expect(e.message).toBe("the model's label() threw: no label today");
  });

  it('a property that throws is named', () => {
    const model = {
      ...counter,
      properties: [
        always('fragile', (s: { i: number }) => {
          if (s.i === 2) throw new TypeError('cannot read x');
          return true;
        }),
      ],
    };
    const e = errorOf(() => check(model));
    expect(e).toBeInstanceOf(ModelError);
    expect(e.message).toBe('the model\'s property "fragile" threw: cannot read x (at step 2 of a behaviour)');
  });

  it("an error of faultline's own (here: the caller's progress callback) is not re-wrapped as the model's", () => {
    const bug = new Error('engine bug');
    const e = errorOf(() =>
      check(stepsThrough(Array.from({ length: 5000 }, (_, i) => i)), {
        progressIntervalMs: 0,
        onProgress: () => {
          throw bug;
        },
      }),
    );
    expect(e).toBe(bug);
    expect(e).not.toBeInstanceOf(ModelError);
  });
});

describe('fairness names only what exists (issue 9, item 4)', () => {
  /** Two nodes; `a` may loop on `spin` for ever, `b` may `finish`: eventually finished needs b's step fair. */
  const model: Model<{ done: boolean }, 'spin' | 'finish'> = {
    nodes: ['a', 'b'],
    init: () => [{ done: false }],
    actions: (s) => (s.done ? [] : ['spin', 'finish']),
    next: (s, a) => (a === 'finish' ? { done: true } : s),
    label: (a) => a,
    step: (a) => ({ kind: 'local', node: a === 'finish' ? 'b' : 'a', name: a }),
    terminal: (s) => s.done,
    properties: [eventually('finished', (s) => s.done)],
  };

  it('refuses a --fairness entry naming an unknown node, as bad input', () => {
    const e = errorOf(() => check(model, { fairness: parseFairness('weak:local@nosuchnode') }));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe('--fairness entry "weak:local@nosuchnode" names unknown node "nosuchnode" (nodes: a, b)');
  });

  it("refuses a model's own fairness naming an unknown node, as the model's error", () => {
    const e = errorOf(() => check({ ...model, fairness: [{ strength: 'weak', node: 'c' }] }));
    expect(e).toBeInstanceOf(ModelError);
  });

  it('warns that an entry matching no step assumes nothing (the lasso it allows is then expected)', () => {
    const typo = check(model, { fairness: parseFairness('weak:local#NoSuchMsg') });
    expect(typo.verdict).toBe('violated');
    expect(typo.warnings).toContain('--fairness entry weak:local#NoSuchMsg matches no step of the explored state graph, so it assumes nothing (check its step kinds, @node and #name)');
    const right = check(model, { fairness: parseFairness('weak:local#finish') });
    expect(right.verdict).toBe('holds');
    expect(right.warnings.filter((w) => w.includes('matches no step'))).toEqual([]);
  });

  it('exits 2 with one line on --fairness @nosuchnode from the command line', async () => {
    const r = await faultline('check', 'two-phase-commit', '--param', 'rms=1', '--fairness', 'weak:deliver@nosuchnode');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('faultline: --fairness entry "weak:deliver@nosuchnode" names unknown node "nosuchnode" (nodes: tm, rm1)\n');
  });
});
