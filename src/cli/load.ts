/**
 * Finding a model: a shipped name (`two-phase-commit`) or a path to a .ts/.js module that
 * exports a `ModelDefinition` as `definition` or as its default export.
 */
import { models } from '../../models/index.ts';
import type { ModelDefinition } from '../model/definition.ts';
import { InputError } from '../model/errors.ts';
import { isModulePath, loadModule } from '../model/load.ts';

export async function loadDefinition(nameOrPath: string): Promise<ModelDefinition<any>> {
  const shipped = models.find((m) => m.name === nameOrPath);
  if (shipped) return shipped;
  if (!isModulePath(nameOrPath)) {
    throw new InputError(`unknown model "${nameOrPath}" (shipped: ${models.map((m) => m.name).join(', ')}; or give a path to a .ts/.js module)`);
  }
  return loadModule(nameOrPath);
}
