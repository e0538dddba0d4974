/**
 * Structural equality of plain data, exactly the fingerprint's: object key order and `Set`/`Map`
 * insertion order do not matter, array order does; `0` equals `-0` and `NaN` equals `NaN`; a
 * null-prototype object equals a plain one; typed arrays are equal when of the same type and
 * contents. Two values are `sameData` exactly when they would be one state for a search that
 * never met a fingerprint collision.
 *
 * The shared intern tables (intern-table.ts) are keyed by 64-bit fingerprints. A key they have
 * already seen is only trusted after this check against the stored value, so a collision is found
 * and reported instead of silently merging two different values (see protocol/codec.ts).
 */
import { plainKind } from './plain-data.ts';

/** Whether `a` and `b` are the same plain data (see the module comment). */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b) return false;
  if (typeof a === 'number') return a !== a && (b as number) !== (b as number);
  if (typeof a !== 'object' || a === null || b === null) return false;
  const kind = plainKind(a);
  if (kind === null || kind !== plainKind(b as object)) return false;
  switch (kind) {
    case 'object':
      return sameObject(a as Record<string, unknown>, b as Record<string, unknown>);
    case 'array':
      return sameSequence(a as readonly unknown[], b as readonly unknown[]);
    case 'typed':
      return Object.getPrototypeOf(a) === Object.getPrototypeOf(b) && sameSequence(a as unknown as ArrayLike<unknown>, b as unknown as ArrayLike<unknown>);
    case 'set':
      return sameSet(a as ReadonlySet<unknown>, b as ReadonlySet<unknown>);
    case 'map':
      return sameMap(a as ReadonlyMap<unknown, unknown>, b as ReadonlyMap<unknown, unknown>);
  }
}

function sameObject(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) if (!Object.prototype.hasOwnProperty.call(b, k) || !sameData(a[k], b[k])) return false;
  return true;
}

function sameSequence(a: ArrayLike<unknown>, b: ArrayLike<unknown>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
  return true;
}

/** Primitives are compared by the collection's own SameValueZero (which is the fingerprint's equality for them); composites by `sameData`, matched one to one. */
const isComposite = (v: unknown): v is object => typeof v === 'object' && v !== null;

/**
 * The composites of `b` not yet matched, to pair with those of `a`. `sameData` is an equivalence,
 * so matching each of `a`'s composites greedily with any equal unmatched one of `b` is exact,
 * also when a collection holds several equal composites.
 */
function matcher(b: Iterable<unknown>): (x: unknown) => unknown {
  const unmatched: unknown[] = [];
  for (const y of b) if (isComposite(y)) unmatched.push(y);
  return (x) => {
    const i = unmatched.findIndex((y) => sameData(x, y));
    if (i < 0) return undefined;
    const [y] = unmatched.splice(i, 1);
    return y;
  };
}

function sameSet(a: ReadonlySet<unknown>, b: ReadonlySet<unknown>): boolean {
  if (a.size !== b.size) return false;
  let match: ((x: unknown) => unknown) | undefined;
  for (const x of a) {
    if (!isComposite(x)) {
      if (!b.has(x)) return false;
    } else if ((match ??= matcher(b))(x) === undefined) return false;
  }
  return true;
}

function sameMap(a: ReadonlyMap<unknown, unknown>, b: ReadonlyMap<unknown, unknown>): boolean {
  if (a.size !== b.size) return false;
  let match: ((x: unknown) => unknown) | undefined;
  for (const [k, v] of a) {
    if (!isComposite(k)) {
      if (!b.has(k) || !sameData(v, b.get(k))) return false;
    } else {
      // Composite keys: match whole entries, so equal keys with different values do not pair.
      const entry = (match ??= matcher([...b].filter(([bk]) => isComposite(bk))))([k, v]);
      if (entry === undefined) return false;
    }
  }
  return true;
}
