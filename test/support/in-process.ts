/**
 * Run the `faultline` command line inside the test process (its `main`), capturing what it writes
 * to stdout and stderr and the exit code it sets: the CLI's behaviour without a process start.
 */
import { main } from '../../src/cli/faultline.ts';
import type { Run } from './cli.ts';

export async function faultlineInProcess(...args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const writes = { out: process.stdout.write, err: process.stderr.write };
  const capture = (into: string[]) =>
    ((chunk: string | Uint8Array) => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof process.stdout.write;
  const before = process.exitCode;
  process.exitCode = undefined;
  process.stdout.write = capture(out);
  process.stderr.write = capture(err);
  try {
    await main(['node', 'faultline', ...args]);
  } finally {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = before;
  return { code, stdout: out.join(''), stderr: err.join('') };
}
