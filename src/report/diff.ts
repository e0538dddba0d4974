/**
 * State diffs for traces: a state is flattened into `path → value` leaves (`nodes[2].term`,
 * `msgs{…}`), and a step shows only the leaves that changed.
 */

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
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v !== 'object' || v === null) return String(v);
  if (v instanceof Set) return `Set{${[...v].map(render).join(', ')}}`;
  if (v instanceof Map) return `Map{${[...v].map(([k, x]) => `${render(k)} => ${render(x)}`).join(', ')}}`;
  if (Array.isArray(v)) return `[${v.map(render).join(', ')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${k}: ${render(x)}`)
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
  const entries = Array.isArray(v) ? v.map((x, i) => [`[${i}]`, x] as const) : Object.entries(v as object).map(([k, x]) => [prefix ? `.${k}` : k, x] as const);
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

/** The leaves that differ between two states, in the order they appear. */
export function diff(before: unknown, after: unknown): Change[] {
  const a = leaves(before);
  const b = leaves(after);
  const changes: Change[] = [];
  for (const [path, value] of b) {
    const old = a.get(path);
    const rendered = render(value);
    if (a.has(path) && render(old) === rendered) continue;
    const change: Change = { path, before: a.has(path) ? render(old) : undefined, after: rendered };
    // A list of names or messages changes by what joined and what left it.
    const isList = (x: unknown): x is string[] => Array.isArray(x) && x.every((e) => typeof e === 'string');
    if (isList(old) && isList(value)) changes.push({ ...change, added: minus(value, old), removed: minus(old, value) });
    else changes.push(change);
  }
  for (const [path, value] of a) if (!b.has(path)) changes.push({ path, before: render(value) });
  return changes;
}
