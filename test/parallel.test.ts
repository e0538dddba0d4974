/**
 * The breadth-first search on worker threads (explore/parallel/): the same counts, depth,
 * verdicts and counterexample lengths as one thread, on models whose figures are derived
 * independently (closed forms, naive reachability over random graphs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { models } from '../models/index.ts';
import { check, checkAsync, type CheckOptions } from '../src/explore/check.ts';
import type { CheckResult } from '../src/explore/result.ts';
import { StopSignal } from '../src/explore/stop.ts';
import { loadModule } from '../src/model/load.ts';
import { buildRun, type RunInfo } from '../src/model/run.ts';
import { statesAlong } from '../src/trace/trace.ts';
import { checkModel } from '../src/testing/check-model.ts';
import { spawn } from '../src/explore/parallel/coordinator.ts';
import type { Expand, FromWorker, Rehash, Start } from '../src/explore/parallel/protocol.ts';
import { ChunkWriter } from '../src/explore/frontier.ts';
import { codecOf } from '../src/state/codec.ts';
import { identity } from '../src/model/model.ts';
import { SharedStateStore } from '../src/state/shared-fingerprint-set.ts';
import { graphsOf } from './fixtures/random-graph.ts';
import { faultline } from './support/cli.ts';
import { distances, shortestBadEdge, shortestTo, type Graph } from './support/graph.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const TWO_PHASE = join(FIXTURES, 'two-phase-spec-model.ts');
const GRAPHS = join(FIXTURES, 'random-graph.ts');

/** Build the model of a fixture module and check it with `options`, worker threads rebuilding it from the module. */
async function checkModule(module: string, variant: string, params: RunInfo['params'], options: CheckOptions) {
  const def = await loadModule(module);
  const { model, run } = buildRun(def, { model: def.name, variant, params });
  const result = await checkAsync(model, { source: { definition: { module }, run }, ...options });
  return { model, result };
}

const tpcStates = (n: number) => 6 ** n + 4 ** n + 2 ** n;
/** Every RM prepares, the TM records each, commits, and each RM learns it: 3n + 1 steps, 3n + 2 states. */
const tpcDepth = (n: number) => 3 * n + 2;

describe('parallel BFS on two-phase commit (TwoPhase.tla as a plain model)', () => {
  it('reaches 6^n + 4^n + 2^n states at depth 3n + 2 on 2 workers, generating what one thread generates', async () => {
    const n = 5;
    const { model, result } = await checkModule(TWO_PHASE, 'default', { rms: n }, { workers: 2, chunkStates: 64 });
    expect(result.warnings).toEqual([]);
    expect(result.verdict).toBe('holds');
    expect(result.stats.distinctStates).toBe(tpcStates(n));
    expect(result.stats.depth).toBe(tpcDepth(n));
    expect(result.stats.generatedStates).toBe(check(model).stats.generatedStates);
  });

  it('finds a counterexample as short as one thread finds, and it replays to a violating state', async () => {
    const { model, result } = await checkModule(TWO_PHASE, 'commit-on-some-prepared', { rms: 4 }, { workers: 2, chunkStates: 16 });
    const single = check(model);
    expect(result.verdict).toBe('violated');
    const v = result.violations[0];
    expect(v.property).toBe(single.violations[0].property);
    expect(v.path!.actions.length).toBe(single.violations[0].path!.actions.length);
    const { states } = statesAlong(model, v.path!);
    const property = model.properties.find((p) => p.name === v.property)!;
    expect(property.kind === 'always' && property.holds(states[states.length - 1])).toBe(false);
  });
});

