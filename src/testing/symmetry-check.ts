/**
 * `checkSymmetry`: test a protocol's `symmetric` declaration on its first states. `--symmetry`
 * relies on it — a protocol that treats its interchangeable nodes alike, referring to them by id —
 * and cannot always tell when it is false (a state indexed by node position is not renamed).
 * This check can, on the states it visits: for each of them and each generating renaming of a
 * class of interchangeable nodes (a swap of two, a rotation of all), the renamed state must have
 * the renamed successors, the same values of the properties' state predicates (a transition
 * property's is not tested), and be terminal or within the constraint alike; the initial states
 * must be closed under renaming.
 */
import type { ModelDefinition, Params } from '../model/definition.ts';
import { InputError } from '../model/errors.ts';
import type { Model } from '../model/model.ts';
import type { ProtocolModel } from '../protocol/compile.ts';
import type { Symmetry } from '../protocol/symmetry.ts';
import type { World } from '../protocol/world.ts';
import { prepareRun, type RunOptions } from './check-model.ts';

export interface SymmetryCheckOptions<P extends Params = Params, V extends string = string> extends RunOptions<P, V> {
  /** How many states (breadth-first, without reduction) to test (default 2000). */
  readonly maxStates?: number;
}

/** What `checkSymmetry` found. */
export interface SymmetryCheck {
  /** States tested, each under every generating renaming. */
  readonly states: number;
  /** The first way the declaration failed, in one sentence; null when it held on every state tested. */
  readonly broken: string | null;
}

/**
 * Test the protocol's `symmetric` declaration on up to `maxStates` of its states, under the run
 * `options` choose (variant, params, system, faults).
 *
 * ```ts
 * expect(checkSymmetry(definition, { params: { rms: 3 }, system: 'crash-stop' }).broken).toBeNull();
 * ```
 */
export function checkSymmetry<P extends Params, V extends string>(
  definition: ModelDefinition<P, V>,
  options: SymmetryCheckOptions<NoInfer<P>, NoInfer<V>> = {},
): SymmetryCheck {
  const { model } = prepareRun(definition, { ...options, symmetry: true });
  const sym = (model as Partial<ProtocolModel>).symmetry;
  if (!sym) throw new InputError(`${definition.name} is not a protocol with interchangeable nodes`);
  const limit = options.maxStates ?? 2000;
  const ids = model.nodes!;
  const key = exactKey(sym);
  const renamings = generators(sym, ids.length);
  const named = (perm: Int32Array) =>
    sym.classes
      .flatMap((cls) => cls.filter((i) => perm[i] !== i).map((i) => `${ids[i]}→${ids[perm[i]]}`))
      .join(', ');

  const inits = model.init() as World[];
  const initKeys = new Set(inits.map(key));
  for (const perm of renamings) {
    for (const w of inits) {
      if (!initKeys.has(key(sym.image(w, perm)))) return { states: 0, broken: `renaming ${named(perm)} maps an initial state to a state that is not initial` };
    }
  }
  const seen = new Set<string>(initKeys);
  const queue: World[] = [...inits];
  let tested = 0;
  for (; tested < queue.length && tested < limit; tested++) {
    const w = queue[tested];
    const successors = model.actions(w).map((a) => model.next(w, a));
    for (const perm of renamings) {
      const image = sym.image(w, perm);
      const why = differs(model, w, image, successors, perm, sym, key);
      if (why) return { states: tested + 1, broken: `renaming ${named(perm)} in a state at breadth-first position ${tested}: ${why}` };
    }
    for (const t of successors) {
      const k = key(t);
      if (!seen.has(k)) {
        seen.add(k);
        queue.push(t);
      }
    }
  }
  return { states: tested, broken: null };
}

/** The exact identity of a world, as text. */
function exactKey(sym: Symmetry): (w: World) => string {
  const out = new Int32Array(2);
  return (w) => {
    sym.exact(w, out);
    return `${out[0]}:${out[1]}`;
  };
}

/** Renamings that generate every permutation of each class: a swap of its first two nodes, a rotation of all. */
function generators(sym: Symmetry, n: number): Int32Array[] {
  const out: Int32Array[] = [];
  for (const cls of sym.classes) {
    const swap = Int32Array.from({ length: n }, (_, i) => i);
    swap[cls[0]] = cls[1];
    swap[cls[1]] = cls[0];
    out.push(swap);
    if (cls.length > 2) {
      const rotate = Int32Array.from({ length: n }, (_, i) => i);
      cls.forEach((i, r) => (rotate[i] = cls[(r + 1) % cls.length]));
      out.push(rotate);
    }
  }
  return out;
}

/** How `image` (the renamed `w`) fails to behave as `w` renamed, or null. */
function differs(
  model: Model<World, unknown>,
  w: World,
  image: World,
  successors: readonly World[],
  perm: Int32Array,
  sym: Symmetry,
  key: (w: World) => string,
): string | null {
  for (const p of model.properties) {
    const preds: [string, (s: World) => boolean][] =
      p.kind === 'always' || p.kind === 'sometimes'
        ? [['', p.holds]]
        : p.kind === 'leadsTo'
          ? [['trigger of ', p.trigger], ['goal of ', p.goal]]
          : p.kind === 'transition'
            ? []
            : [['goal of ', p.goal]];
    for (const [part, pred] of preds) if (pred(w) !== pred(image)) return `${part}property ${p.name} is ${pred(w)} before renaming and ${pred(image)} after`;
  }
  if (!!model.terminal?.(w) !== !!model.terminal?.(image)) return 'terminal() tells the state and its renaming apart';
  if (model.within && model.within(w) !== model.within(image)) return 'within() tells the state and its renaming apart';
  const expected = successors.map((t) => key(sym.image(t, perm))).sort();
  const got = model
    .actions(image)
    .map((a) => key(model.next(image, a)))
    .sort();
  if (expected.length !== got.length) return `the renamed state has ${got.length} successors, the state ${expected.length}`;
  for (let i = 0; i < got.length; i++) {
    if (got[i] !== expected[i]) {
      const missing = successors.find((t) => !got.includes(key(sym.image(t, perm))));
      const step = missing ? model.label(model.actions(w)[successors.indexOf(missing)]) : 'a step';
      return `after "${step}" the renamed state has no renamed counterpart among its successors (does the protocol index nodes by position, or order them by id?)`;
    }
  }
  return null;
}
