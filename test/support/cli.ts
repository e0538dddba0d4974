/**
 * Running the command line in tests. `faultline(...)` runs the very `main` the executable runs,
 * in-process with captured output (no process per case); `faultlineProcess(...)` runs the
 * compiled executable (dist/, built by the global setup) as a user would, for the smoke tests.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/faultline.ts';
import type { Output } from '../../src/cli/io.ts';

export const BIN = fileURLToPath(new URL('../../dist/src/cli/bin.js', import.meta.url));

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function buffer(): Output & { text(): string } {
  const chunks: string[] = [];
  return { isTTY: false, write: (s: string) => chunks.push(s), text: () => chunks.join('') };
}

/** `faultline args…` in-process; relative paths resolve against the working directory. */
export async function faultline(...args: string[]): Promise<Run> {
  const stdout = buffer();
  const stderr = buffer();
  const code = await main(args, { stdout, stderr });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** The compiled executable, run from `cwd`, as a user runs it. */
export function faultlineProcess(cwd: string, ...args: string[]): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
