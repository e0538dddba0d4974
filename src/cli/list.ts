/** `faultline list`: the shipped models with their params, variants and properties. */
import { markdownTable } from 'markdown-table';
import { models } from '../../models/index.ts';
import { instantiate, resolveParams, type ModelDefinition, type Params, type VariantSpec } from '../model/definition.ts';

export interface ModelListing {
  readonly name: string;
  readonly description: string;
  readonly params: readonly { name: string; default: unknown; description: string }[];
  readonly variants: readonly { name: string; expect: 'holds' | 'violated'; description: string }[];
  readonly properties: readonly { name: string; kind: string }[];
  /** Named system models (fault configurations), for protocol models. */
  readonly systems?: readonly { name: string; description: string; faults: Readonly<Record<string, number | string>> }[];
}

/** The params of a variant (default: the first) with no `--param` given: the schema's defaults and the variant's own values. */
export function defaultParams(def: ModelDefinition, variant: VariantSpec = def.variants[0]): Params {
  return resolveParams(def, variant, {});
}

/** Describe a definition; its properties are read off the default model. */
export function describeModel(def: ModelDefinition<any>): ModelListing {
  const model = instantiate(def, { params: defaultParams(def), variant: def.variants[0].name });
  const properties = model.properties.map((p) => ({ name: p.name, kind: p.kind as string }));
  if (model.checkDeadlock !== false) properties.push({ name: 'deadlock', kind: 'deadlock' });
  return {
    name: def.name,
    description: def.description,
    params: def.params.map((p) => ({ name: p.name, default: p.default, description: p.description })),
    variants: def.variants.map((v) => ({ name: v.name, expect: v.expect, description: v.description })),
    properties,
    ...(def.systems ? { systems: def.systems } : {}),
  };
}

export function listCommand(o: { json?: boolean }): number {
  const listings = models.map(describeModel);
  if (o.json) {
    process.stdout.write(JSON.stringify(listings, null, 2) + '\n');
    return 0;
  }
  const rows = listings.map((m) => [
    m.name,
    m.params.map((p) => `${p.name}=${p.default}`).join(' '),
    m.variants.map((v) => `${v.name} (${v.expect})`).join(', '),
    m.description,
  ]);
  process.stdout.write(markdownTable([['model', 'params', 'variants (expected)', 'description'], ...rows]) + '\n');
  return 0;
}
