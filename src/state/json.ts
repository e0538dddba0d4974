/**
 * States as JSON: what a trace file stores of a state. Sets and Maps become arrays, bigints
 * strings; a value read back from a trace file is compared with a re-executed one in this form.
 */

/** A JSON-safe copy of a state value. */
export function toJsonValue(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v !== 'object' || v === null) return v;
  if (v instanceof Set) return [...v].map(toJsonValue);
  if (v instanceof Map) return [...v].map(([k, x]) => [toJsonValue(k), toJsonValue(x)]);
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = toJsonValue(x);
  return out;
}

/**
 * Exactly what `JSON.parse` returns for a stored state: `toJsonValue` followed by a JSON round
 * trip, so that NaN, ±Infinity and `-0` compare as they read back from a file.
 */
export function asStored(v: unknown): unknown {
  const text = JSON.stringify(toJsonValue(v));
  return text === undefined ? null : JSON.parse(text);
}

/**
 * JSON text that prints safely on a terminal and is still exact. `JSON.stringify` escapes the C0
 * controls inside strings but leaves DEL, the C1 controls (ESC's 8-bit twin U+009B starts a
 * terminal command) and U+2028/9 raw; here they are written as `\u` escapes, which parse back to
 * the same string.
 */
export function jsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(/[\u007f-\u009f\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
