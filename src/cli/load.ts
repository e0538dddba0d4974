/**
 * Finding a model: a shipped name (`two-phase-commit`) or a path to a .ts/.js module that
 * exports a `ModelDefinition` as `definition` or as its default export.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { models } from '../../models/index.ts';
import { isDefinition, type ModelDefinition } from '../model/definition.ts';
import { InputError, ModelError, describeError } from '../model/errors.ts';

export async function loadDefinition(nameOrPath: string): Promise<ModelDefinition<any>> {
  const shipped = models.find((m) => m.name === nameOrPath);
  if (shipped) return shipped;
  if (!/\.(ts|js|mjs|mts)$/.test(nameOrPath)) {
    throw new InputError(`unknown model "${nameOrPath}" (shipped: ${models.map((m) => m.name).join(', ')}; or give a path to a .ts/.js module)`);
  }
  const file = resolve(nameOrPath);
  if (!existsSync(file)) throw new InputError(`model file not found: ${nameOrPath}`);
  let mod: Record<string, unknown>;
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (e) {
    throw new ModelError(`could not load ${nameOrPath}: ${describeError(e)}`, e);
  }
  const def = mod.definition ?? mod.default;
  if (!isDefinition(def)) {
    throw new InputError(`${nameOrPath} does not export a model definition: export default defineModel({...}) or defineProtocol({...}) (or export it as \`definition\`)`);
  }
  return def;
}
