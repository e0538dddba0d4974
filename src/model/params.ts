/**
 * Model parameters as a typed schema: `{ rms: int({ default: 3, min: 1, max: 12 }) }` declares a
 * parameter once, and a model's `build` receives `{ rms: number }` — the listing, the command
 * line's parsing and range checks, and the type a model reads all come from the same declaration.
 */
import { InputError } from './errors.ts';

export type ParamValue = number | string | boolean;

/** What every param declares: its default and a line for `faultline list`. */
export interface ParamBase<T extends ParamValue> {
  readonly default: T;
  /** One line for `faultline list`. */
  readonly description: string;
}

/** An integer within inclusive bounds. */
export interface IntParam extends ParamBase<number> {
  readonly kind: 'int';
  readonly min?: number;
  readonly max?: number;
}

export interface BoolParam extends ParamBase<boolean> {
  readonly kind: 'bool';
}

/** One of a fixed list of names; the model reads the union of them. */
export interface OneOfParam<T extends string = string> extends ParamBase<T> {
  readonly kind: 'oneOf';
  readonly choices: readonly T[];
}

/** Free text the model interprets itself (throwing `InputError` when it makes no sense). */
export interface TextParam extends ParamBase<string> {
  readonly kind: 'text';
}

export type Param = IntParam | BoolParam | OneOfParam | TextParam;

/** A model's parameters, by name. */
export type ParamSchema = Readonly<Record<string, Param>>;

/** The values a schema declares, as the model reads them. */
export type ParamValues<P extends ParamSchema> = { readonly [K in keyof P]: P[K] extends ParamBase<infer T> ? T : never };

/** A parameter with its name, as listings and the command line see it. */
export type ParamSpec = Param & { readonly name: string };

/** An integer parameter: `int({ default: 3, min: 1, max: 12, description: 'resource managers' })`. */
export function int(spec: { default: number; min?: number; max?: number; description: string }): IntParam {
  if (!Number.isSafeInteger(spec.default)) throw new TypeError(`int param default must be an integer, got ${spec.default}`);
  if ((spec.min !== undefined && spec.default < spec.min) || (spec.max !== undefined && spec.default > spec.max)) {
    throw new TypeError(`int param default ${spec.default} is outside [${spec.min ?? '-∞'}, ${spec.max ?? '∞'}]`);
  }
  return { kind: 'int', ...spec };
}

/** A boolean parameter (`--param reduce=false`). */
export function bool(spec: { default: boolean; description: string }): BoolParam {
  return { kind: 'bool', ...spec };
}

/** One of `choices`: `oneOf(['ATTACK', 'RETREAT'], { default: 'ATTACK', description: '…' })`. */
export function oneOf<const T extends string>(choices: readonly T[], spec: { default: NoInfer<T>; description: string }): OneOfParam<T> {
  if (!choices.includes(spec.default)) throw new TypeError(`oneOf param default "${spec.default}" is not one of ${choices.join(', ')}`);
  return { kind: 'oneOf', choices, ...spec };
}

/** Free text, for a parameter the model parses itself. */
export function text(spec: { default: string; description: string }): TextParam {
  return { kind: 'text', ...spec };
}

/** The schema as a list, in declaration order. */
export function paramList(schema: ParamSchema): ParamSpec[] {
  return Object.entries(schema).map(([name, p]) => ({ ...p, name }));
}

/** Parse `raw` (from `--param`) as a value of `spec`, or throw an `InputError` naming the problem. */
export function parseParam(model: string, spec: ParamSpec, raw: string): ParamValue {
  const where = `param ${spec.name} of ${model}`;
  switch (spec.kind) {
    case 'int': {
      if (!/^-?\d+$/.test(raw.trim())) throw new InputError(`${where} must be an integer, got "${raw}"`);
      return checkParam(model, spec, Number(raw));
    }
    case 'bool':
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      throw new InputError(`${where} must be true or false, got "${raw}"`);
    case 'oneOf':
    case 'text':
      return checkParam(model, spec, raw);
  }
}

/**
 * Check an already-typed value (from a trace file, a variant or a test) against `spec`: the same
 * rules as the command line, so a value that `--param` would refuse is refused everywhere.
 */
export function checkParam(model: string, spec: ParamSpec, value: unknown): ParamValue {
  const where = `param ${spec.name} of ${model}`;
  switch (spec.kind) {
    case 'int':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new InputError(`${where} must be an integer, got ${show(value)}`);
      if (spec.min !== undefined && value < spec.min) throw new InputError(`${where} must be ≥ ${spec.min}, got ${value}`);
      if (spec.max !== undefined && value > spec.max) throw new InputError(`${where} must be ≤ ${spec.max}, got ${value}`);
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw new InputError(`${where} must be true or false, got ${show(value)}`);
      return value;
    case 'oneOf':
      if (typeof value !== 'string' || !spec.choices.includes(value)) {
        throw new InputError(`${where} must be one of ${spec.choices.join(', ')}, got ${show(value)}`);
      }
      return value;
    case 'text':
      if (typeof value !== 'string') throw new InputError(`${where} must be text, got ${show(value)}`);
      return value;
  }
}

function show(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : (JSON.stringify(value) ?? String(value));
}

/** What `faultline list` says a parameter accepts: `1..12`, `≥ 1`, `≤ 5`, `a/b`, `true/false`, `any integer`, `any`. */
export function paramRange(spec: ParamSpec): string {
  switch (spec.kind) {
    case 'int':
      if (spec.min !== undefined && spec.max !== undefined) return `${spec.min}..${spec.max}`;
      if (spec.min !== undefined) return `≥ ${spec.min}`;
      if (spec.max !== undefined) return `≤ ${spec.max}`;
      return 'any integer';
    case 'bool':
      return 'true/false';
    case 'oneOf':
      return spec.choices.join('/');
    case 'text':
      return 'any';
  }
}
