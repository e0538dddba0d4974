/**
 * Finding a model: a shipped name (`two-phase-commit`) or a path to a .ts/.mts/.js module that
 * exports a `ModelDefinition` as `definition` or as its default export. A module is loaded
 * through model-hooks.ts, from any folder.
 *
 * Trust boundary: code is loaded only from a path the user typed on the command line. A trace
 * file is data someone may have sent; the model it names is looked up among the shipped models
 * only (`shippedDefinition`), never imported.
 */
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { models } from '../../models/index.ts';
import { isDefinition, type ModelDefinition } from '../model/definition.ts';
import { InputError, ModelError, describeError } from '../model/errors.ts';

let hooksRegistered = false;

/**
 * Register the model-loading hooks once, before the first model module is imported. Running
 * from the TypeScript source (the test suite, the bench), the host already loads .ts files and
 * resolves `faultline`, and the hooks module is not compiled: nothing to register.
 */
function registerModelHooks(): void {
  if (hooksRegistered || import.meta.url.endsWith('.ts')) return;
  register('./model-hooks.js', import.meta.url);
  // Stack traces of the model's own errors (--debug) point into its TypeScript source.
  process.setSourceMapsEnabled(true);
  hooksRegistered = true;
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
  if (!/\.(ts|mts|js|mjs)$/.test(nameOrPath)) {
    throw new InputError(`unknown model "${nameOrPath}" (shipped: ${models.map((m) => m.name).join(', ')}; or give a path to a .ts/.mts/.js module)`);
  }
  const file = resolve(nameOrPath);
  if (!existsSync(file)) throw new InputError(`model file not found: ${nameOrPath}`);
  let mod: Record<string, unknown>;
  registerModelHooks();
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
