/**
 * What a state may be made of, and how a value that breaks the rule is described.
 *
 * States are immutable plain data: primitives (not symbols), arrays, objects whose prototype is
 * `Object.prototype` or `null`, `Set`s, `Map`s and typed arrays, without cycles. Of an object only its own enumerable string keys count
 * (as in JSON). Anything else — a `Date`, a `RegExp`, a class instance, a `Map` subclass, a
 * `Promise`, a boxed primitive, a function — is refused: hashing it by its enumerable keys would
 * merge states that differ (`new Date(0)` and `new Date(5)` have no keys), and a model checker
 * must never merge two different states.
 *
 * The fingerprint checks the rule on its hot path cheaply (a prototype comparison per object)
 * and only says "something is wrong"; `plainDataProblem` walks the value again, off the hot
 * path, to say what and where. A cycle, or nesting so deep that the hash's recursion overflows
 * the stack (a few thousand levels), is found by the same walk.
 */

/**
 * Nesting the walk reports as too deep. The hash recurses, so it handles a few thousand levels
 * before the stack overflows; a value it overflows on is reported as deeper than this.
 */
export const MAX_NESTING = 1000;

/** The prototypes of the typed arrays, the one kind of class instance a state may hold. */
export const TYPED_ARRAY_PROTOTYPES: ReadonlySet<object> = new Set(
  [
    Int8Array,
    Uint8Array,
    Uint8ClampedArray,
    Int16Array,
    Uint16Array,
    Int32Array,
    Uint32Array,
    Float32Array,
    Float64Array,
    BigInt64Array,
    BigUint64Array,
  ].map((c) => c.prototype),
);

/** How a composite value is hashed: its kind, or null when it is not plain data. */
export type PlainKind = 'object' | 'array' | 'set' | 'map' | 'typed';

/** The kind of a non-null object, or null when it is not plain data. */
export function plainKind(o: object): PlainKind | null {
  const proto = Object.getPrototypeOf(o);
  if (proto === Object.prototype || proto === null) return 'object';
  if (proto === Array.prototype) return 'array';
  if (proto === Set.prototype) return 'set';
  if (proto === Map.prototype) return 'map';
  if (TYPED_ARRAY_PROTOTYPES.has(proto)) return 'typed';
  return null;
}

/** How a value breaks the plain-data rule. */
export type PlainDataFault = 'not-plain' | 'cycle' | 'too-deep';

/** A value in a state that breaks the plain-data rule: what is wrong, and where. */
export class PlainDataError extends Error {
  override readonly name = 'PlainDataError';

  constructor(
    readonly fault: PlainDataFault,
    /** Path inside the value, e.g. `.d` or `[2].peers`; '' for the value itself. */
    readonly path: string,
    /** For `not-plain`: what the value is and what to use instead. */
    readonly what = '',
  ) {
    super('');
    this.message = this.describe('state');
  }

  /** The message with the value named `root` (`state`, `view(state)`, a node's name). */
  describe(root: string): string {
    const at = `${root}${shortPath(this.path)}`;
    if (this.fault === 'cycle') return `${root} contains a cycle at ${at} (it refers back to a value that contains it)`;
    if (this.fault === 'too-deep') return `${root} nested deeper than ${MAX_NESTING} levels at ${at}`;
    return `${at} is ${this.what}`;
  }
}

const PLAIN = 'states hold only primitives, arrays, plain objects, Sets, Maps and typed arrays';

/** What a value that is not plain data is, and what to use instead, for a person. */
function whatItIs(v: unknown): string {
  if (typeof v === 'function') return `a function, which is not plain data (${PLAIN})`;
  if (typeof v === 'symbol') return `a symbol, which is not plain data (${PLAIN})`;
  const o = v as object;
  if (o instanceof Date) return 'a Date, which is not plain data (store its time as a number)';
  if (o instanceof RegExp) return 'a RegExp, which is not plain data (store its source as a string)';
  const ctor = (o as { constructor?: { name?: unknown } }).constructor;
  const name = typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : null;
  const a = (noun: string) => (/^[AEIOU]/i.test(noun) ? `an ${noun}` : `a ${noun}`);
  for (const base of [Map, Set, Array]) {
    if (o instanceof base) return `${a(base.name)} subclass (${name ?? 'anonymous'}), which is not plain data (use a plain ${base.name})`;
  }
  if (o instanceof Number || o instanceof String || o instanceof Boolean) return `a boxed ${name}, which is not plain data (use the primitive)`;
  const what = name === null ? 'an object with a custom prototype' : (globalThis as Record<string, unknown>)[name] === ctor ? a(name) : `an instance of class ${name}`;
  return `${what}, which is not plain data (${PLAIN})`;
}

/** `.key`, or `["odd key"]` when the key is not an identifier. */
function keyPath(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** A short path for messages: a path nested a thousand levels deep is cut in the middle. */
function shortPath(path: string): string {
  return path.length <= 120 ? path : `${path.slice(0, 60)}…${path.slice(-40)}`;
}

interface Frame {
  readonly value: unknown;
  readonly path: string;
  readonly depth: number;
  /** Set on the second visit: the walk leaves this value (it is no longer an ancestor). */
  leaving: boolean;
}

/**
 * The first place where `value` breaks the plain-data rule, walking in the order the fingerprint
 * hashes (object keys, array indices, Set and Map entries), or null when it is plain data.
 * Iterative, so a value nested far too deep is described rather than overflowing the stack.
 */
export function plainDataProblem(value: unknown): PlainDataError | null {
  const ancestors = new Set<object>();
  const stack: Frame[] = [{ value, path: '', depth: 0, leaving: false }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    const v = frame.value;
    if (frame.leaving) {
      ancestors.delete(v as object);
      stack.pop();
      continue;
    }
    if (typeof v === 'function' || typeof v === 'symbol') return new PlainDataError('not-plain', frame.path, whatItIs(v));
    if (typeof v !== 'object' || v === null) {
      stack.pop();
      continue;
    }
    if (ancestors.has(v)) return new PlainDataError('cycle', frame.path);
    const kind = plainKind(v);
    if (kind === null) return new PlainDataError('not-plain', frame.path, whatItIs(v));
    if (frame.depth >= MAX_NESTING) return new PlainDataError('too-deep', frame.path);
    frame.leaving = true;
    ancestors.add(v);
    const children: [string, unknown][] = [];
    if (kind === 'object') for (const k in v) if (Object.prototype.hasOwnProperty.call(v, k)) children.push([keyPath(k), (v as Record<string, unknown>)[k]]);
    if (kind === 'array') (v as unknown[]).forEach((x, i) => children.push([`[${i}]`, x]));
    if (kind === 'set') [...(v as Set<unknown>)].forEach((x, i) => children.push([`.values()[${i}]`, x]));
    if (kind === 'map') {
      [...(v as Map<unknown, unknown>)].forEach(([k, x], i) => {
        children.push([`.keys()[${i}]`, k], [`.values()[${i}]`, x]);
      });
    }
    // Pushed in reverse, so the first child is walked first.
    for (let i = children.length - 1; i >= 0; i--) {
      stack.push({ value: children[i][1], path: frame.path + children[i][0], depth: frame.depth + 1, leaving: false });
    }
  }
  return null;
}
