/**
 * A shipped (or user-supplied) model module: a named, parameterised family of models with
 * variants. `faultline list` describes it; `faultline check` builds one model from it.
 */
import { InputError, ModelError, describeError } from './errors.ts';
import { guarded } from './guard.ts';
import type { Model } from './model.ts';

export type ParamValue = number | string | boolean;
export type Params = Readonly<Record<string, ParamValue>>;

export interface ParamSpec {
  readonly name: string;
  readonly default: ParamValue;
  readonly description: string;
  /** Inclusive bounds for integer params. */
  readonly min?: number;
  readonly max?: number;
  /** Allowed values for string params. */
  readonly choices?: readonly string[];
}

export interface VariantSpec {
  readonly name: string;
  /** What this variant is meant to show at its default params. */
  readonly expect: 'holds' | 'violated';
  readonly description: string;
}

/** What a definition's `build` receives. */
export interface BuildConfig {
  readonly params: Params;
  readonly variant: string;
  /** A named system model (`--system`); protocol models only. */
  readonly system?: string;
  /** Fault knob overrides (`--faults drop=1,crash=1`, or the budgets recorded in a trace file). */
  readonly faults?: Readonly<Record<string, string | number>>;
}

/** A named system model a definition offers, for listings. */
export interface SystemSpec {
  readonly name: string;
  readonly description: string;
  /** The fault knobs it sets, by command-line name. */
  readonly faults: Readonly<Record<string, number | string>>;
}

export interface ModelDefinition<C extends BuildConfig = BuildConfig> {
  readonly name: string;
  readonly description: string;
  readonly params: readonly ParamSpec[];
  /** The first variant is the default. */
  readonly variants: readonly VariantSpec[];
  /** Named system models (fault configurations); only models with a fault model have them. */
  readonly systems?: readonly SystemSpec[];
  /** Build one model. Throw `InputError` for parameter combinations that make no sense. */
  build(config: C): Model<any, any>;
}

/** Parse `raw` as a value for `spec`, or throw an `InputError` naming the problem. */
export function parseParam(model: string, spec: ParamSpec, raw: string): ParamValue {
  const where = `param ${spec.name} of ${model}`;
  if (typeof spec.default === 'number') {
    if (!/^-?\d+$/.test(raw.trim())) throw new InputError(`${where} must be an integer, got "${raw}"`);
    return checkParam(model, spec, Number(raw));
  }
  if (typeof spec.default === 'boolean') {
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    throw new InputError(`${where} must be true or false, got "${raw}"`);
  }
  return checkParam(model, spec, raw);
}

/**
 * Check a value for `spec` that comes already typed (from a trace file) exactly as `parseParam`
 * checks one from the command line: its type, an integer within the bounds, one of the choices.
 */
export function checkParam(model: string, spec: ParamSpec, value: ParamValue): ParamValue {
  const where = `param ${spec.name} of ${model}`;
  const type = typeof spec.default;
  if (typeof value !== type) throw new InputError(`${where} must be a ${type}, got ${JSON.stringify(value)}`);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new InputError(`${where} must be an integer, got ${value}`);
    if (spec.min !== undefined && value < spec.min) throw new InputError(`${where} must be ≥ ${spec.min}, got ${value}`);
    if (spec.max !== undefined && value > spec.max) throw new InputError(`${where} must be ≤ ${spec.max}, got ${value}`);
  }
  if (typeof value === 'string' && spec.choices && !spec.choices.includes(value)) {
    throw new InputError(`${where} must be one of ${spec.choices.join(', ')}, got "${value}"`);
  }
  return value;
}

/** The spec of param `name`, or an `InputError` listing the params there are. */
export function paramSpec(def: ModelDefinition<any>, name: string): ParamSpec {
  const spec = def.params.find((p) => p.name === name);
  if (spec) return spec;
  const known = def.params.map((p) => p.name).join(', ') || 'none';
  throw new InputError(`unknown param "${name}" for ${def.name} (params: ${known})`);
}

/** The full parameter record: defaults overridden by `overrides` (raw values, by name). */
export function resolveParams(def: ModelDefinition<any>, overrides: Readonly<Record<string, string>>): Params {
  const params: Record<string, ParamValue> = {};
  for (const spec of def.params) params[spec.name] = spec.default;
  for (const [name, raw] of Object.entries(overrides)) params[name] = parseParam(def.name, paramSpec(def, name), raw);
  return params;
}

/** The variant named `name` (default: the first), or an `InputError` listing the known ones. */
export function resolveVariant(def: ModelDefinition<any>, name: string | undefined): VariantSpec {
  if (name === undefined) return def.variants[0];
  const v = def.variants.find((x) => x.name === name);
  if (!v) {
    throw new InputError(`unknown variant "${name}" for ${def.name} (variants: ${def.variants.map((x) => x.name).join(', ')})`);
  }
  return v;
}

/**
 * Build a model from its definition, turning a throw from the model's code into a `ModelError`;
 * the model comes back guarded (see guard.ts), so every later call of its code is checked too.
 */
export function instantiate<C extends BuildConfig>(def: ModelDefinition<C>, config: C): Model<any, any> {
  const wantsFaults = config.system !== undefined || Object.keys(config.faults ?? {}).length > 0;
  if (wantsFaults && !def.systems) {
    throw new InputError(`${def.name} has no fault model: --faults and --system apply to protocol models`);
  }
  let model: Model<any, any>;
  try {
    model = def.build(config);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new ModelError(`${def.name} could not be built: ${describeError(e)}`, e);
  }
  if (typeof model !== 'object' || model === null) throw new ModelError(`${def.name} could not be built: build() returned ${model === null ? 'null' : typeof model}, not a model`);
  return guarded(model);
}
