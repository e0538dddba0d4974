/**
 * Finding a model named on the command line: a shipped name (`two-phase-commit`) or a path to a
 * .ts/.mts/.js module that exports a `ModelDefinition` as `definition` or as its default export
 * (loaded by model/load.ts, from any folder).
 *
 * Trust boundary: code is loaded only from a path the user typed on the command line. A trace
 * file is data someone may have sent; the model it names is looked up among the shipped models
 * only (`shippedDefinition`), never imported.
 */
import { models } from '../../models/index.ts';
import type { ModelDefinition } from '../model/definition.ts';
import { InputError } from '../model/errors.ts';
import { isModulePath, loadModule } from '../model/load.ts';

/** The shipped model named `name`, or undefined. */
export function findShipped(name: string): ModelDefinition<any> | undefined {
  return models.find((m) => m.name === name);
}

/**
 * The shipped model a trace file names; anything else is refused, however it looks: a trace file
 * never names code to load (that comes only from `--model PATH` on the command line).
 */
export function shippedDefinition(name: string): ModelDefinition<any> {
  const shipped = findShipped(name);
  if (shipped) return shipped;
  throw new InputError(
    `the trace is of model "${name}", which is not a shipped model; a trace file never names code to load, so give the model's module on the command line: --model PATH`,
  );
}

/** The module path of a model named on the command line, or undefined for a shipped model. */
export function modelPathOf(nameOrPath: string): string | undefined {
  return findShipped(nameOrPath) ? undefined : nameOrPath;
}

/** A model named on the command line: a shipped name, or a module path (loaded and run). */
export async function loadDefinition(nameOrPath: string): Promise<ModelDefinition<any>> {
  const shipped = findShipped(nameOrPath);
  if (shipped) return shipped;
  if (!isModulePath(nameOrPath)) {
    throw new InputError(`unknown model "${nameOrPath}" (shipped: ${models.map((m) => m.name).join(', ')}; or give a path to a .ts/.mts/.js module)`);
  }
  return loadModule(nameOrPath);
}
