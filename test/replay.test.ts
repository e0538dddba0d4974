import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { models } from '../models/index.ts';
import { instantiate } from '../src/model/definition.ts';
import { InputError } from '../src/model/errors.ts';
import { parseTraceFile, readTraceFile, serializeTraceFile, traceFile, type TraceFile } from '../src/trace/file.ts';
import { replay } from '../src/trace/replay.ts';
import { buildTrace } from '../src/trace/trace.ts';
import { definition as retryLoop } from './fixtures/retry-loop.ts';
import { faultline } from './support/cli.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'faultline-replay-'));
const RW = 'test/fixtures/replicated-write.ts';

/** Write an edited copy of a trace file and return its path. */
function edited(file: TraceFile, dir: string, name: string, edit: (doc: any) => void): string {
  const doc = JSON.parse(serializeTraceFile(file));
  edit(doc);
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(doc, null, 2));
  return path;
}

function expectOneLineError(r: { code: number; stdout: string; stderr: string }, message: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
}

describe('check → JSON trace → replay', { timeout: 60_000 }, () => {
  const buggy = models.flatMap((def) => def.variants.filter((v) => v.expect === 'violated').map((v) => [def.name, v.name] as const));

  it('ships buggy variants to round-trip', () => {
    expect(buggy.length).toBeGreaterThan(0);
  });

  for (const [model, variant] of buggy) {
    // The committed report (CI regenerates reports/ and fails on any difference, so it is what
    // `check --report` writes today).
    it(`${model} / ${variant}: the committed report's trace replays and reproduces (exit 0)`, async () => {
      const r = await faultline('replay', join('reports', `${model}-${variant}.json`));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/reproduces/);
    });
  }

  // One buggy variant of each model through the whole path: the JSON and the report of one run tell the same trace.
  const firstOfEach = buggy.filter(([model], i) => buggy.findIndex(([m]) => m === model) === i);
  for (const [model, variant] of firstOfEach) {
    it(`${model} / ${variant}: check --report writes the trace check --json prints, and it replays`, async () => {
      const dir = tmp();
      const checked = await faultline('check', model, '--variant', variant, '--report', dir, '--json');
      expect(checked.code).toBe(1);
      const path = join(dir, `${model}-${variant}.json`);
      const file = readTraceFile(path);
      const r = await faultline('replay', path);
      expect(r.code).toBe(0);
      const json = JSON.parse(checked.stdout);
      const v = json.violations.find((x: { property: string }) => x.property === file.property);
      expect(v.trace.steps).toEqual(file.steps);
      expect(v.trace.loopStart).toBe(file.loopStart);
      expect(file.length).toBe(v.length);
      expect(file.params).toEqual(json.params);
    });
  }

  it("a protocol model's lasso replays and minimises: its loop closes by the model's fingerprint", async () => {
    // A protocol's world holds its topology (handlers are functions), so it is no plain data:
    // whether the loop returns to its first state must be asked of the model's identity.
    const dir = tmp();
    const args = ['two-phase-commit', '--param', 'rms=2', '--system', 'coordinator-crash'];
    expect((await faultline('check', ...args, '--report', dir)).code).toBe(1);
    const path = join(dir, 'two-phase-commit-default.json');
    const file = readTraceFile(path);
    expect(file.kind).toBe('eventually');
    expect(file.loopStart).toEqual(expect.any(Number));
    const r = await faultline('replay', path);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/reproduces/);
    const minimised = await faultline('check', ...args, '--minimize');
    expect(minimised.stderr).toBe('');
    expect(minimised.code).toBe(1);
  });

  it('a model loaded by path replays with --model, its fault steps and lanes included', async () => {
    const dir = tmp();
    expect((await faultline('check', RW, '--variant', 'ack-before-replicate', '--report', dir)).code).toBe(1);
    const path = join(dir, 'replicated-write-ack-before-replicate.json');
    const file = readTraceFile(path);
    expect(file.nodes).toEqual(['client', 'primary', 'backup']);
    expect(file.steps.some((s) => s.kind === 'crash' && s.node === 'primary')).toBe(true);
    const r = await faultline('replay', path, '--model', RW);
    expect(r.code).toBe(0);
    // Without --model the name is not a shipped model, and a trace file never names code to load.
    expectOneLineError(await faultline('replay', path), /the trace is of model "replicated-write", which is not a shipped model/);
  });
});

// The trace every edit below starts from, as `check --report` writes it.
const editedDir = tmp();
await faultline('check', RW, '--variant', 'ack-before-replicate', '--report', editedDir);
const recorded = readTraceFile(join(editedDir, 'replicated-write-ack-before-replicate.json'));

