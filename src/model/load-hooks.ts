/**
 * Module hooks (`module.register`) through which `faultline check ./model.ts` loads a user's
 * model from any folder, with or without a package.json. They run in Node's hooks thread, only
 * in the compiled program (dist/); load.ts registers them before the first model file is
 * imported.
 *
 * - **User source** — a .ts, .mts or .js file outside node_modules and outside faultline's own
 *   dist/ — is compiled by esbuild (types stripped, one file at a time, nothing bundled) and
 *   loaded as an ES module whatever the nearest package.json's `type` says, so the README's
 *   model works when copied into an empty folder. A syntax error is reported as
 *   `file:line:column: message`, in esbuild's words.
 * - **`faultline`** and its subpaths (`faultline/invariants`, …) resolve to the user's installed
 *   copy when there is one, else to the running faultline: the package resolving its own name
 *   through its `exports`, so every public entry point works without a table here.
 * - Between user files, TypeScript's specifiers work: `./util.js` finds util.ts, `./util` finds
 *   util.ts (or .mts, .js, util/index.ts).
 *
 * Why own hooks over esbuild rather than tsx: tsx decides a file's format from the nearest
 * package.json (a .ts file outside a `"type": "module"` package becomes CommonJS, and importing
 * the ESM faultline from it fails), passes .js files to V8 untouched (whose syntax errors name no
 * line), and its errors wrap esbuild's in "Transform failed with 1 error". esbuild does the
 * compiling; these hooks only choose what to compile and how to resolve.
 */
import { readFile } from 'node:fs/promises';
import type { LoadHook, ResolveHook } from 'node:module';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform, type Message } from 'esbuild';

/** faultline's compiled tree (this file is dist/src/model/load-hooks.js): never user source. */
const OWN = new URL('../../', import.meta.url).href;
const FAULTLINE = /^faultline(\/|$)/;
const SOURCE = /\.(ts|mts|js)$/;

function isUserSource(url: string): boolean {
  return url.startsWith('file:') && SOURCE.test(new URL(url).pathname) && !url.includes('/node_modules/') && !url.startsWith(OWN);
}

const notFound = (e: unknown) => (e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND';

/** Files a TypeScript-style relative specifier may mean, in order. */
function typescriptCandidates(specifier: string): string[] {
  if (specifier.endsWith('.js')) return [specifier.slice(0, -3) + '.ts'];
  if (specifier.endsWith('.mjs')) return [specifier.slice(0, -4) + '.mts'];
  if (/\.[cm]?[jt]s$|\.json$/.test(specifier)) return [];
  return [`${specifier}.ts`, `${specifier}.mts`, `${specifier}.js`, `${specifier}/index.ts`];
}

export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  let resolved;
  try {
    resolved = await nextResolve(specifier, context);
  } catch (e) {
    if (!notFound(e)) throw e;
    if (FAULTLINE.test(specifier)) {
      resolved = await nextResolve(specifier, { ...context, parentURL: import.meta.url });
    } else if (context.parentURL && isUserSource(context.parentURL) && /^\.\.?\//.test(specifier)) {
      for (const candidate of typescriptCandidates(specifier)) {
        try {
          resolved = await nextResolve(candidate, context);
          break;
        } catch (again) {
          if (!notFound(again)) throw again;
        }
      }
      if (!resolved) throw e;
    } else {
      throw e;
    }
  }
  return isUserSource(resolved.url) ? { ...resolved, format: 'module' } : resolved;
};

/** esbuild's first error as `file:line:column: message`, the path relative to the working directory. */
function syntaxError(e: unknown, file: string): unknown {
  const first = (e as { errors?: Message[] }).errors?.[0];
  if (!first) return e;
  const where = first.location ? `${relative(process.cwd(), file)}:${first.location.line}:${first.location.column + 1}` : relative(process.cwd(), file);
  return new SyntaxError(`${where}: ${first.text}`);
}

export const load: LoadHook = async (url, context, nextLoad) => {
  if (!isUserSource(url)) return nextLoad(url, context);
  const file = fileURLToPath(url);
  const source = await readFile(file, 'utf8');
  try {
    const { code } = await transform(source, {
      loader: file.endsWith('.js') ? 'js' : 'ts',
      format: 'esm',
      target: 'node20',
      sourcefile: file,
      sourcemap: 'inline',
    });
    return { format: 'module', source: code, shortCircuit: true };
  } catch (e) {
    throw syntaxError(e, file);
  }
};
