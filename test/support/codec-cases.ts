/**
 * What the world-codec tests run: every shipped model under every variant and every system model
 * it declares, and FIFO networks (which no shipped system uses), each searched breadth-first up
 * to a cap of states.
 */
import { models } from '../../models/index.ts';
import { defaultParams, instantiate, resolveVariant, type BuildConfig } from '../../src/model/definition.ts';
import { identity, stepInfo, type Model, type StepKind } from '../../src/model/model.ts';

/** A model to build (in any thread): a shipped model's name and how it is instantiated. */
export interface CodecCase {
  readonly name: string;
  readonly config: BuildConfig;
}

export function codecCases(): CodecCase[] {
  const cases: CodecCase[] = [];
  for (const def of models) {
    const config = (variantName?: string, system?: string, faults?: Record<string, string>): CodecCase => {
      const variant = resolveVariant(def, variantName);
      return { name: def.name, config: { params: defaultParams(def, variant), variant: variant.name, system: system ?? variant.system, faults } };
    };
    for (const v of def.variants) cases.push(config(v.name));
    for (const s of def.systems ?? []) cases.push(config(undefined, s.name));
  }
  const byName = (name: string) => models.find((d) => d.name === name)!;
  // The Byzantine generals on the protocol layer (the default is a reduced plain model): rounds,
  // traitor placements, and in signed mode the traitors' knowledge of signatures.
  for (const variant of ['oral', 'signed']) {
    cases.push({ name: 'byzantine-generals', config: { params: { ...defaultParams(byName('byzantine-generals')), n: 4, f: 1, reduce: false }, variant } });
  }
  cases.push({ name: 'two-generals', config: { params: defaultParams(byName('two-generals')), variant: 'default', system: 'lossy', faults: { network: 'fifo', duplicate: 1 } } });
  cases.push({ name: 'quorum-replication', config: { params: defaultParams(byName('quorum-replication')), variant: 'strict-quorum', system: 'async', faults: { network: 'fifo' } } });
  // A variant's own system is often also listed as a system of the default variant: once is enough.
  const seen = new Set<string>();
  return cases.filter((c) => !seen.has(JSON.stringify(c)) && !!seen.add(JSON.stringify(c)));
}

export function build(c: CodecCase): Model<any, any> {
  return instantiate(models.find((d) => d.name === c.name)!, c.config);
}

/** Fingerprints as 16 hex digits. */
export function fingerprinter<S>(model: Model<S, any>): (s: S) => string {
  const id = identity(model);
  const out = new Int32Array(2);
  return (s) => {
    id(s, out);
    return (out[0] >>> 0).toString(16).padStart(8, '0') + (out[1] >>> 0).toString(16).padStart(8, '0');
  };
}

/** The first `cap` states of a breadth-first search, and the kinds of the steps taken from them. */
export function firstStates<S>(model: Model<S, any>, cap: number): { states: S[]; kinds: Set<StepKind> } {
  const fp = fingerprinter(model);
  const seen = new Set<string>();
  const states: S[] = [];
  const kinds = new Set<StepKind>();
  for (const s of model.init()) if (!seen.has(fp(s))) (seen.add(fp(s)), states.push(s));
  for (let i = 0; i < states.length && states.length < cap; i++) {
    for (const a of model.actions(states[i])) {
      kinds.add(stepInfo(model, a).kind);
      const t = model.next(states[i], a);
      if (!seen.has(fp(t)) && states.length < cap) (seen.add(fp(t)), states.push(t));
    }
  }
  return { states, kinds };
}

/** Each successor of `s` as its action's label and its fingerprint, in the model's order. */
export function successors<S>(model: Model<S, any>, fp: (s: S) => string, s: S): string[] {
  return model.actions(s).map((a) => `${model.label(a)} → ${fp(model.next(s, a))}`);
}