describe('parallel BFS on random transition systems, against naive reachability', () => {
  const SEED = 1300;
  const COUNT = 60;
  const g: Graph = graphsOf(SEED, COUNT);
  const dist = distances(g);
  const params = (p: Record<string, boolean>) => ({ seed: SEED, graphs: COUNT, invariant: false, deadlock: false, step: false, ...p });
  const run = (p: Record<string, boolean>, options: CheckOptions = {}) => checkModule(GRAPHS, 'default', params(p), { workers: 2, chunkStates: 2, ...options });

  it('counts exactly the reachable states, at the depth of the farthest one (3 workers)', async () => {
    const { result } = await run({}, { workers: 3 });
    expect(result.stats.distinctStates).toBe(dist.filter((d) => d >= 0).length);
    expect(result.stats.depth).toBe(Math.max(...dist) + 1);
    expect(result.verdict).toBe('holds');
  });

  it('finds shortest violations of an invariant, a step property and deadlock freedom (--all, one run)', async () => {
    const invariant = shortestTo(g, (s) => g.bad.has(s));
    const step = shortestBadEdge(g);
    const deadlock = shortestTo(g, (s) => g.edges[s].length === 0);
    // Every one exists among 60 random graphs (otherwise the seed is a poor one for this test).
    expect([invariant, step, deadlock]).not.toContain(null);
    const { result } = await run({ invariant: true, step: true, deadlock: true }, { all: true });
    const lengths = Object.fromEntries(result.violations.map((v) => [v.property, v.path!.actions.length]));
    expect(lengths).toEqual({ good: invariant, 'good-step': step, deadlock });
  });

  it('stops at --max-states mid-level with exactly that many states, and at --max-depth with the states within it', async () => {
    const total = dist.filter((d) => d >= 0).length;
    const bounded = (await run({}, { maxStates: Math.floor(total / 2) })).result;
    expect(bounded.cutBy).toBe('max-states');
    expect(bounded.verdict).toBe('incomplete');
    expect(bounded.stats.distinctStates).toBe(Math.floor(total / 2));
    const shallow = (await run({}, { maxDepth: 2 })).result;
    expect(shallow.cutBy).toBe('max-depth');
    expect(shallow.stats.distinctStates).toBe(dist.filter((d) => d >= 0 && d <= 2).length);
  });
});

describe('a parallel search past the store’s hard load', () => {
  // The store's first table has 2^17 slots and a hard load of 3/4: 98,304 states.
  for (const width of [100_000, 200_000]) {
    it(`grows to take a state's ${width.toLocaleString('en-US')} successors, keeping each one's parent and action, so the counterexample replays`, async () => {
      const { model, result } = await checkModule(join(FIXTURES, 'wide-fan.ts'), 'default', { width }, { workers: 2 });
      expect(result.verdict).toBe('violated');
      expect(result.stats.distinctStates).toBe(width + 1);
      const { path } = result.violations[0];
      expect(path!.actions).toEqual([width - 1]);
      const { states } = statesAlong(model, path!);
      expect(states.at(-1)).toEqual({ x: width - 1 });
    });
  }
});

describe('a growth of the shared table', () => {
  it('has a worker thread rehash its part of a growth of the shared table, also when the rehash queued behind a chunk', async () => {
    const def = await loadModule(TWO_PHASE);
    const { model, run } = buildRun(def, { model: def.name, variant: 'default', params: { rms: 3 } });
    const store = SharedStateStore.create(16);
    const codec = codecOf(model);
    const fp = new Int32Array(2);
    const fingerprint = identity(model);
    const key = (s: unknown) => (fingerprint(s, fp), `${fp[0]},${fp[1]}`);
    const initial = new ChunkWriter();
    model.init().forEach((s, i) => {
      fingerprint(s, fp);
      initial.add(store.add(fp[0], fp[1], -1 - i, -1), codec.encode(s));
    });
    const worker = spawn();
    const replies: FromWorker[] = [];
    const reply = () => new Promise<FromWorker>((resolve) => worker.once('message', (m: FromWorker) => resolve((replies.push(m), m))));
    try {
      const start: Start = { type: 'start', source: { definition: { module: TWO_PHASE }, run }, store: store.share, codec: codec.share(), stop: new StopSignal().buffer, all: false };
      worker.postMessage(start);
      await reply();
      // Both at once: the worker meets the rehash queued behind the chunk it expands.
      const expand: Expand = { type: 'expand', chunk: initial.take(), steps: 0, lastLevel: false, maxStates: Infinity };
      worker.postMessage(expand);
      const into = store.growthBuffer();
      const rehash: Rehash = { type: 'rehash', store: store.share, into, part: 1, parts: 2 };
      worker.postMessage(rehash);
      await reply();
      const rehashed = reply();
      store.rehashPart(into, 0, 2);
      await rehashed;
      store.adopt(into);
    } finally {
      await worker.terminate();
    }
    expect(replies.map((m) => m.type)).toEqual(['ready', 'expanded', 'rehashed']);
    // The initial states and their successors (which the worker inserted) are all in the grown table.
    const states = [...model.init(), ...model.init().flatMap((s) => model.actions(s).map((a) => model.next(s, a)))];
    expect(states.length).toBeGreaterThan(model.init().length);
    for (const s of states) {
      fingerprint(s, fp);
      expect(store.find(fp[0], fp[1])).toBeGreaterThanOrEqual(0);
    }
    expect(store.size).toBe(new Set(states.map(key)).size);
  });
});

