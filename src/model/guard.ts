/**
 * The model contract, enforced where the engine calls a model's code. Each hook's result is
 * checked for the shape it must have — `init()` a non-empty array, `actions(s)` an array,
 * `next(s, a)` a state, `label(a)` a string, `step(a)` a known step kind — and whatever a hook or
 * property throws is reported as the model's, naming the hook. So a broken model never "holds"
 * with zero states, and an error faultline raises itself is never blamed on the model (nor the
 * reverse): anything that is not a `ModelError` or an `InputError` is an internal error.
 * (`fingerprint` and `view` are blamed where they are called, in `identity`.)
 *
 * Each hook is wrapped once: wrapped functions are marked, so guarding a model again, or a copy
 * spread from a guarded model, wraps nothing twice. The hot hooks (`next`, `actions`, `within`)
 * each get a wrapper of their own rather than one shared generic one: V8 keeps call-site feedback
 * per function literal, and a wrapper shared by every hook would make its inner call megamorphic.
 */
import { ModelError, blame } from './errors.ts';
import { STEP_KINDS, type Model, type StepInfo } from './model.ts';
import type { Property } from './property.ts';

const GUARDED = Symbol('faultline.guarded');

type Marked = { [GUARDED]?: true };

/** Mark a guarded hook, property or model; not enumerable, so a spread copy is not marked. */
function mark<F extends object>(f: F): F {
  return Object.defineProperty(f, GUARDED, { value: true });
}

const isMarked = (f: unknown): boolean => (f as Marked | null | undefined)?.[GUARDED] === true;

/** "a string", "undefined", "an object": what a hook returned instead of what it must. */
function kindOf(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return 'an array';
  const t = typeof v;
  return t === 'object' ? 'an object' : `a ${t}`;
}

const STEP_KIND_SET: ReadonlySet<string> = new Set(STEP_KINDS);

/** `fn` (bound to `self`) with throws blamed on `hook`; for hooks called rarely (a shared wrapper). */
function blamed<F extends (...args: any[]) => any>(self: object, fn: F | undefined, hook: string): F | undefined {
  if (fn === undefined || isMarked(fn)) return fn;
  return mark(function (a: unknown) {
    try {
      return fn.call(self, a);
    } catch (e) {
      throw blame(hook, e);
    }
  } as F);
}

/** A property whose predicates blame the property by name when they throw. */
function guardedProperty<S, A>(p: Property<S, A>): Property<S, A> {
  if (isMarked(p)) return p;
  const hook = `property "${p.name}"`;
  const predicate = <F extends (...args: any[]) => boolean>(fn: F): F =>
    isMarked(fn)
      ? fn
      : mark(function (a: unknown, b: unknown, c: unknown) {
          try {
            return fn.call(p, a, b, c);
          } catch (e) {
            throw blame(hook, e);
          }
        } as F);
  switch (p.kind) {
    case 'always':
    case 'sometimes':
    case 'transition':
      return mark({ ...p, holds: predicate(p.holds) } as Property<S, A>);
    case 'eventually':
    case 'alwaysEventually':
      return mark({ ...p, goal: predicate(p.goal) });
    case 'leadsTo':
      return mark({ ...p, trigger: predicate(p.trigger), goal: predicate(p.goal) });
  }
}

/** `model` with every hook and property checked and blamed as described above. */
export function guarded<S, A>(model: Model<S, A>): Model<S, A> {
  if (isMarked(model)) return model;
  for (const hook of ['init', 'actions', 'next', 'label'] as const) {
    if (typeof model[hook] !== 'function') throw new ModelError(`the model has no ${hook}() function (its ${hook} is ${kindOf(model[hook])})`);
  }
  if (!Array.isArray(model.properties)) throw new ModelError(`the model's properties are ${kindOf(model.properties)}, not an array`);
  const m = model;

  const label = isMarked(m.label)
    ? m.label
    : mark((a: A): string => {
        let l: unknown;
        try {
          l = m.label(a);
        } catch (e) {
          throw blame('label()', e);
        }
        if (typeof l !== 'string') throw new ModelError(`the model's label() returned ${kindOf(l)}, not a string`);
        return l;
      });
  /** The label of `a` for an error message, without failing again if labelling fails too. */
  const named = (a: A): string => {
    try {
      return JSON.stringify(label(a));
    } catch {
      return 'an action';
    }
  };

  const init = isMarked(m.init)
    ? m.init
    : mark((): readonly S[] => {
        let inits: unknown;
        try {
          inits = m.init();
        } catch (e) {
          throw blame('init()', e);
        }
        if (!Array.isArray(inits)) throw new ModelError(`the model's init() returned ${kindOf(inits)}, not an array of initial states`);
        if (inits.length === 0) throw new ModelError(`the model's init() returned no initial state`);
        return inits;
      });

  const actions = isMarked(m.actions)
    ? m.actions
    : mark((s: S): readonly A[] => {
        let enabled: unknown;
        try {
          enabled = m.actions(s);
        } catch (e) {
          throw blame('actions()', e);
        }
        if (!Array.isArray(enabled)) throw new ModelError(`the model's actions() returned ${kindOf(enabled)}, not an array of actions`);
        return enabled;
      });

  const next = isMarked(m.next)
    ? m.next
    : mark((s: S, a: A): S => {
        let t: S;
        try {
          t = m.next(s, a);
        } catch (e) {
          throw blame('next()', e);
        }
        if (t === undefined) throw new ModelError(`the model's next() returned undefined for action ${named(a)}`);
        return t;
      });

  // Runs the same model code as `next` (a protocol's handlers), so it is blamed the same way.
  const successorFingerprint =
    m.successorFingerprint === undefined || isMarked(m.successorFingerprint)
      ? m.successorFingerprint
      : mark((s: S, a: A, out: Int32Array): boolean => {
          try {
            return m.successorFingerprint!(s, a, out);
          } catch (e) {
            throw blame('next()', e);
          }
        });

  const within =
    m.within === undefined || isMarked(m.within)
      ? m.within
      : mark((s: S): boolean => {
          try {
            return m.within!(s);
          } catch (e) {
            throw blame('within()', e);
          }
        });

  const step =
    m.step === undefined || isMarked(m.step)
      ? m.step
      : mark((a: A): StepInfo => {
          let info: unknown;
          try {
            info = m.step!(a);
          } catch (e) {
            throw blame('step()', e);
          }
          const kind = (info as StepInfo | null)?.kind;
          if (typeof info !== 'object' || info === null || !STEP_KIND_SET.has(kind as string)) {
            const got = typeof info === 'object' && info !== null ? `kind ${JSON.stringify(kind)}` : kindOf(info);
            throw new ModelError(`the model's step() returned ${got} for action ${named(a)}, not a step kind (${STEP_KINDS.join(', ')})`);
          }
          return info as StepInfo;
        });

  // The model's other fields (data, extra helpers a model's tests use) are kept as they are.
  const copy: Model<S, A> = Object.assign(Object.create(Object.getPrototypeOf(model)), model, {
    init,
    actions,
    next,
    successorFingerprint,
    label,
    step,
    within,
    show: blamed(model, model.show, 'show()'),
    terminal: blamed(model, model.terminal, 'terminal()'),
    properties: model.properties.map(guardedProperty),
  });
  return mark(copy);
}
