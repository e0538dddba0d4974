/**
 * Which model of a definition the explorer shows: variant, params, system model and fault-knob
 * overrides. A setting travels in the page's URL (so every page can be bookmarked, reloaded and
 * gone back to), comes from the command line, or from a trace file being loaded; models are built
 * from it on demand and kept in a small cache, since every request re-executes its path on one.
 */
import { instantiate, resolveParams, resolveVariant, type ModelDefinition, type Params } from '../model/definition.ts';
import { InputError } from '../model/errors.ts';
import type { Model } from '../model/model.ts';
import { NO_SYSTEM } from '../protocol/definition.ts';
import type { TraceFile, TraceRun } from '../trace/file.ts';

export interface Setting {
  /** The variant's name; the definition's first when absent. */
  readonly variant?: string;
  /** Params as written (`rms` → `"2"`); the others keep their defaults. */
  readonly params: Readonly<Record<string, string>>;
  /** A named system model of the definition (`--system`). */
  readonly system?: string;
  /** Fault knobs over the system model, by command-line name (`--faults crash=1,drop=1`). */
  readonly faults: Readonly<Record<string, string>>;
}

/** A model built from a setting, and the run a trace file of it records. */
export interface Built {
  readonly model: Model<any, any>;
  readonly run: TraceRun;
  /** The setting with every param and the variant resolved: what the page's URL carries. */
  readonly setting: Setting;
}

/** The URL query prefix of a param: `p.rms=2`. */
const PARAM = 'p.';

/** `crash=1,drop=1` as a record; an empty text is no override. */
export function parseKnobs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of text.split(',').map((x) => x.trim()).filter((x) => x !== '')) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new InputError(`faults expects name=value items separated by commas, got "${item}"`);
    out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return out;
}

/** The record as `crash=1,drop=1`. */
export function knobsText(knobs: Readonly<Record<string, string | number>>): string {
  return Object.entries(knobs)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/**
 * The setting a URL query names; a field it leaves out is `base`'s (the command line's), so a
 * URL trimmed by hand still shows the model the explorer was started on. An empty `system` is
 * the variant's own system model; an empty `faults`, no overrides.
 */
export function settingFromQuery(q: URLSearchParams, base: Setting): Setting {
  const params: Record<string, string> = { ...base.params };
  for (const [k, v] of q) if (k.startsWith(PARAM)) params[k.slice(PARAM.length)] = v;
  const variant = q.get('variant') || base.variant;
  const system = q.has('system') ? q.get('system') || undefined : base.system;
  const faults = q.has('faults') ? parseKnobs(q.get('faults')!) : base.faults;
  return { ...(variant ? { variant } : {}), params, ...(system ? { system } : {}), faults };
}

/** The query fields of a setting, in a fixed order. */
export function settingQuery(s: Setting): [string, string][] {
  const out: [string, string][] = [];
  if (s.variant !== undefined) out.push(['variant', s.variant]);
  for (const [k, v] of Object.entries(s.params)) out.push([PARAM + k, v]);
  if (s.system !== undefined) out.push(['system', s.system]);
  if (Object.keys(s.faults).length > 0) out.push(['faults', knobsText(s.faults)]);
  return out;
}

/**
 * The setting a trace file was recorded under. Its fault knobs are every knob in force, so they
 * apply to "no system" rather than to a named system whose other knobs might differ (as `replay`
 * rebuilds it).
 */
export function settingOfTrace(def: ModelDefinition<any>, file: TraceFile): Setting {
  if (file.model !== def.name) {
    throw new InputError(`the trace is of model "${file.model}", but this explorer runs ${def.name} (start faultline explore ${file.model} --trace FILE)`);
  }
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(file.params)) params[k] = String(v);
  const faults: Record<string, string> = {};
  for (const [k, v] of Object.entries(file.faults ?? {})) faults[k] = String(v);
  return {
    variant: file.variant,
    params,
    ...(file.faults ? { system: NO_SYSTEM } : file.system ? { system: file.system } : {}),
    faults,
  };
}

/** Build the model of a setting; a bad variant, param or knob is an `InputError` naming it. */
export function build(def: ModelDefinition<any>, s: Setting): Built {
  const variantSpec = resolveVariant(def, s.variant);
  const variant = variantSpec.name;
  const params: Params = resolveParams(def, variantSpec, s.params);
  const model = instantiate(def, { params, variant, ...(s.system ? { system: s.system } : {}), faults: s.faults });
  const run: TraceRun = {
    model: def.name,
    variant,
    params,
    ...(model.faults ? { faults: model.faults } : {}),
    ...(s.system ? { system: s.system } : {}),
  };
  const resolved = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
  return { model, run, setting: { variant, params: resolved, ...(s.system ? { system: s.system } : {}), faults: s.faults } };
}

/** Models built from settings, the most recently used kept. */
export class ModelCache {
  private readonly built = new Map<string, Built>();

  constructor(
    private readonly def: ModelDefinition<any>,
    private readonly capacity = 16,
  ) {}

  get(s: Setting): Built {
    const key = JSON.stringify(settingQuery(s));
    const hit = this.built.get(key);
    if (hit) {
      this.built.delete(key);
      this.built.set(key, hit);
      return hit;
    }
    const b = build(this.def, s);
    this.built.set(key, b);
    if (this.built.size > this.capacity) this.built.delete(this.built.keys().next().value!);
    return b;
  }
}
