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

/** Leaves of a value: nested plain objects and arrays are walked; Sets, Maps and primitives are leaves. */
export function flatten(v: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (typeof v === 'object' && v !== null && !(v instanceof Set) && !(v instanceof Map)) {
    const entries = Array.isArray(v) ? v.map((x, i) => [`[${i}]`, x] as const) : Object.entries(v).map(([k, x]) => [prefix ? `.${k}` : k, x] as const);
    if (entries.length === 0) out.set(prefix || '(state)', Array.isArray(v) ? '[]' : '{}');
    for (const [k, x] of entries) flatten(x, prefix + k, out);
    return out;
  }
  out.set(prefix || '(state)', render(v));
  return out;
}

/** The leaves that differ between two states, in the order they appear. */
export function diff(before: unknown, after: unknown): Change[] {
  const a = flatten(before);
  const b = flatten(after);
  const changes: Change[] = [];
  for (const [path, value] of b) {
    const old = a.get(path);
    if (old !== value) changes.push({ path, before: old, after: value });
  }
  for (const [path, value] of a) if (!b.has(path)) changes.push({ path, before: value });
  return changes;
}
