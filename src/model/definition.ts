/**
 * A model module: a named, parameterised family of models with variants. `faultline list`
 * describes it; `faultline check` builds one model from it. Authors write `defineModel` (a plain
 * transition system) or `defineProtocol` (nodes, roles and a fault model, `src/protocol/`); both
 * give the same `ModelDefinition`, typed by the params and variants they declare.
 */
import { modelCodec, type CodecShare, type StateCodec, type StateEncoding } from '../state/codec.ts';
import { InputError, ModelError, describeError } from './errors.ts';
import { guarded } from './guard.ts';
import type { Model } from './model.ts';
import { checkParam, paramList, parseParam, type ParamSchema, type ParamSpec, type ParamValue, type ParamValues } from './params.ts';

export type Params = Readonly<Record<string, ParamValue>>;

/** A variant as declared: what it is meant to show, and any param values or system model of its own. */
export interface VariantDecl<P, Sys extends string = string> {
  /** What this variant is meant to show at its default params (`npm start` checks it). */
  readonly expect: 'holds' | 'violated';
  readonly description: string;
  /** Param values of this variant, over the schema's defaults (`--param` still wins). */
  readonly params?: Partial<P>;
  /** The system model it is meant to be checked under (protocols; default: the first declared). */
  readonly system?: Sys;
}

/** A variant with its name, as listings and the command line see it. */
export interface VariantSpec extends VariantDecl<Params> {
  readonly name: string;
}

/** A named system model a definition offers, for listings. */
export interface SystemSpec {
  readonly name: string;
  readonly description: string;
  /** The fault knobs it sets, by command-line name. */
  readonly faults: Readonly<Record<string, number | string>>;
}

/** What a definition's `build` receives: params already resolved (defaults, variant, overrides). */
export interface BuildConfig {
  readonly params: Params;
  readonly variant: string;
  /** A named system model (`--system`); protocol models only. */
  readonly system?: string;
  /** Fault knob overrides (`--faults drop=1,crash=1`, or the budgets recorded in a trace file). */
  readonly faults?: Readonly<Record<string, string | number>>;
}

/** Marks definitions made by `defineModel` / `defineProtocol`, so a loader can tell one from any object. */
export const DEFINITION = Symbol.for('faultline.definition');

/**
 * A model definition. `P` and `V` (its params and variant names) type `checkModel` and friends;
 * the CLI handles every definition alike.
 */
export interface ModelDefinition<P extends Params = Params, V extends string = string> {
  readonly [DEFINITION]: true;
  readonly name: string;
  readonly description: string;
  readonly params: readonly ParamSpec[];
  /** The first variant is the default. */
  readonly variants: readonly VariantSpec[];
  /** Named system models (fault configurations); only models with a fault model have them. */
  readonly systems?: readonly SystemSpec[];
  /** Build one model. Throws `InputError` for parameter combinations that make no sense. */
  build(config: BuildConfig): Model<any, any>;
  /** Types only: the params and variant names this definition declares. */
  readonly types?: { readonly params: P; readonly variant: V };
}

/** The variants every definition without declared ones has. */
const DEFAULT_VARIANTS = { default: { expect: 'holds', description: 'the model as written' } } as const;

/** What `defineModel` takes. */
export interface ModelSpec<P extends ParamSchema, V extends string, S, A> {
  readonly name: string;
  readonly description: string;
  /** Params by name: `{ max: int({ default: 3, min: 1, description: 'largest value' }) }`. */
  readonly params?: P;
  /** Variants by name; the first is the default. Without any, one variant `default` expected to hold. */
  readonly variants?: { readonly [K in V]: VariantDecl<ParamValues<P>, never> };
  /** Build the model for resolved params and a variant. Throw `InputError` for combinations that make no sense. */
  build(config: { readonly params: ParamValues<P>; readonly variant: V }): Model<S, A>;
  /**
   * How states are stored as bytes in the frontier, between worker threads and in checkpoints,
   * when the generic `v8.serialize` is not compact enough: `{ encode, decode }`, or a function of
   * the params and variant giving one (a bit-packing that depends on the instance's size).
   * `decode(encode(s))` must be the same state as `s`; the first states encoded are checked.
   *
   * ```ts
   * codec: ({ params }) => ({
   *   encode: (s) => Uint8Array.of(s.value),
   *   decode: (bytes) => ({ value: bytes[0] }),
   * }),
   * ```
   */
  readonly codec?: StateEncoding<S> | ((config: { readonly params: ParamValues<P>; readonly variant: V }) => StateEncoding<S>);
}

/** Names a definition: non-empty, printable, usable in file names and on a command line. */
export function checkName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw new TypeError(`model name "${name}" must be letters, digits, ".", "_" or "-" (starting with a letter or digit)`);
  }
}

