/** faultline's own version, for `faultline --version`. */
import { readFileSync } from 'node:fs';

/**
 * The version in the package.json above this module: two levels up from src/cli/, three from the
 * compiled dist/src/cli/; the first package.json found on the way up is faultline's own.
 */
export function version(): string {
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'faultline' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not at this level
    }
  }
  throw new Error('faultline: package.json not found next to the program');
}