describe('stopping a parallel search', () => {
  it('ends with partial statistics when stopped from outside (Ctrl-C)', async () => {
    const stop = new StopSignal();
    const { result } = await checkModule(TWO_PHASE, 'default', { rms: 6 }, {
      workers: 2,
      stop,
      progressIntervalMs: 0,
      onProgress: (p) => p.distinctStates > 1000 && stop.request('interrupted'),
    });
    expect(result.cutBy).toBe('interrupted');
    expect(result.verdict).toBe('incomplete');
    expect(result.stats.distinctStates).toBeGreaterThan(1000);
    expect(result.stats.distinctStates).toBeLessThan(tpcStates(6));
  });

  it("names the model's error, with its step, when the model throws in a worker", async () => {
    await expect(checkModule(join(FIXTURES, 'throwing-model.ts'), 'default', {}, { workers: 2 })).rejects.toThrow(
      /counter overflow.*at step 2 of a behaviour/,
    );
  });

  it('ends with the error of a worker thread that cannot load the model, which the search went on without', async () => {
    // The worker thread inherits this thread's environment, but not its id.
    process.env.FAULTLINE_TEST_LOADING_THREAD = String(threadId);
    try {
      await expect(checkModule(join(FIXTURES, 'main-thread-only.ts'), 'default', { rms: 7 }, { workers: 2, chunkStates: 8 })).rejects.toThrow(
        `this module loads only in thread ${threadId}`,
      );
    } finally {
      delete process.env.FAULTLINE_TEST_LOADING_THREAD;
    }
  });

  it("names a protocol handler's error as the model's when only the successor's fingerprint was asked for", async () => {
    for (const workers of [1, 2]) {
      // The second ping is sent at step 2 and delivered at step 3 at the earliest.
      await expect(checkModule(join(FIXTURES, 'throwing-protocol.ts'), 'default', {}, { workers })).rejects.toThrow(
        /^the model's next\(\) threw: ping overflow.*at step 3 of a behaviour/,
      );
    }
  });
});

