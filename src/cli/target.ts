/**
 * Where output files go: a folder named by `--report` (or `reports DIR`) is checked before a long
 * search is spent on it, so a typo or a read-only place is one line and exit 2 up front rather
 * than a lost result at the end.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../model/errors.ts';

/**
 * Throw an `InputError` unless `dir` is a writable folder or can be created: the path must not
 * be empty, nor a file, nor lie under a file, and its nearest existing folder must be writable.
 */
export function checkOutputFolder(flag: string, dir: string): void {
  if (dir.trim() === '') throw new InputError(`${flag} expects a folder, got ""`);
  const target = resolve(dir);
  for (let p = target; ; p = dirname(p)) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(p).isDirectory();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // Missing (it will be created), or under a file (the walk up finds which).
      if ((code === 'ENOENT' || code === 'ENOTDIR') && dirname(p) !== p) continue;
      throw new InputError(`${flag} ${dir}: cannot use ${p} (${code ?? e})`);
    }
    if (!isDirectory) throw new InputError(p === target ? `${flag} ${dir} is a file, not a folder` : `${flag} ${dir}: ${p} is a file, not a folder`);
    try {
      accessSync(p, constants.W_OK | constants.X_OK);
    } catch {
      throw new InputError(`${flag} ${dir}: ${p === target ? 'the folder' : p} is not writable`);
    }
    return;
  }
}

/** The one line saying which output file could not be written, for an error Node's fs threw. */
export function unwritten(e: unknown): string | null {
  const err = e as NodeJS.ErrnoException;
  return typeof err?.code === 'string' && typeof err.path === 'string' ? `could not write ${err.path}: ${err.code}` : null;
}
