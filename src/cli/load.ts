/**
 * Finding a model: a shipped name (`two-phase-commit`) or a path to a .ts/.js module that
 * exports a `ModelDefinition` as `definition` or as its default export.
 *
 * Trust boundary: code is loaded only from a path the user typed on the command line. A trace
 * file is data someone may have sent; the model it names is looked up among the shipped models
 * only (`shippedDefinition`), never imported.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { models } from '../../models/index.ts';
import type { ModelDefinition } from '../model/definition.ts';
import { InputError, ModelError, describeError } from '../model/errors.ts';

function isDefinition(x: unknown): x is ModelDefinition<any> {
  const d = x as ModelDefinition<any> | undefined;
  return !!d && typeof d.name === 'string' && typeof d.build === 'function' && Array.isArray(d.variants) && Array.isArray(d.params);
}

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
    throw new InputError(`${nameOrPath} does not export a model definition (export const definition = { name, params, variants, build })`);
  }
  return def;
}