/** The listing form of declared variants, their params checked against the schema. */
export function variantList(model: string, params: readonly ParamSpec[], variants: Readonly<Record<string, VariantDecl<unknown>>>): VariantSpec[] {
  const list = Object.entries(variants).map(([name, v]) => ({ ...v, name }) as VariantSpec);
  if (list.length === 0) throw new TypeError(`${model} declares no variants`);
  for (const v of list) {
    for (const [k, value] of Object.entries(v.params ?? {})) {
      const spec = params.find((p) => p.name === k);
      if (!spec) throw new TypeError(`variant ${v.name} of ${model} sets param "${k}", which is not declared`);
      checkParam(model, spec, value);
    }
  }
  return list;
}

/**
 * A plain model: a transition system with properties, built per params and variant.
 *
 * ```ts
 * export default defineModel({
 *   name: 'counter',
 *   description: 'counts up to max',
 *   params: { max: int({ default: 3, min: 1, description: 'largest value' }) },
 *   build: ({ params }) => ({
 *     init: () => [{ value: 0 }],
 *     actions: (s) => (s.value < params.max ? ['inc'] : []),
 *     next: (s) => ({ value: s.value + 1 }),
 *     label: (a) => a,
 *     terminal: (s) => s.value === params.max,
 *     properties: [always('bounded', (s) => s.value <= params.max)],
 *   }),
 * });
 * ```
 */
export function defineModel<P extends ParamSchema = {}, V extends string = 'default', S = unknown, A = unknown>(
  spec: ModelSpec<P, V, S, A>,
): ModelDefinition<ParamValues<P>, V> {
  checkName(spec.name);
  const params = paramList(spec.params ?? {});
  return {
    [DEFINITION]: true,
    name: spec.name,
    description: spec.description,
    params,
    variants: variantList(spec.name, params, spec.variants ?? DEFAULT_VARIANTS),
    build: (config) => {
      const resolved = { params: config.params as ParamValues<P>, variant: config.variant as V };
      const built = spec.build(resolved);
      if (spec.codec === undefined || typeof built !== 'object' || built === null) return built;
      const encoding = typeof spec.codec === 'function' ? spec.codec(resolved) : spec.codec;
      const codec = (share?: CodecShare): StateCodec<S> => modelCodec(encoding, built, share);
      return Object.assign(Object.create(Object.getPrototypeOf(built)), built, { codec });
    },
  };
}

/** Whether `x` is a definition made by `defineModel` or `defineProtocol`. */
export function isDefinition(x: unknown): x is ModelDefinition {
  return typeof x === 'object' && x !== null && (x as Partial<ModelDefinition>)[DEFINITION] === true;
}

/**
 * The full parameter record of a run: the schema's defaults, then the variant's own values, then
 * `overrides` (raw text from `--param`, parsed and range-checked).
 */
export function resolveParams(def: ModelDefinition, variant: VariantSpec, overrides: Readonly<Record<string, string>>): Params {
  const params: Record<string, ParamValue> = Object.create(null);
  for (const spec of def.params) params[spec.name] = spec.default;
  Object.assign(params, variant.params);
  for (const [name, raw] of Object.entries(overrides)) params[name] = parseParam(def.name, paramSpec(def, name), raw);
  return { ...params };
}

/** The params of a variant (default: the first) with no `--param` given: the schema's defaults and the variant's own values. */
export function defaultParams(def: ModelDefinition, variant: VariantSpec = def.variants[0]): Params {
  return resolveParams(def, variant, {});
}

/** Check a full parameter record given as values (a trace file's, a test's) against the schema. */
export function checkParams(def: ModelDefinition, variant: VariantSpec, given: Readonly<Record<string, unknown>>): Params {
  const params: Record<string, ParamValue> = Object.create(null);
  for (const spec of def.params) params[spec.name] = spec.default;
  Object.assign(params, variant.params);
  for (const [name, value] of Object.entries(given)) params[name] = checkParam(def.name, paramSpec(def, name), value);
  return { ...params };
}

function paramSpec(def: ModelDefinition, name: string): ParamSpec {
  const spec = def.params.find((p) => p.name === name);
  if (!spec) {
    const known = def.params.map((p) => p.name).join(', ') || 'none';
    throw new InputError(`unknown param "${name}" for ${def.name} (params: ${known})`);
  }
  return spec;
}

/** The variant named `name` (default: the first), or an `InputError` listing the known ones. */
export function resolveVariant(def: ModelDefinition, name: string | undefined): VariantSpec {
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
export function instantiate(def: ModelDefinition, config: BuildConfig): Model<any, any> {
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
