/** Run the real `faultline` executable as a user would, capturing output and exit code. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function faultline(...args: string[]): Run {
  return faultlineIn(process.cwd(), ...args);
}

/** Run `faultline` from another working directory (relative paths resolve there). */
export function faultlineIn(cwd: string, ...args: string[]): Run {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