describe('the frontier beyond RAM, and checkpoints', () => {
  const n = 5;
  const interruptAfter = (states: number, stop: StopSignal): CheckOptions => ({
    stop,
    progressIntervalMs: 0,
    onProgress: (p) => p.distinctStates >= states && stop.request('interrupted'),
  });
  const counts = (r: CheckResult) => [r.verdict, r.stats.distinctStates, r.stats.generatedStates, r.stats.depth];

  it('gives the same counts with every chunk of the frontier spilled to disk (a zero memory budget)', async () => {
    const { model, result } = await checkModule(TWO_PHASE, 'default', { rms: n }, { workers: 2, memory: 0, chunkStates: 32 });
    expect(counts(result)).toEqual(['holds', tpcStates(n), check(model).stats.generatedStates, tpcDepth(n)]);
  });

  it('resumes a stopped search from its checkpoint to the counts of an uninterrupted run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-checkpoint-'));
    try {
      const stop = new StopSignal();
      // Both runs with the frontier on disk: the resumed one appends to the levels it read back.
      const first = await checkModule(TWO_PHASE, 'default', { rms: n }, { workers: 2, memory: 0, checkpoint: dir, chunkStates: 16, ...interruptAfter(2000, stop) });
      expect(first.result.cutBy).toBe('interrupted');
      expect(first.result.stats.distinctStates).toBeLessThan(tpcStates(n));
      const resumed = await checkModule(TWO_PHASE, 'default', { rms: n }, { workers: 2, memory: 0, resume: dir, chunkStates: 16 });
      expect(counts(resumed.result)).toEqual(['holds', tpcStates(n), check(first.model).stats.generatedStates, tpcDepth(n)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps a violation found before the checkpoint, and resumes to the same verdict with --all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-checkpoint-'));
    try {
      const variant = 'commit-on-some-prepared';
      const stop = new StopSignal();
      const whole = await checkModule(TWO_PHASE, variant, { rms: n }, { all: true });
      await checkModule(TWO_PHASE, variant, { rms: n }, { workers: 1, all: true, checkpoint: dir, chunkStates: 16, ...interruptAfter(4000, stop) });
      const resumed = (await checkModule(TWO_PHASE, variant, { rms: n }, { workers: 1, all: true, resume: dir, chunkStates: 16 })).result;
      expect(counts(resumed)).toEqual(counts(whole.result));
      expect(resumed.violations.map((v) => [v.property, v.path!.actions.length])).toEqual(whole.result.violations.map((v) => [v.property, v.path!.actions.length]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to resume a checkpoint of another run, and checkpoints of liveness properties', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-checkpoint-'));
    try {
      const stop = new StopSignal();
      const first = await checkModule(TWO_PHASE, 'default', { rms: n }, { workers: 1, checkpoint: dir, chunkStates: 16, ...interruptAfter(100, stop) });
      expect(first.result.cutBy).toBe('interrupted');
      await expect(checkModule(TWO_PHASE, 'default', { rms: 4 }, { resume: dir })).rejects.toThrow(/another run \(params: \{"rms":5\} in the checkpoint, \{"rms":4\} now\)/);
      await expect(checkModule(TWO_PHASE, 'default', { rms: n }, { checkpoint: dir })).rejects.toThrow(/already holds a checkpoint/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // The shipped two-phase commit checks "every participant decides", a liveness property.
    const live = models.find((m) => m.name === 'two-phase-commit')!;
    const { model, run } = buildRun(live, { model: live.name, variant: live.variants[0].name, params: { rms: 2 } });
    await expect(checkAsync(model, { source: { definition: { shipped: live.name }, run }, checkpoint: dir })).rejects.toThrow(
      /--checkpoint checks safety properties only, and every-participant-decides is a liveness property/,
    );
  });
});

describe('workers in faultline/testing', () => {
  it('checkModel uses worker threads when given a module path, and says it cannot when given a definition', async () => {
    const byPath = await checkModel(TWO_PHASE, { params: { rms: 4 }, workers: 2 });
    expect([byPath.verdict, byPath.stats.distinctStates, byPath.warnings]).toEqual(['holds', tpcStates(4), []]);
    const byDefinition = checkModel(await loadModule(TWO_PHASE), { params: { rms: 4 }, workers: 2 });
    expect(byDefinition.stats.distinctStates).toBe(tpcStates(4));
    expect(byDefinition.warnings[0]).toMatch(/^workers: 2 not used: worker threads load the model's module/);
  });
});

describe('the command line of parallel search', () => {
  it('refuses bad sizes, --checkpoint-every alone and checkpoints of liveness properties with one line and exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--memory', '4x'], /^faultline: --memory expects a size such as 4g, 512m or 100k, got "4x"\n$/],
      [['--checkpoint-every', '5'], /^faultline: --checkpoint-every needs --checkpoint DIR \(or --resume DIR\)\n$/],
      [['--checkpoint', join(tmpdir(), 'faultline-never-written')], /^faultline: --checkpoint checks safety properties only, and every-participant-decides is a liveness property/],
      [['--workers', '0'], /^faultline: --workers expects an integer from 1 to 1024, got "0"\n$/],
    ];
    for (const [flags, line] of cases) {
      const r = await faultline('check', 'two-phase-commit', '--param', 'rms=2', '--quiet', ...flags);
      expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(line)]);
    }
  });

  it('says so when --workers cannot be used because a liveness property needs the state graph', async () => {
    const r = await faultline('check', 'two-phase-commit', '--param', 'rms=2', '--quiet', '--workers', '2');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--workers 2 not used: liveness \(every-participant-decides\) needs the state graph/);
  });
});
