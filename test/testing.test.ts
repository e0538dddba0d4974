import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definition as twoPhaseCommit } from '../models/two-phase-commit/index.ts';
import { instantiate } from '../src/model/definition.ts';
import { InputError } from '../src/model/errors.ts';
import { NO_SYSTEM } from '../src/protocol/definition.ts';
import { checkModel, expectHolds, expectStateCount, expectViolation, faultlineMatchers } from '../src/testing/index.ts';
import { parseTraceFile } from '../src/trace/file.ts';
import { replay } from '../src/trace/replay.ts';
import counter from './fixtures/counter.ts';
import { definition as lossyLink } from './fixtures/lossy-link.ts';

const fixtures = new URL('./fixtures/', import.meta.url);
const messageOf = (f: () => void): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a failure');
};

// Trace files of failed expectations go to a folder of this test's own.
let previous: string | undefined;
beforeAll(() => {
  previous = process.env.FAULTLINE_TRACES;
  process.env.FAULTLINE_TRACES = mkdtempSync(join(tmpdir(), 'faultline-testing-'));
});
afterAll(() => {
  if (previous === undefined) delete process.env.FAULTLINE_TRACES;
  else process.env.FAULTLINE_TRACES = previous;
});

describe('checkModel', () => {
  it('checks a definition with typed params and variant, as the CLI would', () => {
    // counter counts 0…max: max + 1 states, max + 1 deep.
    const r = checkModel(counter, { params: { max: 5 } });
    expect(r.run).toEqual({ model: 'counter', variant: 'default', params: { max: 5 } });
    expectHolds(r, { distinctStates: 6, depth: 6 });
  });

  it('types params and variants by the definition', () => {
    // The calls are never made: these lines only have to fail to compile.
    const typeOnly = (f: () => unknown) => void f;
    // @ts-expect-error: 'sometimes-commits' is not a variant of two-phase-commit
    typeOnly(() => checkModel(twoPhaseCommit, { variant: 'sometimes-commits' }));
    // @ts-expect-error: two-phase-commit has no param rm
    typeOnly(() => checkModel(twoPhaseCommit, { params: { rm: 2 } }));
    // @ts-expect-error: rms is a number
    typeOnly(() => checkModel(twoPhaseCommit, { params: { rms: '2' } }));
    typeOnly(() => checkModel(twoPhaseCommit, { variant: 'timeout-abort', params: { rms: 2 } }));
  });

  it('refuses what the command line refuses, with the same messages', () => {
    expect(() => checkModel(counter, { params: { max: 0 } })).toThrow(new InputError('param max of counter must be ≥ 1, got 0'));
    expect(() => checkModel(twoPhaseCommit, { system: 'byzantine' })).toThrow(/unknown system "byzantine" for two-phase-commit/);
    expect(() => checkModel(counter, { maxStates: 0 })).toThrow(InputError);
    expect(() => checkModel(counter, { timeLimit: -1 })).toThrow(InputError);
    expect(() => checkModel(counter, { fairness: 'sometimes:deliver' })).toThrow(InputError);
  });

  it('loads a model module from a path or URL, and its trace names the module to replay against', async () => {
    const r = await checkModel(new URL('counter.ts', fixtures), { params: { max: 2 } });
    expectHolds(r, { distinctStates: 3 });
    expect(r.source).toMatch(/fixtures\/counter\.ts$/);
    await expect(checkModel('test/fixtures/no-such-model.ts')).rejects.toThrow(new InputError('model file not found: test/fixtures/no-such-model.ts'));
    await expect(checkModel('two-phase-commit')).rejects.toThrow(/is not a model module/);
  });

  it('checks only the properties asked for; deadlock only when named', () => {
    // prepared-rm-aborts breaks consistency; with only type-ok checked, the space is covered and holds.
    const r = checkModel(twoPhaseCommit, { variant: 'prepared-rm-aborts', params: { rms: 2 }, property: 'type-ok' });
    expect(r.properties.map((p) => p.name)).toEqual(['type-ok']);
    expectHolds(r);
    const d = checkModel(twoPhaseCommit, { params: { rms: 1 }, system: 'lossy', property: ['deadlock'] });
    expectViolation(d, 'deadlock');
    expect(() => checkModel(twoPhaseCommit, { property: 'consistensy' })).toThrow(/unknown property "consistensy" \(properties: type-ok, consistency, .*deadlock\)/);
  });

  it('passes the search options through: a bound makes the verdict incomplete', () => {
    const r = checkModel(twoPhaseCommit, { maxStates: 10 });
    expect(r.verdict).toBe('incomplete');
    expect(messageOf(() => expectHolds(r))).toMatch(/to hold, but the search was cut by max-states/);
    expect(messageOf(() => expectStateCount(r, 288))).toMatch(/the search was cut by max-states, so that is not the model's full count/);
  });
});

describe('expectations', () => {
  it('expectViolation: the counterexample written to the trace folder replays on the model', () => {
    const r = checkModel(twoPhaseCommit, { variant: 'commit-on-some-prepared', params: { rms: 2 } });
    const message = messageOf(() => expectViolation(r, 'consistency', { steps: 6 }));
    expect(message).toContain(`replay: npx faultline replay ${process.env.FAULTLINE_TRACES}/two-phase-commit-commit-on-some-prepared-rms=2-consistency.json`);
    expect(message).toContain('(to replay a model that is not shipped, add --model <its module>)');
    const path = /replay: npx faultline replay (\S+)/.exec(message)![1];
    const file = parseTraceFile(readFileSync(path, 'utf8'), path);
    // What `faultline replay` does: rebuild the model from the file's run, re-execute its choices.
    const model = instantiate(twoPhaseCommit, { params: file.params, variant: file.variant, system: NO_SYSTEM, faults: file.faults });
    expect(replay(model, file)).toEqual({ status: 'reproduces' });
  });

  it('expectViolation: a property that holds, and one the model does not have', () => {
    const r = checkModel(twoPhaseCommit, { params: { rms: 2 } });
    expect(messageOf(() => expectViolation(r, 'consistency'))).toMatch(/^expected consistency of two-phase-commit \(variant default, rms=2\) to be violated, but it holds\n/);
    expect(() => expectViolation(r, 'atomicity')).toThrow(/has no property "atomicity" \(properties: type-ok, consistency/);
  });

  it('expectViolation: the loop of a liveness counterexample', () => {
    // Weak fairness on delivery allows the lasso send, drop, back to the start: 2 steps, all of them the loop.
    const r = checkModel(lossyLink, { variant: 'weak-delivery' });
    expectViolation(r, 'delivered', { steps: 2, loop: 2 });
    expect(messageOf(() => expectViolation(r, 'delivered', { loop: false }))).toMatch(/by a counterexample without a loop, but it loops over 2 steps/);
    expect(messageOf(() => expectViolation(r, 'delivered', { steps: 3, loop: 1 }))).toMatch(/in 3 steps, but its counterexample has 2 steps.*, and by a loop of 1 step, but it loops over 2 steps/);
  });

  it('expectHolds: counts that differ are named, with the statistics', () => {
    // counter at max=3: the states 0…3, each generated once (TLC counts the initial state as generated), 4 deep.
    const r = checkModel(counter);
    expectHolds(r, { distinctStates: 4, generatedStates: 4, depth: 4 });
    expect(messageOf(() => expectHolds(r, { distinctStates: 5, generatedStates: 4, depth: 3 }))).toMatch(
      /^counter \(variant default, max=3\) holds, but 5 distinct states were expected, the search found 4; depth 3 was expected, the search reached depth 4\nbfs: 4 distinct states, 4 generated, depth 4/,
    );
  });
});

describe('matchers', () => {
  const { toHold, toViolate, toHaveStateCount } = faultlineMatchers;

  it('judge as the expectations do, with a message for the negated case', () => {
    const r = checkModel(counter);
    expect(toHold(r).pass).toBe(true);
    expect(toHold(r).message()).toMatch(/^expected counter \(variant default, max=3\) not to hold, but every property holds on the complete bounded space \(4 distinct states\)/);
    expect(toHaveStateCount(r, 4).pass).toBe(true);
    expect(toHaveStateCount(r, 5).message()).toMatch(/^expected counter \(variant default, max=3\) to have 5 distinct states, but the search found 4\n/);
    expect(toViolate(r, 'bounded').pass).toBe(false);
  });

  it('refuse anything that is not a result of checkModel', () => {
    expect(() => toHold({ verdict: 'holds' })).toThrow(/toHold expects the result of checkModel/);
  });
});
