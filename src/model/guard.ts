/**
 * The model contract, enforced where the engine calls a model's code. Each hook's result is
 * checked for the shape it must have — `init()` a non-empty array, `actions(s)` an array,
 * `next(s, a)` a state, `label(a)` a string, `step(a)` a known step kind — and whatever a hook or
 * property throws is reported as the model's, naming the hook. So a broken model never "holds"
 * with zero states, and an error faultline raises itself is never blamed on the model (nor the
 * reverse): anything that is not a `ModelError` or an `InputError` is an internal error.
 *
 * Each hook is wrapped once: wrapped functions are marked, so guarding a model again, or a copy
 * spread from a guarded model, wraps nothing twice.
 */
import { ModelError, describeError } from './errors.ts';
import { STEP_KINDS, type Model, type StepInfo } from './model.ts';
import type { Property } from './property.ts';

const GUARDED = Symbol('faultline.guarded');

type Marked = { [GUARDED]?: true };

/** Mark a guarded hook, property or model; not enumerable, so a spread copy is not marked. */
function mark<F extends object>(f: F): F {
  return Object.defineProperty(f, GUARDED, { value: true });
}

const isMarked = (f: unknown): boolean => (f as Marked | null | undefined)?.[GUARDED] === true;

/** What a thrown value means for the run: a model's error stays as it is, anything else is blamed on `hook`. */
function blame(hook: string, e: unknown): ModelError {
  return e instanceof ModelError ? e : new ModelError(`the model's ${hook} threw: ${describeError(e)}`, e);
}

/** "a string", "undefined", "an object": what a hook returned instead of what it must. */
function kindOf(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return 'an array';
  const t = typeof v;
  return t === 'object' ? 'an object' : t === 'undefined' ? t : `a ${t}`;
}

const STEP_KIND_SET: ReadonlySet<string> = new Set(STEP_KINDS);

/**
 * `fn` (bound to `self`) with throws blamed on `hook` and its result checked by `check` (which
 * throws a `ModelError`); `fn` itself when it is already guarded. Hooks take at most three
 * arguments: fixed parameters (no rest array) keep the hot calls (`next`, `fingerprint`) free of
 * allocation.
 */
function blamed<F extends (...args: any[]) => any>(
  self: object,
  fn: F | undefined,
  hook: string,
  check?: (result: unknown, a: unknown, b: unknown) => void,
): F | undefined {
  if (fn === undefined || isMarked(fn)) return fn;
  return mark(function (a: unknown, b: unknown, c: unknown) {
    let result: unknown;
    try {
      result = fn.call(self, a, b, c);
    } catch (e) {
      throw blame(hook, e);
    }
    if (check !== undefined) check(result, a, b);
    return result;
  } as F);
}

/** A property whose predicates blame the property by name when they throw. */
function guardedProperty<S, A>(p: Property<S, A>): Property<S, A> {
  if (isMarked(p)) return p;
  const hook = `property "${p.name}"`;
  switch (p.kind) {
    case 'always':
    case 'sometimes':
      return mark({ ...p, holds: blamed(p, p.holds, hook)! });
    case 'transition':
      return mark({ ...p, holds: blamed(p, p.holds, hook)! });
    case 'eventually':
    case 'alwaysEventually':
      return mark({ ...p, goal: blamed(p, p.goal, hook)! });
    case 'leadsTo':
      return mark({ ...p, trigger: blamed(p, p.trigger, hook)!, goal: blamed(p, p.goal, hook)! });
  }
}

/** `model` with every hook and property checked and blamed as described above. */
export function guarded<S, A>(model: Model<S, A>): Model<S, A> {
  if (isMarked(model)) return model;
  for (const hook of ['init', 'actions', 'next', 'label'] as const) {
    if (typeof model[hook] !== 'function') throw new ModelError(`the model has no ${hook}() function (its ${hook} is ${kindOf(model[hook])})`);
  }
  if (!Array.isArray(model.properties)) throw new ModelError(`the model's properties are ${kindOf(model.properties)}, not an array`);
  const label = blamed(model, model.label, 'label()', (l) => {
    if (typeof l !== 'string') throw new ModelError(`the model's label() returned ${kindOf(l)}, not a string`);
  })!;
  /** The label of `a` for an error message, without failing again if labelling fails too. */
  const named = (a: unknown): string => {
    try {
      return JSON.stringify(label(a as A));
    } catch {
      return 'an action';
    }
  };
  const init = blamed(model, model.init, 'init()', (inits) => {
    if (!Array.isArray(inits)) throw new ModelError(`the model's init() returned ${kindOf(inits)}, not an array of initial states`);
    if (inits.length === 0) throw new ModelError(`the model's init() returned no initial state`);
  });
  const actions = blamed(model, model.actions, 'actions()', (enabled) => {
    if (!Array.isArray(enabled)) throw new ModelError(`the model's actions() returned ${kindOf(enabled)}, not an array of actions`);
  });
  const next = blamed(model, model.next, 'next()', (t, _s, a) => {
    if (t === undefined) throw new ModelError(`the model's next() returned undefined for action ${named(a)}`);
  });
  const step = blamed(model, model.step, 'step()', (info, a) => {
    const kind = (info as StepInfo | null)?.kind;
    if (typeof info !== 'object' || info === null || !STEP_KIND_SET.has(kind as string)) {
      const got = typeof info === 'object' && info !== null ? `kind ${JSON.stringify(kind)}` : kindOf(info);
      throw new ModelError(`the model's step() returned ${got} for action ${named(a)}, not a step kind (${STEP_KINDS.join(', ')})`);
    }
  });

  // The model's other fields (data, extra helpers a model's tests use) are kept as they are.
  const copy: Model<S, A> = Object.assign(Object.create(Object.getPrototypeOf(model)), model, {
    init,
    actions,
    next,
    label,
    step,
    view: blamed(model, model.view, 'view()'),
    fingerprint: blamed(model, model.fingerprint, 'fingerprint()'),
    show: blamed(model, model.show, 'show()'),
    terminal: blamed(model, model.terminal, 'terminal()'),
    within: blamed(model, model.within, 'within()'),
    properties: model.properties.map(guardedProperty),
  });
  return mark(copy);
}
