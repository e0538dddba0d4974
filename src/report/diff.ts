/**
 * State diffs for traces: a state is flattened into `path → value` leaves (`nodes[2].term`,
 * `msgs{…}`), and a step shows only the leaves that changed. Paths and values are rendered with
 * every control character escaped, so they are safe on a terminal and in a text file.
 */
import { jsonText } from '../state/json.ts';
import { escapeControls } from './escape.ts';

export interface Change {
  readonly path: string;
  /** Rendered value before the step, or undefined when the leaf is new. */
  readonly before?: string;
  /** Rendered value after the step, or undefined when the leaf is gone. */
  readonly after?: string;
  /** For a list of strings (messages in flight, crashed nodes): what joined and what left it. */
  readonly added?: readonly string[];
  readonly removed?: readonly string[];
}

/** Compact one-line rendering of a value (JSON-like; Sets and Maps shown as such). */
export function render(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return jsonText(v);
  if (typeof v !== 'object' || v === null) return String(v);
  if (v instanceof Set) return `Set{${[...v].map(render).join(', ')}}`;
  if (v instanceof Map) return `Map{${[...v].map(([k, x]) => `${render(k)} => ${render(x)}`).join(', ')}}`;
  if (Array.isArray(v)) return `[${v.map(render).join(', ')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${escapeControls(k)}: ${render(x)}`)
    .join(', ')}}`;
}

const isPrimitive = (x: unknown) => typeof x !== 'object' || x === null;

/**
 * Leaves of a value: nested plain objects and arrays of objects are walked; Sets, Maps, arrays of
 * primitives (a list of in-flight messages, a vector of flags) and primitives are leaves, so a
 * message arriving reads as one change of `network`, not as every later index shifting.
 */
function leaves(v: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  const walk = typeof v === 'object' && v !== null && !(v instanceof Set) && !(v instanceof Map) && !(Array.isArray(v) && v.every(isPrimitive));
  if (!walk) {
    out.set(prefix || '(state)', v);
    return out;
  }
  const entries = Array.isArray(v) ? v.map((x, i) => [`[${i}]`, x] as const) : Object.entries(v as object).map(([k, x]) => [prefix ? `.${escapeControls(k)}` : escapeControls(k), x] as const);
  if (entries.length === 0) out.set(prefix || '(state)', {});
  for (const [k, x] of entries) leaves(x, prefix + k, out);
  return out;
}

/** Leaves of a value as `path → rendered value`. */
export function flatten(v: unknown): Map<string, string> {
  return new Map([...leaves(v)].map(([path, x]) => [path, render(x)]));
}

/** Elements of `xs` not matched one-for-one in `ys`. */
function minus(xs: readonly unknown[], ys: readonly unknown[]): string[] {
  const left = ys.map(render);
  const out: string[] = [];
  for (const x of xs.map(render)) {
    const i = left.indexOf(x);
    if (i >= 0) left.splice(i, 1);
    else out.push(x);
  }
  return out;
}

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Set) && !(x instanceof Map);

/** The path of `key` under `prefix` (leaves' naming). */
const under = (prefix: string, key: string): string => (prefix ? `${prefix}.${escapeControls(key)}` : escapeControls(key));

/**
 * The changes between two states, in the order they appear. Records are compared key by key and
 * lists of the same length element by element; a list that grew or shrank is one change that says
 * which elements joined and which left it — so a new record in an empty `log` reads as
 * `log: +{…}`, and removing one record does not show every later index as changed.
 */
export function diff(before: unknown, after: unknown): Change[] {
  const changes: Change[] = [];
  diffAt('', before, after, changes);
  return changes;
}

function diffAt(path: string, a: unknown, b: unknown, out: Change[]): void {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) {
      out.push({ path: path || '(state)', before: render(a), after: render(b), added: minus(b, a), removed: minus(a, b) });
      return;
    }
    if (!(a.every(isPrimitive) && b.every(isPrimitive))) {
      a.forEach((x, i) => diffAt(`${path}[${i}]`, x, b[i], out));
      return;
    }
  } else if (isRecord(a) && isRecord(b)) {
    for (const [k, x] of Object.entries(b)) {
      if (Object.prototype.hasOwnProperty.call(a, k)) diffAt(under(path, k), a[k], x, out);
      else for (const [leaf, value] of leaves(x, under(path, k))) out.push({ path: leaf, after: render(value) });
    }
    for (const [k, x] of Object.entries(a)) {
      if (!Object.prototype.hasOwnProperty.call(b, k)) for (const [leaf, value] of leaves(x, under(path, k))) out.push({ path: leaf, before: render(value) });
    }
    return;
  }
  leafChanges(leaves(a, path), leaves(b, path), out);
}

/** The changes between two sets of leaves (values of different shapes, or lists of primitives). */
function leafChanges(a: Map<string, unknown>, b: Map<string, unknown>, out: Change[]): void {
  for (const [path, value] of b) {
    const old = a.get(path);
    const rendered = render(value);
    if (a.has(path) && render(old) === rendered) continue;
    const change: Change = { path, before: a.has(path) ? render(old) : undefined, after: rendered };
    // A list of names or messages changes by what joined and what left it.
    const isList = (x: unknown): x is string[] => Array.isArray(x) && x.every((e) => typeof e === 'string');
    if (isList(old) && isList(value)) out.push({ ...change, added: minus(value, old), removed: minus(old, value) });
    else out.push(change);
  }
  for (const [path, value] of a) if (!b.has(path)) out.push({ path, before: render(value) });
}
