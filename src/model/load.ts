/**
 * Loading a model module: a .ts/.mts/.js file that exports a `ModelDefinition` as `definition` or
 * as its default export, from any folder (through load-hooks.ts). Code is loaded only from a path
 * the user gave (a command line, a test), never from one a trace file names.
 */
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDefinition, type ModelDefinition } from './definition.ts';
import { InputError, ModelError, describeError } from './errors.ts';

/** Whether `name` names a module file rather than a shipped model. */
export function isModulePath(name: string): boolean {
  return /\.(ts|js|mjs|mts)$/.test(name);
}

let hooksRegistered = false;

/**
 * Register the model-loading hooks once, before the first model module is imported. Running
 * from the TypeScript source (the test suite, the bench), the host already loads .ts files and
 * resolves `faultline`, and the hooks module is not compiled: nothing to register.
 */
function registerModelHooks(): void {
  if (hooksRegistered || import.meta.url.endsWith('.ts')) return;
  register('./load-hooks.js', import.meta.url);
  // Stack traces of the model's own errors (--debug) point into its TypeScript source.
  process.setSourceMapsEnabled(true);
  hooksRegistered = true;
}

/** Import the model module at `path` (relative to the working directory, or a file URL). */
export async function loadModule(path: string | URL): Promise<ModelDefinition<any, any>> {
  const shown = path instanceof URL ? fileURLToPath(path) : path;
  const file = path instanceof URL ? shown : resolve(path);
  if (!isModulePath(file)) throw new InputError(`${shown} is not a model module (a .ts, .mts, .js or .mjs file)`);
  if (!existsSync(file)) throw new InputError(`model file not found: ${shown}`);
  let mod: Record<string, unknown>;
  registerModelHooks();
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (e) {
    throw new ModelError(`could not load ${shown}: ${describeError(e)}`, e);
  }
  const def = mod.definition ?? mod.default;
  if (!isDefinition(def)) {
    throw new InputError(`${shown} does not export a model definition: export default defineModel({...}) or defineProtocol({...}) (or export it as \`definition\`)`);
  }
  return def;
}
