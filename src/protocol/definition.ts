/**
 * `defineProtocol`: a model written as a protocol. It turns the user's choice of system model
 * (`--system`, else the variant's, else the first declared, else no faults) and knob overrides
 * (`--faults`) into a fault configuration, and compiles the protocol with it.
 */
import { DEFINITION, checkName, variantList, type ModelDefinition, type VariantDecl } from '../model/definition.ts';
import { InputError } from '../model/errors.ts';
import { paramList, type ParamSchema, type ParamValues } from '../model/params.ts';
import { compile, type ProtocolModel } from './compile.ts';
import { NO_FAULTS, applyFaultOverrides, describeFaults, type FaultConfig } from './faults.ts';
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
  return {
    [DEFINITION]: true,
    name: spec.name,
    description: spec.description,
    params,
    variants,
    systems: systems.map((s) => ({ name: s.name, description: s.description, faults: describeFaults({ ...NO_FAULTS, ...s.faults }) })),
    build({ params, variant, system, faults }): ProtocolModel {
      const protocol = spec.build({ params: params as ParamValues<P>, variant: variant as V });
      const wanted = system ?? variants.find((v) => v.name === variant)?.system;
      let base = NO_FAULTS;
      if (wanted === NO_SYSTEM) {
        // Start from nothing: with `faults` holding every knob in force, this rebuilds a run exactly.
      } else if (wanted !== undefined) {
        const found = systems.find((s) => s.name === wanted);
        if (!found) {
          const known = [...systems.map((s) => s.name), NO_SYSTEM].join(', ');
          throw new InputError(`unknown system "${wanted}" for ${spec.name} (systems: ${known})`);
        }
        base = { ...NO_FAULTS, ...found.faults };
      } else if (systems.length > 0) base = { ...NO_FAULTS, ...systems[0].faults };
      const ids = protocol.decls.map((d) => d.id);
      const overrides = Object.fromEntries(Object.entries(faults ?? {}).map(([k, v]) => [k, String(v)]));
      const config = applyFaultOverrides(base, overrides, ids);
      const refused = protocol.refuse?.(config);
      if (refused) throw new InputError(`${spec.name} ${variant} cannot be checked with these faults: ${refused}`);
      const model = compile(protocol, config);
      return { ...model, faults: describeFaults(config) };
    },
  };
}
