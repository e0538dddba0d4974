/**
 * Symmetry reduction (`--symmetry`): the orbit counts of two-phase commit against TLC's closed
 * form, every count on small cases against an independent orbit counter written here (the
 * unreduced search's states, each renamed by brute force over every permutation of the
 * interchangeable nodes, counted as classes), verdicts and shortest counterexample lengths
 * against the unreduced runs, and the refusals.
 */
import { describe, expect, it } from 'vitest';
import { definition as paxos } from '../models/paxos/index.ts';
import { definition as quorumElection } from '../models/quorum-election/index.ts';
import { definition as twoGenerals } from '../models/two-generals/index.ts';
import { definition as twoPhase } from '../models/two-phase-commit/index.ts';
import { check } from '../src/explore/check.ts';
import { instantiate, type BuildConfig, type ModelDefinition } from '../src/model/definition.ts';
import { InputError } from '../src/model/errors.ts';
import type { ProtocolModel } from '../src/protocol/compile.ts';
import { MAX_CANDIDATES } from '../src/protocol/symmetry.ts';
import type { World } from '../src/protocol/world.ts';
import { always, defineProtocol, protocol, role } from '../src/index.ts';
import { checkModel, prepareRun } from '../src/testing/check-model.ts';
import { checkSymmetry } from '../src/testing/symmetry-check.ts';
import { parseTraceFile, serializeTraceFile, traceFile } from '../src/trace/file.ts';
import { replay } from '../src/trace/replay.ts';
import { faultline } from './support/cli.ts';

const binomial = (n: number, k: number): number => {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
};
/** TLC's distinct states for TwoPhase with `SYMMETRY Permutations(RM)`. */
const twoPhaseOrbits = (n: number) => binomial(n + 5, 5) + binomial(n + 3, 3) + (n + 1);
/** Two-phase commit's safety properties (its liveness property is refused under symmetry). */
const TPC_SAFETY = ['type-ok', 'consistency', 'commit-happens', 'abort-happens', 'deadlock'];

const build = (def: ModelDefinition<any, any>, config: BuildConfig) => instantiate(def, config) as unknown as ProtocolModel;

// ---- an independent orbit counter -----------------------------------------------------------

