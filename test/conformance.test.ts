import { describe, expect, it } from 'vitest';
import { adapter } from '../examples/two-phase-commit/adapter.ts';
import { Coordinator, HastyCoordinator, type Cluster } from '../examples/two-phase-commit/cluster.ts';
import { definition as twoPhaseCommit } from '../models/two-phase-commit/index.ts';
import { InputError, ModelError } from '../src/model/errors.ts';
import { checkConformance, checkConformanceAsync, expectConforms, faultlineMatchers, type Adapter, type ConformanceStep, type Handler, type ProtocolObservation } from '../src/testing/index.ts';
import counter from './fixtures/counter.ts';
import { definition as throwing } from './fixtures/throwing-model.ts';

const lossy = { system: 'lossy', faults: { crash: 1, recover: 1 } } as const;
const labels = (r: ReturnType<typeof checkConformance>) => r.failure!.trace.steps.slice(1).map((s) => s.action);

/** The same adapter, every function answering a tick later, as an asynchronous implementation would. */
function later<I, O>(sync: Adapter<I, O>): Adapter<I, O, any, any, true> {
  const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
  const wrap = (table: object | undefined): Record<string, Handler<I, Promise<void>>> | undefined =>
    table &&
    Object.fromEntries(
      Object.entries(table).map(([k, h]: [string, Handler<I>]) => [k, h === 'internal' ? h : async (impl: I, step: ConformanceStep) => (await tick(), h(impl, step))]),
    );
  return {
    create: async (start) => (await tick(), sync.create(start)),
    actions: wrap(sync.actions),
    messages: wrap(sync.messages),
    faults: wrap(sync.faults),
    observe: async (impl) => (await tick(), sync.observe(impl)),
  };
}

/** A counter implementation. */
class Counter {
  value = 0;
  inc(): void {
    this.value++;
  }
}

/** A counter implementation whose increment skips a value once it reaches 2. */
class SkippingCounter extends Counter {
  override inc(): void {
    this.value += this.value === 2 ? 2 : 1;
  }
}
const counterAdapter: Adapter<Counter, { value: number }> = {
  create: () => new SkippingCounter(),
  actions: { inc: (c) => c.inc() },
  observe: (c) => ({ value: c.value }),
};

describe('conformance: asynchronous implementations', () => {
  it('awaits every adapter function, and finds and shrinks the same failure as the synchronous run', async () => {
    const ok = await checkConformanceAsync(twoPhaseCommit, { ...lossy, adapter: later(adapter(Coordinator)), seed: 3, runs: 40 });
    expectConforms(ok);
    const sync = checkConformance(twoPhaseCommit, { ...lossy, adapter: adapter(HastyCoordinator), seed: 3 });
    const async = await checkConformanceAsync(twoPhaseCommit, { ...lossy, adapter: later(adapter(HastyCoordinator)), seed: 3 });
    expect(async.failure).toEqual(sync.failure);
  });

  it('refuses an asynchronous adapter in the synchronous runner', () => {
    // @ts-expect-error: the synchronous runner takes a synchronous adapter
    expect(() => checkConformance(twoPhaseCommit, { ...lossy, adapter: later(adapter(Coordinator)), seed: 1 })).toThrow(/use checkConformanceAsync/);
  });
});

describe('conformance: what a failure says', () => {
  it('a step without a handler, shrunk to the shortest behaviour that takes it', () => {
    const partial = adapter(Coordinator);
    const { Abort: _, ...messages } = partial.messages!;
    const r = checkConformance(twoPhaseCommit, { ...lossy, adapter: { ...partial, messages }, seed: 5 });
    // An Abort exists only once the coordinator has aborted (1 step); delivering one is the 2nd.
    expect(r.failure!.reason).toBe('unhandled');
    expect(labels(r)).toHaveLength(2);
    expect(labels(r)[0]).toBe('tm: abort');
    expect(labels(r)[1]).toMatch(/^deliver Abort tm→rm\d$/);
    expect(r.failure!.summary).toBe(`the adapter has no handler for step 2 (${labels(r)[1]}): add messages.Abort`);
  });

  it('an implementation that throws, the steps its failure does not need removed', () => {
    const base = adapter(Coordinator);
    const refusing: Adapter<Cluster, ProtocolObservation> = {
      ...base,
      faults: {
        ...base.faults,
        crash: () => {
          throw new Error('cannot crash');
        },
      },
    };
    const r = checkConformance(twoPhaseCommit, { ...lossy, adapter: refusing, seed: 5 });
    expect(r.failure!.reason).toBe('threw');
    // fast-check's choices shrink to [tm: abort, crash tm] (dropping the abort would shift what
    // the second choice picks); removing steps by label finds that the crash alone fails.
    expect(labels(r)).toEqual(['crash tm']);
    expect(r.failure!.removed).toBe(1);
    expect(r.failure!.summary).toBe('the implementation threw in step 1 (crash tm): cannot crash');
  });

  it('messages in flight and crashed nodes are compared when the implementation reports them', () => {
    const base = adapter(Coordinator);
    // A network that never loses a message: the first drop leaves it in flight in the implementation only.
    const noLoss = checkConformance(twoPhaseCommit, { ...lossy, adapter: { ...base, faults: { ...base.faults, drop: () => {} } }, seed: 2 });
    expect(labels(noLoss)).toHaveLength(2);
    expect(labels(noLoss)[1]).toMatch(/^drop /);
    expect(noLoss.failure!.details).toEqual([`inFlight: only the implementation has "${labels(noLoss)[1].slice('drop '.length)}"`]);
    // A crash that does nothing: one step, and the model alone has the node down.
    const noCrash = checkConformance(twoPhaseCommit, { ...lossy, adapter: { ...base, faults: { ...base.faults, crash: () => {} } }, seed: 2 });
    expect(labels(noCrash)).toHaveLength(1);
    expect(noCrash.failure!.details).toContain(`crashed: only the model has "${labels(noCrash)[0].slice('crash '.length)}"`);
  });

  it("without room for the implementation's own steps, the correct coordinator's commit is a divergence", () => {
    // With one RM the coordinator commits as soon as its vote arrives: the 2nd step.
    const r = checkConformance(twoPhaseCommit, { ...lossy, params: { rms: 1 }, adapter: adapter(Coordinator), maxInternal: 0, seed: 9 });
    expect(labels(r)).toEqual(['rm1: prepare', 'deliver Prepared rm1→tm']);
    expect(r.failure!.summary).toBe("the implementation is not in the model's state after step 2 (deliver Prepared rm1→tm), and no step it takes by itself (tm: commit) leads the model there");
  });

  it('marks the steps the implementation took by itself in the trace', () => {
    // Without a handler for Commit, the shortest failing behaviour with one RM: it prepares, its
    // vote arrives, the coordinator commits by itself, and the Commit is to be delivered.
    const base = adapter(Coordinator);
    const r = checkConformance(twoPhaseCommit, { ...lossy, params: { rms: 1 }, adapter: { ...base, messages: { Prepared: base.messages!.Prepared, Abort: base.messages!.Abort } }, seed: 11 });
    expect(r.failure!.reason).toBe('unhandled');
    expect(labels(r)).toEqual(['rm1: prepare', 'deliver Prepared rm1→tm', 'tm: commit', 'deliver Commit tm→rm1']);
    expect(r.failure!.internal).toEqual([3]);
    expect(() => expectConforms(r)).toThrow(/\n3\. \[local\] tm: commit {2}\(taken by the implementation by itself\)\n/);
  });
});

