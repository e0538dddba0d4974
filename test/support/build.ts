/**
 * Vitest global setup (and the bench's first step): run `npm run build` when a source is newer
 * than the compiled dist/, so the tests that run the real executable run the code under test. A
 * fresh `npm ci` has just built it; then this costs two directory walks.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

/** The newest (or oldest) modification time of the files under `path`. */
function mtime(path: string, pick: (...times: number[]) => number): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return pick(...readdirSync(path).map((name) => mtime(join(path, name), pick)));
}

export function setup(): void {
  const sources = ['src', 'models', 'invariants', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];
  const dist = join(root, 'dist');
  if (existsSync(dist) && mtime(dist, Math.min) >= Math.max(...sources.map((p) => mtime(join(root, p), Math.max)))) return;
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
}