/** Every reachable state of a model, each once (by the model's own, unreduced identity). */
function reachable(model: ProtocolModel): World[] {
  const seen = new Set<string>();
  const out: World[] = [];
  const fp = new Int32Array(2);
  const visit = (w: World) => {
    model.fingerprint!(w, fp);
    const key = `${fp[0]}:${fp[1]}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(w);
  };
  model.init().forEach(visit);
  for (let i = 0; i < out.length; i++) for (const a of model.actions(out[i])) visit(model.next(out[i], a));
  return out;
}

/** Plain data as text with object keys sorted and Sets as sorted lists, so equal values read alike. */
function text(v: unknown): string {
  if (v instanceof Set) return `set(${[...v].map(text).sort().join(',')})`;
  if (v instanceof Map) return `map(${[...v].map(([k, x]) => `${text(k)}:${text(x)}`).sort().join(',')})`;
  if (Array.isArray(v)) return `[${v.map(text).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${text((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

/** Every string `names` maps, replaced, anywhere in plain data (values, keys, Set and Map members). */
function renamed(v: unknown, names: ReadonlyMap<string, string>): unknown {
  if (typeof v === 'string') return names.get(v) ?? v;
  if (v instanceof Set) return new Set([...v].map((x) => renamed(x, names)));
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [renamed(k, names), renamed(x, names)]));
  if (Array.isArray(v)) return v.map((x) => renamed(x, names));
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [names.get(k) ?? k, renamed(x, names)]));
  }
  return v;
}

/** A world, renamed by `names`, as text: what each node is, the messages in flight, the fault bookkeeping. */
function describeRenamed(w: World, names: ReadonlyMap<string, string>): string {
  const id = (x: string) => names.get(x) ?? x;
  const nodes: Record<string, unknown> = {};
  for (const x of w.ids) {
    nodes[id(x)] = {
      state: renamed(w.node(x), names),
      timers: renamed(w.timersOf(x), names),
      crashed: w.crashed(x),
      paused: w.paused(x),
      byzantine: w.byzantine(x),
      clock: w.clock(x),
    };
  }
  const network = w
    .inFlight()
    .map((e) => text(renamed(e, names)))
    .sort();
  const separated = w.ids.flatMap((a) => w.ids.filter((b) => a < b && w.separated(a, b)).map((b) => [id(a), id(b)].sort().join('|'))).sort();
  const used = (['drop', 'duplicate', 'partition', 'crash', 'recover', 'pause', 'lies'] as const).map((k) => w.faultsUsed(k));
  return text({ nodes, network, separated, used, time: w.time });
}

/** Every renaming that permutes each class of ids among itself. */
function renamings(classes: readonly (readonly string[])[]): Map<string, string>[] {
  const orderings = (xs: readonly string[]): string[][] =>
    xs.length <= 1 ? [[...xs]] : xs.flatMap((x, i) => orderings([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
  let out: Map<string, string>[] = [new Map()];
  for (const cls of classes) {
    out = out.flatMap((m) => orderings(cls).map((images) => new Map([...m, ...cls.map((x, i) => [x, images[i]] as const)])));
  }
  return out;
}

/** How many orbits the reachable states of `model` fall into under renamings within `classes`: brute force. */
function orbits(model: ProtocolModel, classes: readonly (readonly string[])[]): number {
  const all = renamings(classes);
  const keys = new Set<string>();
  for (const w of reachable(model)) {
    let least: string | null = null;
    for (const names of all) {
      const d = describeRenamed(w, names);
      if (least === null || d < least) least = d;
    }
    keys.add(least!);
  }
  return keys.size;
}

const rms = (n: number) => Array.from({ length: n }, (_, i) => `rm${i + 1}`);
const servers = (n: number) => Array.from({ length: n }, (_, i) => `n${i + 1}`);
const acceptors = (n: number, from = 1) => Array.from({ length: n - from + 1 }, (_, i) => `a${i + from}`);

// ---- the tests ------------------------------------------------------------------------------

describe('symmetry: two-phase commit has exactly TLC’s orbit counts', () => {
  for (let n = 1; n <= 7; n++) {
    it(`rms=${n}: C(n+5,5) + C(n+3,3) + (n+1) = ${twoPhaseOrbits(n)} states, depth 3n+2, consistency holds`, () => {
      const r = check(build(twoPhase, { params: { rms: n }, variant: 'default', symmetry: true }), { properties: TPC_SAFETY });
      expect(r.stats.distinctStates).toBe(twoPhaseOrbits(n));
      expect(r.stats.depth).toBe(3 * n + 2);
      expect(r.verdict).toBe('holds');
    });
  }
});

describe('symmetry: reduced counts equal an independent orbit count of the unreduced states', () => {
  const cases: { what: string; def: ModelDefinition<any, any>; config: BuildConfig; classes: string[][]; properties?: string[] }[] = [
    { what: '2PC rms=3, reliable', def: twoPhase, config: { params: { rms: 3 }, variant: 'default' }, classes: [rms(3)] },
    { what: '2PC rms=3, crash-stop (any node)', def: twoPhase, config: { params: { rms: 3 }, variant: 'default', system: 'crash-stop' }, classes: [rms(3)] },
    { what: '2PC rms=3, lossy (drop=1, consumed)', def: twoPhase, config: { params: { rms: 3 }, variant: 'default', system: 'lossy' }, classes: [rms(3)] },
    {
      what: '2PC rms=3, crash-stop of rm1 only (rm1 is not interchangeable)',
      def: twoPhase,
      config: { params: { rms: 3 }, variant: 'default', system: 'crash-stop', faults: { 'crash-nodes': 'rm1' } },
      classes: [['rm2', 'rm3']],
    },
    {
      what: '2PC rms=3, presumed commit, TM crash and recovery (timers)',
      def: twoPhase,
      config: { params: { rms: 3 }, variant: 'presumed-commit' },
      classes: [rms(3)],
    },
    { what: '2PC rms=3, partition=1 (unordered)', def: twoPhase, config: { params: { rms: 3 }, variant: 'default', faults: { partition: 1, network: 'unordered' } }, classes: [rms(3)] },
    {
      what: 'quorum-election, 3 servers, terms up to 2 (votes relate servers: colours refined, ties tried)',
      def: quorumElection,
      config: { params: { nodes: 3, maxTerm: 2 }, variant: 'default', system: 'reliable' },
      classes: [servers(3)],
    },
    {
      what: 'quorum-election, 3 servers, a partition (node 0 is interchangeable: sides told apart by size)',
      def: quorumElection,
      config: { params: { nodes: 3, maxTerm: 1 }, variant: 'default', system: 'partitions' },
      classes: [servers(3)],
    },
    {
      what: 'quorum-election, 3 servers, n1 crashes and recovers, one loss (n1 is not interchangeable)',
      def: quorumElection,
      config: { params: { nodes: 3, maxTerm: 1 }, variant: 'default', system: 'crash-recovery-lossy' },
      classes: [servers(3).slice(1)],
    },
    {
      what: 'paxos, 4 acceptors, 2 proposers, no crash',
      def: paxos,
      config: { params: { proposers: 2, acceptors: 4, ballots: 1 }, variant: 'default', system: 'no-crash' },
      classes: [acceptors(4)],
    },
    {
      what: 'paxos, 3 acceptors, a1 crashes and recovers (a1 is not interchangeable)',
      def: paxos,
      config: { params: { proposers: 2, acceptors: 3, ballots: 1 }, variant: 'default' },
      classes: [acceptors(3, 2)],
    },
  ];
  for (const c of cases) {
    it(c.what, () => {
      const plain = build(c.def, c.config);
      const expected = orbits(plain, c.classes);
      const reduced = build(c.def, { ...c.config, symmetry: true });
      const safety = reduced.properties.filter((p) => p.kind !== 'eventually' && p.kind !== 'leadsTo').map((p) => p.name);
      const r = check(reduced, { properties: [...safety, ...(reduced.checkDeadlock === false ? [] : ['deadlock'])], all: true });
      expect(r.stats.distinctStates).toBe(expected);
      expect(expected).toBeLessThan(reachable(plain).length);
    });
  }
});

describe('symmetry: the canonical form is the image of the state under a permutation', () => {
  it('2PC rms=3 under crash-stop: every reachable state, renamed by the chosen permutation here, reads as its canonical form', () => {
    const model = build(twoPhase, { params: { rms: 3 }, variant: 'default', system: 'crash-stop', symmetry: true });
    const sym = model.symmetry!;
    const ids = model.nodes!;
    const fp = new Int32Array(2);
    const fq = new Int32Array(2);
    for (const w of reachable(model)) {
      const perm = sym.permutation(w);
      const names = new Map(ids.map((x, i) => [x, ids[perm[i]]] as const));
      expect(describeRenamed(sym.canonical(w), new Map())).toBe(describeRenamed(w, names));
      // Every image of the state has its fingerprint (exactness), and the image is the one renamed here.
      for (const other of renamings([rms(3)])) {
        const image = sym.image(w, Int32Array.from(ids, (x) => ids.indexOf(other.get(x) ?? x)));
        expect(describeRenamed(image, new Map())).toBe(describeRenamed(w, other));
        model.fingerprint!(w, fp);
        model.fingerprint!(image, fq);
        expect([...fq]).toEqual([...fp]);
      }
    }
  });
});

describe('symmetry: when nodes relate to each other, the canonical form is still an image', () => {
  /** The test's own check: `canonical(w)` reads as `w` renamed (here) by the permutation chosen. */
  const expectImages = (model: ProtocolModel, states: readonly World[]) => {
    const sym = model.symmetry!;
    const ids = model.nodes!;
    for (const w of states) {
      const perm = sym.permutation(w);
      const names = new Map(ids.map((x, i) => [x, ids[perm[i]]] as const));
      expect(describeRenamed(sym.canonical(w), new Map())).toBe(describeRenamed(w, names));
    }
  };

  it('quorum-election, 3 servers, a partition: votes and messages between servers', () => {
    const model = build(quorumElection, { params: { nodes: 3, maxTerm: 1 }, variant: 'default', system: 'partitions', symmetry: true });
    expectImages(model, reachable(model));
  });

  it(`a ring of 8 alike nodes: ${8 * 7 * 6 * 5 * 4 * 3 * 2} orderings of tied nodes exceed the cap (${MAX_CANDIDATES}), and the fallback is still an image, merging no two orbits`, () => {
    // Each node points to the next and may raise its flag once; with no flag (or every flag)
    // raised, refinement cannot tell the nodes apart.
    const ids = Array.from({ length: 8 }, (_, i) => `r${i + 1}`);
    const ring = defineProtocol({
      name: 'ring',
      description: 'alike nodes in a ring, each raises a flag',
      build: () => {
        const node = role<{ next: string; up: boolean }, { type: 'none' }>({
          init: (id) => ({ next: ids[(ids.indexOf(id) + 1) % ids.length], up: false }),
          actions: { raise: { when: (s) => !s.up, run: (s) => ({ ...s, up: true }) } },
        });
        return protocol({ roles: { node }, nodes: { node: ids } }, { symmetric: ['node'], deadlock: false, properties: [always('ok', () => true)] });
      },
    });
    const model = build(ring, { params: {}, variant: 'default', symmetry: true });
    const states = reachable(build(ring, { params: {}, variant: 'default' }));
    expect(states).toHaveLength(2 ** 8);
    expectImages(model, states);
    // Flag patterns up to rotation and reflection are what renaming can merge here (a renaming
    // maps the ring to itself only by a rotation or a reflection): the reduced count lies between.
    const necklaces = new Set(
      Array.from({ length: 2 ** 8 }, (_, m) => {
        const bits = ids.map((_, i) => (m >> i) & 1);
        const all = ids.flatMap((_, r) => [bits.slice(r).concat(bits.slice(0, r)), bits.slice(r).concat(bits.slice(0, r)).reverse()]);
        return all.map((b) => b.join('')).sort()[0];
      }),
    ).size;
    const r = check(model, { properties: ['ok'] });
    expect(r.stats.distinctStates).toBeGreaterThanOrEqual(necklaces);
    expect(r.stats.distinctStates).toBeLessThan(2 ** 8);
  });
});

describe('symmetry: relations recorded by a fixed node', () => {
  it('a coordinator that records a successor for each worker: the two 3-cycles are one orbit', () => {
    // {w1: 'w2', w2: 'w3', w3: 'w1'} and {w1: 'w3', w3: 'w2', w2: 'w1'} are renamings of each
    // other; an id under an id key relates two workers, so ties must be tried, not taken as is.
    const cycles = defineProtocol({
      name: 'cycles',
      description: 'a coordinator picks a cyclic order of three workers',
      build: () => {
        const worker = role<{ idle: true }, { type: 'none' }>({ init: () => ({ idle: true }) });
        const coordinator = role<{ after: Readonly<Record<string, string>> | null }, { type: 'none' }>({
          init: () => ({ after: null }),
          actions: {
            pick: {
              when: (s) => s.after === null,
              choices: () => [
                { w1: 'w2', w2: 'w3', w3: 'w1' },
                { w1: 'w3', w3: 'w2', w2: 'w1' },
              ],
              run: (_s, _ctx, after: Record<string, string>) => ({ after }),
            },
          },
        });
        return protocol(
          { roles: { coordinator, worker }, nodes: { coordinator: ['c'], worker: ['w1', 'w2', 'w3'] } },
          { symmetric: ['worker'], deadlock: false, properties: [always('ok', () => true)] },
        );
      },
    });
    const plain = build(cycles, { params: {}, variant: 'default' });
    expect(reachable(plain)).toHaveLength(3);
    expect(orbits(plain, [['w1', 'w2', 'w3']])).toBe(2);
    expect(check(build(cycles, { params: {}, variant: 'default', symmetry: true }), { properties: ['ok'] }).stats.distinctStates).toBe(2);
  });
});

describe('symmetry: a protocol with a view (terms identified up to a shift) is reduced through it', () => {
  it('quorum-election, unbounded terms: every image of a reachable state has its fingerprint; election safety holds on fewer states', () => {
    const config = { params: { nodes: 3, maxTerm: 2 }, variant: 'unbounded-terms-solo-timeouts' as const };
    const model = build(quorumElection, { ...config, symmetry: true });
    const sym = model.symmetry!;
    const ids = model.nodes!;
    const fp = new Int32Array(2);
    const fq = new Int32Array(2);
    for (const w of reachable(model).slice(0, 300)) {
      model.fingerprint!(w, fp);
      for (const other of renamings([servers(3)])) {
        model.fingerprint!(sym.image(w, Int32Array.from(ids, (x) => ids.indexOf(other.get(x) ?? x))), fq);
        expect([...fq]).toEqual([...fp]);
      }
    }
    const plain = checkModel(quorumElection, { ...config, property: 'election-safety' });
    const reduced = checkModel(quorumElection, { ...config, property: 'election-safety', symmetry: true });
    expect(reduced.verdict).toBe('holds');
    expect(plain.verdict).toBe('holds');
    expect(reduced.stats.distinctStates).toBeLessThan(plain.stats.distinctStates);
  });
});

describe('symmetry: verdicts and shortest counterexamples are those of the unreduced search', () => {
  // Two-phase commit: every safety property, searched to the end (one counterexample each);
  // the larger spaces: agreement or election safety, to its first counterexample.
  const cases: [ModelDefinition<any, any>, string, Record<string, number>, boolean][] = [
    [twoPhase, 'commit-on-some-prepared', { rms: 4 }, true],
    [twoPhase, 'prepared-rm-aborts', { rms: 4 }, true],
    [twoPhase, 'timeout-abort', { rms: 3 }, true],
    [twoPhase, 'presumed-commit-no-force', { rms: 3 }, true],
    [quorumElection, 'minority-quorum', { nodes: 4 }, false],
    [quorumElection, 'vote-not-durable', { nodes: 3 }, true],
    [quorumElection, 'no-fencing', { nodes: 3 }, true],
    [paxos, 'minority-quorum', { acceptors: 3 }, false],
    [paxos, 'ignore-accepted', { acceptors: 3 }, false],
  ];
  for (const [def, variant, params, all] of cases) {
    it(`${def.name} ${variant}: same verdict, same violated properties, same lengths; the trace replays`, () => {
      const safety = prepareRun(def, { params, variant })
        .model.properties.filter((p) => p.kind !== 'eventually' && p.kind !== 'leadsTo')
        .map((p) => p.name);
      const properties = all ? [...safety, 'deadlock'] : [def === paxos ? 'agreement' : 'election-safety'];
      const plain = checkModel(def, { variant, params, property: properties, all });
      const reduced = checkModel(def, { variant, params, property: properties, all, symmetry: true });
      expect(plain.verdict).toBe('violated');
      expect(reduced.verdict).toBe(plain.verdict);
      const lengths = (r: typeof plain) => Object.fromEntries(r.violations.map((v) => [v.property, v.trace ? v.trace.steps.length : null]));
      expect(lengths(reduced)).toEqual(lengths(plain));
      if (all) expect(reduced.stats.distinctStates).toBeLessThan(plain.stats.distinctStates);
      for (const v of reduced.violations.filter((x) => x.trace)) {
        const file = parseTraceFile(serializeTraceFile(traceFile(reduced.run, { property: v.property, kind: v.kind, trace: v.trace! })), 'test');
        expect(file.symmetry).toBe(true);
        expect(replay(instantiate(def, { params: reduced.run.params, variant, symmetry: true }), file).status).toBe('reproduces');
      }
    });
  }
});

describe('symmetry: what it refuses, with one line', () => {
  it('liveness: a quotient by renaming nodes does not keep per-node fairness', () => {
    expect(() => checkModel(twoPhase, { params: { rms: 2 }, symmetry: true })).toThrow(InputError);
    expect(() => checkModel(twoPhase, { params: { rms: 2 }, symmetry: true })).toThrow(/--symmetry checks safety only.*every-participant-decides is a liveness property/);
  });

  it('a protocol without interchangeable nodes, and a plain model', () => {
    expect(() => checkModel(twoGenerals, { symmetry: true })).toThrow(/--symmetry cannot reduce two-generals: the protocol declares no interchangeable nodes/);
  });

  it('a role that is not the protocol’s', () => {
    const r = role({ init: () => ({}) });
    expect(() => protocol({ roles: { r }, nodes: { r: ['x'] } }, { properties: [], symmetric: ['s' as 'r'] })).toThrow(/symmetric names role "s"/);
  });
});

describe('faultline check --symmetry', () => {
  it('two-phase-commit rms=7: 920 states, recorded in the JSON; liveness refused with exit 2', async () => {
    const r = await faultline('check', 'two-phase-commit', '--param', 'rms=7', '--symmetry', ...TPC_SAFETY.flatMap((p) => ['--property', p]), '--json', '--quiet');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.stats.distinctStates).toBe(twoPhaseOrbits(7));
    expect(out.symmetry).toBe(true);
    const refused = await faultline('check', 'two-phase-commit', '--symmetry', '--quiet');
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/every-participant-decides is a liveness property/);
  });
});

describe('checkSymmetry: the declaration tested on a model’s first states', () => {
  /** Workers report to a coordinator, which records who reported — by position (`indexed`) or by id. */
  const reporting = (indexed: boolean) =>
    defineProtocol({
      name: 'reporting',
      description: 'workers report to a coordinator',
      build: () => {
        const ids = ['w1', 'w2', 'w3'];
        const worker = role<{ sent: boolean }, { type: 'Done' }>({
          init: () => ({ sent: false }),
          actions: { report: { when: (s) => !s.sent, run: (_s, ctx) => (ctx.send('c', { type: 'Done' }), { sent: true }) } },
        });
        const coordinator = role<{ byPosition: readonly boolean[]; byId: ReadonlySet<string> }, { type: 'Done' }>({
          init: () => ({ byPosition: ids.map(() => false), byId: new Set() }),
          receive: (s, _msg, from) =>
            indexed ? { ...s, byPosition: s.byPosition.map((x, i) => x || ids[i] === from) } : { ...s, byId: new Set([...s.byId, from].sort()) },
        });
        return protocol(
          { roles: { coordinator, worker }, nodes: { coordinator: ['c'], worker: ids } },
          { symmetric: ['worker'], deadlock: false, properties: [always('ok', () => true)] },
        );
      },
    });

  it('holds for the shipped models that declare it', () => {
    expect(checkSymmetry(twoPhase, { params: { rms: 3 }, system: 'crash-stop', maxStates: 400 })).toEqual({ states: 400, broken: null });
    expect(checkSymmetry(twoPhase, { params: { rms: 3 }, variant: 'presumed-commit', maxStates: 400 }).broken).toBeNull();
    expect(checkSymmetry(paxos, { params: { acceptors: 3 }, system: 'no-crash', maxStates: 300 }).broken).toBeNull();
    expect(checkSymmetry(quorumElection, { params: { nodes: 3 }, system: 'partitions', maxStates: 300 }).broken).toBeNull();
    expect(checkSymmetry(quorumElection, { params: { nodes: 3 }, variant: 'unbounded-terms-solo-timeouts', maxStates: 300 }).broken).toBeNull();
  });

  it('finds a state that records nodes by position, and accepts the same protocol recording them by id', () => {
    expect(checkSymmetry(reporting(true)).broken).toMatch(/^renaming w1→w2, w2→w1 in a state .*: after "deliver Done w1→c" the renamed state has no renamed counterpart/);
    expect(checkSymmetry(reporting(false)).broken).toBeNull();
  });
});
