/**
 * `defineProtocol`: a model written as a protocol. It turns the user's choice of system model
 * (`--system`, else the variant's, else the first declared, else no faults), the protocol's own
 * fixed knobs and knob overrides (`--faults`) into a fault configuration, and compiles the
 * protocol with it — or, where the definition has one for the params, explores an equivalent
 * reduced model instead.
 */
import { DEFINITION, checkName, variantList, type ModelDefinition, type VariantDecl } from '../model/definition.ts';
import { InputError } from '../model/errors.ts';
import type { Model } from '../model/model.ts';
import { paramList, type ParamSchema, type ParamValues } from '../model/params.ts';
import { compile } from './compile.ts';
import { assertSymmetric } from './symmetry.ts';
import { NO_FAULTS, applyFaultOverrides, describeFaults, knobName, type FaultConfig } from './faults.ts';
import type { Protocol } from './types.ts';

/** The system name meaning "no declared system model": a reliable unordered network, no faults. */
export const NO_SYSTEM = 'none';

/** A named system model: what the world may do to the protocol (`{ network: 'set', crash: 1 }`). */
export interface SystemDecl {
  readonly description: string;
  readonly faults: Partial<FaultConfig>;
}

/** What `defineProtocol` takes. */
export interface ProtocolModelSpec<P extends ParamSchema, V extends string, Sys extends string> {
  readonly name: string;
  readonly description: string;
  /** Params by name: `{ rms: int({ default: 3, min: 1, max: 12, description: '…' }) }`. */
  readonly params?: P;
  /** Named system models; the first is the default. None declared: a reliable unordered network. */
  readonly systems?: { readonly [K in Sys]: SystemDecl };
  /** Variants by name; the first is the default. Without any, one variant `default` expected to hold. */
  readonly variants?: { readonly [K in V]: VariantDecl<ParamValues<P>, NoInfer<Sys> | typeof NO_SYSTEM> };
  /**
   * Build the protocol (`protocol(...)`) for resolved params and a variant. Throw `InputError` for
   * combinations that make no sense (a fault configuration is refused by the protocol's `refuse`).
   * Variants may build protocols of different shapes (other roles or nodes): each is typed where
   * it is built.
   */
  build(config: { readonly params: ParamValues<P>; readonly variant: V }): Protocol<any, any>;
  /**
   * An equivalent plain model to explore instead of the protocol, for params that ask for one
   * (`params.reduce && reducedModel(…)`; nothing: the protocol is compiled). It must reach the
   * verdicts of the protocol under the fault configuration the params and variant select — its
   * soundness argument is the author's — so that configuration is the only one it is explored
   * under: `--faults` or `--system` that change it are refused.
   */
  reduced?(config: { readonly params: ParamValues<P>; readonly variant: V }): Model<any, any> | false | null | undefined;
}

/**
 * A protocol model: roles, nodes and properties from `build`, fault models from `systems`.
 *
 * ```ts
 * export default defineProtocol({
 *   name: 'ping',
 *   description: 'a client pings a server over a lossy link',
 *   systems: { lossy: { description: 'one message may be lost', faults: { drop: 1 } } },
 *   build: () => protocol({ roles: { client, server }, nodes: { client: ['c'], server: ['s'] }, properties: [...] }),
 * });
 * ```
 */
export function defineProtocol<P extends ParamSchema = {}, V extends string = 'default', Sys extends string = never>(
  spec: ProtocolModelSpec<P, V, Sys>,
): ModelDefinition<ParamValues<P>, V> {
  checkName(spec.name);
  const systems = Object.entries<SystemDecl>(spec.systems ?? ({} as Record<Sys, SystemDecl>)).map(([name, s]) => ({ ...s, name }));
  const params = paramList(spec.params ?? {});
  const variants = variantList(spec.name, params, spec.variants ?? { default: { expect: 'holds', description: 'the protocol as written' } });
  for (const v of variants) {
    if (v.system !== undefined && v.system !== NO_SYSTEM && !systems.some((s) => s.name === v.system)) {
      throw new TypeError(`variant ${v.name} of ${spec.name} names system "${v.system}", which is not declared`);
    }
  }
  /**
   * The fault configuration of a run: the system model `wanted` (none named: the first declared;
   * `none`: no faults, so that `overrides` holding every knob of a recorded run rebuild it
   * exactly), the protocol's fixed knobs over it, then `--faults` — which may not change those.
   */
  const faultConfig = (protocol: Protocol<any, any>, wanted: string | undefined, overrides: Readonly<Record<string, string | number>>): FaultConfig => {
    let base = NO_FAULTS;
    if (wanted !== undefined && wanted !== NO_SYSTEM) {
      const found = systems.find((s) => s.name === wanted);
      if (!found) {
        const known = [...systems.map((s) => s.name), NO_SYSTEM].join(', ');
        throw new InputError(`unknown system "${wanted}" for ${spec.name} (systems: ${known})`);
      }
      base = { ...NO_FAULTS, ...found.faults };
    } else if (wanted === undefined && systems.length > 0) base = { ...NO_FAULTS, ...systems[0].faults };
    const fixed: Partial<FaultConfig> = protocol.fixedFaults ?? {};
    const raw = Object.fromEntries(Object.entries(overrides).map(([k, v]) => [k, String(v)]));
    const config = applyFaultOverrides({ ...base, ...fixed }, raw, protocol.decls.map((d) => d.id));
    for (const [key, value] of Object.entries(fixed) as [keyof FaultConfig, unknown][]) {
      if (JSON.stringify(config[key]) !== JSON.stringify(value)) {
        const knob = knobName(key);
        throw new InputError(`fault ${knob} is part of the ${spec.name} protocol (${knob}=${String(value)} for these params and variant); --faults cannot change it`);
      }
    }
    return config;
  };
  return {
    [DEFINITION]: true,
    name: spec.name,
    description: spec.description,
    params,
    variants,
    systems: systems.map((s) => ({ name: s.name, description: s.description, faults: describeFaults({ ...NO_FAULTS, ...s.faults }) })),
    build({ params, variant, system, faults, symmetry }): Model<any, any> {
      const config = { params: params as ParamValues<P>, variant: variant as V };
      const protocol = spec.build(config);
      const declared = variants.find((v) => v.name === variant)?.system;
      const chosen = faultConfig(protocol, system ?? declared, faults ?? {});
      const reduced = spec.reduced?.(config);
      if (reduced && symmetry) {
        throw new InputError(`--symmetry applies to the ${spec.name} protocol itself, and these params explore a reduced model instead; choose params that explore the protocol`);
      }
      if (reduced) {
        const own = describeFaults(faultConfig(protocol, declared, {}));
        const text = (f: Record<string, number | string>) => Object.entries(f).map(([k, v]) => `${k}=${v}`).join(' ');
        if (text(describeFaults(chosen)) !== text(own)) {
          throw new InputError(`${spec.name} explores a reduced model for these params, equivalent to the protocol only under ${text(own)}; choose params that explore the protocol itself to change the faults`);
        }
        return { ...reduced, faults: own };
      }
      const refused = protocol.refuse?.(chosen);
      if (refused) throw new InputError(`${spec.name} ${variant} cannot be checked with these faults: ${refused}`);
      if (symmetry) assertSymmetric(spec.name, protocol, chosen);
      return { ...compile(protocol, chosen, { symmetry }), faults: describeFaults(chosen) };
    },
  };
}