describe('conformance: plain models, and the two checks', () => {
  it('equal: the skipping counter differs from the model after its third increment', () => {
    const r = checkConformance(counter, { adapter: counterAdapter, seed: 1 });
    expect(labels(r)).toEqual(['inc', 'inc', 'inc']);
    expect(r.failure!.details).toEqual(['value: model 3, implementation 4']);
  });

  it("invariants: the model's invariant fails on the implementation's state", () => {
    // The counter model allows values up to max = 3; the implementation reaches 4 on its third increment.
    const r = checkConformance(counter, { adapter: counterAdapter, check: 'invariants', seed: 1 });
    expect(r.failure!.reason).toBe('invariant');
    expect(r.failure!.property).toBe('bounded');
    expect(labels(r)).toEqual(['inc', 'inc', 'inc']);
    expect(r.failure!.details).toEqual(['value: model 3, implementation 4']);
    // At max = 5 it skips 3 but stays within bounds until 6: the invariant holds where equality would not.
    const within = checkConformance(counter, { adapter: counterAdapter, check: 'invariants', params: { max: 5 }, seed: 1 });
    expect(within.failure!.summary).toBe("the implementation's state violates bounded after step 5 (inc)");
  });

  it('a custom projection of the model state', () => {
    const r = checkConformance(counter, {
      adapter: { ...counterAdapter, observe: (c) => c.value % 2 },
      expected: (s: { value: number }) => s.value % 2,
      seed: 1,
    });
    expect(labels(r)).toEqual(['inc', 'inc', 'inc']);
    expect(r.failure!.details).toEqual(['(state): model 1, implementation 0']);
  });

  it('refuses counts that make no sense', () => {
    expect(() => checkConformance(counter, { adapter: counterAdapter, runs: 0 })).toThrow(new InputError('runs must be an integer ≥ 1, got 0'));
    expect(() => checkConformance(counter, { adapter: counterAdapter, maxSteps: 1.5 })).toThrow(InputError);
  });

  it("refuses a projection with check: 'invariants', which reads observations in the model's terms", () => {
    expect(() => checkConformance(counter, { adapter: counterAdapter, check: 'invariants', expected: (s: { value: number }) => s, seed: 1 })).toThrow(InputError);
  });

  it('a model that throws is the model’s error, not a divergence', () => {
    // It throws in its second step, after the implementation has followed its first.
    const r = () => checkConformance(throwing, { adapter: { create: () => new Counter(), actions: { step: (c) => c.inc() }, observe: (c) => c.value }, seed: 1 });
    expect(r).toThrow(ModelError);
  });

  it('the toConform matcher judges as expectConforms does', () => {
    const ok = checkConformance(counter, { adapter: { ...counterAdapter, create: () => new Counter() }, seed: 1 });
    expect(faultlineMatchers.toConform(ok).pass).toBe(true);
    expect(faultlineMatchers.toConform(ok).message()).toMatch(/^expected the implementation not to conform, but:\n✓ the implementation conforms to counter \(variant default, max=3\) on 100 behaviours · seed 1\n/);
    expect(faultlineMatchers.toConform(checkConformance(counter, { adapter: counterAdapter, seed: 1 })).message()).toMatch(/^✗ the implementation is not in the model's state after step 3 \(inc\)/);
  });
});
