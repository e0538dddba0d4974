/**
 * The shipped models are written as any user would write one: they import only the package's
 * public entry points ('faultline', 'faultline/invariants', 'faultline/testing') and each
 * other's files, never faultline's sources ('../../src/…') — which proves the public surface is
 * the whole authoring API.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const PUBLIC = new Set(['faultline', 'faultline/invariants', 'faultline/testing']);
const models = fileURLToPath(new URL('../models', import.meta.url));

/** Every module a TypeScript/JavaScript file imports or re-exports, statically or with `import()`. */
function importsOf(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/** The imports of `file` (a path inside `root`) that are neither public entry points nor files under `root`. */
function forbiddenImports(root: string, file: string, text: string): string[] {
  return importsOf(text).filter((spec) => {
    if (PUBLIC.has(spec)) return false;
    if (!spec.startsWith('.')) return true;
    const target = resolve(dirname(file), spec);
    return target !== root && !target.startsWith(root + sep);
  });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|cts|js|mjs|cjs)$/.test(e.name) ? [path] : [];
  });
}

describe('models import only the public surface', () => {
  it('recognises what a model may and may not import', () => {
    const file = join(models, 'demo', 'index.ts');
    const text = [
      "import { defineProtocol } from 'faultline';",
      "import { atomicity } from 'faultline/invariants';",
      "import type { Helper } from './helper.ts';",
      "import { other } from '../other/index.ts';",
      "import { compile } from '../../src/protocol/compile.ts';",
      "export { World } from '../../src/protocol/world.ts';",
      "const lazy = () => import('../../invariants/index.ts');",
      "import { readFileSync } from 'node:fs';",
      "import { internal } from 'faultline/src/index.ts';",
    ].join('\n');
    expect(forbiddenImports(models, file, text)).toEqual([
      '../../src/protocol/compile.ts',
      '../../src/protocol/world.ts',
      '../../invariants/index.ts',
      'node:fs',
      'faultline/src/index.ts',
    ]);
  });

  it('every file in models/ imports only faultline, faultline/invariants, faultline/testing or files in models/', () => {
    const files = sourceFiles(models);
    expect(files.length).toBeGreaterThan(0);
    const offences = files.flatMap((file) =>
      forbiddenImports(models, file, readFileSync(file, 'utf8')).map((spec) => `${relative(models, file)} imports ${spec}`),
    );
    expect(offences).toEqual([]);
  });
});