describe('replay of edited traces', { timeout: 60_000 }, () => {
  const dir = editedDir;
  const file = recorded;
  const replayEdited = (name: string, edit: (doc: any) => void) => faultline('replay', edited(file, dir, name, edit), '--model', RW);

  it('a changed state diverges at that step (exit 1), naming the variable', async () => {
    const k = file.length;
    const r = await replayEdited('state.json', (doc) => {
      doc.steps[k].state.acked = !doc.steps[k].state.acked;
    });
    const acked = (file.steps[k].state as { acked: boolean }).acked;
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`diverges at step ${k}: expected acked = ${!acked}, got ${acked}`);
  });

  it('a changed label diverges at that step (exit 1)', async () => {
    const r = await replayEdited('label.json', (doc) => {
      doc.steps[2].action = 'deliver Nonsense nowhere→nobody';
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('diverges at step 2: expected action "deliver Nonsense nowhere→nobody"');
  });

  it('an action index past the enabled actions diverges (exit 1)', async () => {
    const r = await replayEdited('index.json', (doc) => {
      doc.steps[1].actionIndex = 999;
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('diverges at step 1: expected action #999');
  });

  it('fault budgets in the file are passed to the model: no loss budget, no budget shown', async () => {
    // A protocol model's trace file records every fault knob in force; replay builds the model
    // with them, and the budgets are part of the shown state, so a model built without a loss
    // budget differs from the first step on.
    const lossyDir = tmp();
    expect((await faultline('check', 'two-phase-commit', '--param', 'rms=2', '--system', 'lossy', '--report', lossyDir)).code).toBe(1);
    const lossy = readTraceFile(join(lossyDir, 'two-phase-commit-default.json'));
    expect(lossy.faults).toMatchObject({ drop: 1 });
    const r = await faultline(
      'replay',
      edited(lossy, lossyDir, 'faults.json', (doc) => {
        doc.faults = { ...doc.faults, drop: 0 };
      }),
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('diverges at step 0: expected faults = {"drop":"0/1"}, got (absent)');
  });

  it('a trace cut before the violation replays every step but does not reproduce (exit 1)', async () => {
    const r = await replayEdited('cut.json', (doc) => {
      doc.steps.pop();
      doc.length -= 1;
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('does not reproduce');
  });

  const malformed: [string, string, RegExp][] = [
    ['a newer schema', JSON.stringify({ ...file, schema: 2 }), /"schema" is 2; this faultline reads schema 1/],
    ['no steps', JSON.stringify({ ...file, steps: [] }), /"steps" must be a non-empty array/],
    ['a wrong length', JSON.stringify({ ...file, length: file.length + 1 }), /"length" is/],
    ['an unknown step kind', JSON.stringify({ ...file, steps: file.steps.map((s, i) => (i === 1 ? { ...s, kind: 'teleport' } : s)) }), /steps\[1\]\.kind/],
    ['a step without state', JSON.stringify({ ...file, steps: file.steps.map((s, i) => (i === 2 ? { ...s, state: undefined } : s)) }), /steps\[2\]\.state" is missing/],
    ['a loop past the end', JSON.stringify({ ...file, loopStart: file.length + 1 }), /"loopStart" is/],
  ];
  for (const [what, text, message] of malformed) {
    it(`rejects ${what} as bad input`, () => {
      expect(() => parseTraceFile(text, 'x.json')).toThrow(InputError);
      expect(() => parseTraceFile(text, 'x.json')).toThrow(message);
    });
  }

  const refused: [string, string, RegExp][] = [
    ['invalid JSON', '{"schema": 1,', /not valid JSON/],
    ['a newer schema', JSON.stringify({ ...file, schema: 2 }), /"schema" is 2/],
    ['an unknown model', JSON.stringify({ ...file, model: 'no-such-model' }), /model "no-such-model", which is not a shipped model/],
    ['an unknown variant', JSON.stringify({ ...file, variant: 'nope' }), /unknown variant "nope"/],
    ['an unknown param', JSON.stringify({ ...file, params: { ...file.params, bogus: 1 } }), /param "bogus"/],
  ];
  for (const [what, text, message] of refused) {
    it(`exits 2 with one line on ${what}`, async () => {
      const path = join(dir, `bad-${what.replace(/\W+/g, '-')}.json`);
      writeFileSync(path, text);
      const uses = what === 'an unknown model' ? [] : ['--model', RW];
      expectOneLineError(await faultline('replay', path, ...uses), message);
    });
  }

  it('exits 2 on a missing file', async () => {
    expectOneLineError(await faultline('replay', join(dir, 'nowhere.json')), /trace file not found/);
  });
});

describe('trace files', () => {
  const model = instantiate(retryLoop, { params: {}, variant: 'default' });
  // start, then the loop timer → drop back to the state after start (indices into actions(s):
  // [start, tick], then [tick, timer], then [tick, drop, deliver]).
  const lasso = buildTrace(model, { initIndex: 0, actions: [0, 1, 1], loopStart: 1 });
  const file = traceFile({ model: 'retry-loop', variant: 'default', params: {} }, { property: 'served', kind: 'eventually', trace: lasso }, model.nodes);

  it('read back exactly as written', () => {
    expect(lasso.steps.map((s) => s.action)).toEqual(['init', 'client starts', 'client timer: send Ping', 'drop Ping client→server']);
    expect(parseTraceFile(serializeTraceFile(file), 'x.json')).toEqual(file);
    expect(file).toMatchObject({ schema: 1, length: 3, loopStart: 1, nodes: ['client', 'server'] });
  });

  it('a lasso reproduces when its last state returns to the loop start and the goal never holds', () => {
    expect(replay(model, file)).toEqual({ status: 'reproduces' });
  });

  it('a lasso whose loop start is moved no longer closes, and does not reproduce', () => {
    const moved = { ...file, loopStart: 0 };
    expect(replay(model, moved)).toMatchObject({ status: 'not-reproduced' });
  });

  it('a behaviour that reaches the goal is no counterexample to eventually', () => {
    const served = buildTrace(model, { initIndex: 0, actions: [0, 1, 2], loopStart: null });
    expect(served.steps.at(-1)!.action).toBe('deliver Ping client→server');
    const f = traceFile({ model: 'retry-loop', variant: 'default', params: {} }, { property: 'served', kind: 'eventually', trace: served });
    expect(replay(model, f)).toMatchObject({ status: 'not-reproduced' });
  });

  it('reading a trace file from disk names the file in errors', () => {
    const dir = tmp();
    const path = join(dir, 't.json');
    writeFileSync(path, serializeTraceFile(file).replace('"schema": 1', '"schema": "one"'));
    expect(() => readTraceFile(path)).toThrow(new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: "schema" is "one"`));
    expect(readFileSync(path, 'utf8')).toContain('"schema": "one"');
  });
});
