/**
 * `protocolDefinition`: a shipped model written as a protocol. It turns the user's choice of
 * system model (`--system`, else the variant's, else the first declared, else no faults) and
 * knob overrides (`--faults`) into a fault configuration, and compiles the protocol with it.
 */
import type { ModelDefinition, ParamSpec, Params, VariantSpec } from '../model/definition.ts';
import { InputError } from '../model/errors.ts';
import { compile, type ProtocolModel } from './compile.ts';
import { NO_FAULTS, applyFaultOverrides, describeFaults, type SystemModel } from './faults.ts';
import type { Payload, Protocol } from './types.ts';

/** The system name meaning "no declared system model": a reliable unordered network, no faults. */
export const NO_SYSTEM = 'none';

export interface ProtocolVariant extends VariantSpec {
  /** The system model this variant is meant to be checked under (default: the first declared). */
  readonly system?: string;
}

export interface ProtocolDefinitionSpec<M extends Payload> {
  readonly name: string;
  readonly description: string;
  readonly params: readonly ParamSpec[];
  readonly variants: readonly ProtocolVariant[];
  /** Named system models; the first is the default. None declared: a reliable unordered network. */
  readonly systems?: readonly SystemModel[];
  /** Build the protocol for given params and variant. Throw `InputError` for combinations that make no sense. */
  protocol(params: Params, variant: string): Protocol<M>;
}

export function protocolDefinition<M extends Payload>(spec: ProtocolDefinitionSpec<M>): ModelDefinition {
  const systems = spec.systems ?? [];
  return {
    name: spec.name,
    description: spec.description,
    params: spec.params,
    variants: spec.variants,
    systems: systems.map((s) => ({
      name: s.name,
      description: s.description,
      faults: describeFaults({ ...NO_FAULTS, ...s.faults }),
    })),
    build({ params, variant, system, faults }): ProtocolModel {
      const protocol = spec.protocol(params, variant);
      const wanted = system ?? spec.variants.find((v) => v.name === variant)?.system;
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
      const ids = protocol.nodes.map((d) => d.id);
      const overrides = Object.fromEntries(Object.entries(faults ?? {}).map(([k, v]) => [k, String(v)]));
      const config = applyFaultOverrides(base, overrides, ids);
      const model = compile(protocol, config);
      return { ...model, faults: describeFaults(config) };
    },
  };
}
