/**
 * `faultline list [<model>]`: the shipped models with their params, variants and properties, or
 * one model (a shipped name or a path to a module) in full, its systems included.
 */
import { markdownTable } from 'markdown-table';
import { models } from '../../models/index.ts';
import { defaultParams, instantiate, type ModelDefinition } from '../model/definition.ts';
import { paramRange, type ParamSpec } from '../model/params.ts';
import { escapeControls } from '../report/escape.ts';
import { jsonText } from '../state/json.ts';
import type { Io } from './io.ts';
import { loadDefinition } from './load.ts';

export interface ModelListing {
  readonly name: string;
  readonly description: string;
  /** Each param as declared: name, default, description, and its bounds or choices when it has them. */
  readonly params: readonly ParamSpec[];
  readonly variants: readonly { name: string; expect: 'holds' | 'violated'; description: string }[];
  readonly properties: readonly { name: string; kind: string }[];
  /** Named system models (fault configurations), for protocol models. */
  readonly systems?: readonly { name: string; description: string; faults: Readonly<Record<string, number | string>> }[];
}

/** Describe a definition; its properties are read off the default model. */
export function describeModel(def: ModelDefinition<any>): ModelListing {
  const model = instantiate(def, { params: defaultParams(def), variant: def.variants[0].name });
  const properties = model.properties.map((p) => ({ name: p.name, kind: p.kind as string }));
  if (model.checkDeadlock !== false) properties.push({ name: 'deadlock', kind: 'deadlock' });
  return {
    name: def.name,
    description: def.description,
    params: def.params,
    variants: def.variants.map((v) => ({ name: v.name, expect: v.expect, description: v.description })),
    properties,
    ...(def.systems ? { systems: def.systems } : {}),
  };
}

/** A table whose cells, which may come from a model module, cannot drive the terminal. */
const cells = (rows: string[][]) => markdownTable(rows.map((row) => row.map(escapeControls))) + '\n';

/** One model in full: params with their values, variants, properties and systems. */
function formatModel(m: ModelListing): string {
  const parts = [`${escapeControls(`${m.name} — ${m.description}`)}\n`];
  if (m.params.length > 0) {
    parts.push(cells([['param', 'default', 'values', 'description'], ...m.params.map((p) => [p.name, String(p.default), paramRange(p), p.description])]));
  }
  parts.push(cells([['variant', 'expected', 'description'], ...m.variants.map((v) => [v.name, v.expect, v.description])]));
  parts.push(cells([['property', 'kind'], ...m.properties.map((p) => [p.name, p.kind])]));
  if (m.systems && m.systems.length > 0) {
    const faults = (f: Readonly<Record<string, number | string>>) => Object.entries(f).map(([k, v]) => `${k}=${v}`).join(',') || '—';
    parts.push(cells([['system', 'faults', 'description'], ...m.systems.map((s) => [s.name, faults(s.faults), s.description])]));
  }
  return parts.join('\n');
}

export async function listCommand(modelName: string | undefined, o: { json?: boolean }, io: Io): Promise<number> {
  if (modelName !== undefined) {
    const listing = describeModel(await loadDefinition(modelName));
    io.stdout.write(o.json ? jsonText(listing, 2) + '\n' : formatModel(listing));
    return 0;
  }
  if (o.json) {
    io.stdout.write(jsonText(models.map(describeModel), 2) + '\n');
    return 0;
  }
  // The table shows no properties, so no model needs building for it.
  const rows = models.map((m) => [
    m.name,
    m.params.map((p) => `${p.name}=${p.default} (${paramRange(p)})`).join(' '),
    m.variants.map((v) => `${v.name} (${v.expect})`).join(', '),
    m.description,
  ]);
  io.stdout.write(cells([['model', 'params (values)', 'variants (expected)', 'description'], ...rows]));
  return 0;
}
