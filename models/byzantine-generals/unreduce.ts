/**
 * `node dist/models/byzantine-generals/unreduce.js <trace.json>` (compiled with the package):
 * print the trace file of a reduced OM counterexample (as `faultline check --report` writes it)
 * redone on the unreduced protocol (`reduce=false`), for `faultline replay`. Bad input: one line
 * on stderr, exit 2.
 */
import { InputError, readTraceFile, serializeTraceFile } from 'faultline';
import { unreducedTraceFile } from './witness.ts';

const [path, ...rest] = process.argv.slice(2);
try {
  if (path === undefined || rest.length > 0) throw new InputError('usage: unreduce <trace.json> (a counterexample of byzantine-generals, an oral variant)');
  process.stdout.write(serializeTraceFile(unreducedTraceFile(readTraceFile(path))));
} catch (e) {
  const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
  process.stderr.write(`unreduce: ${e instanceof InputError ? message : `internal error: ${message}`}\n`);
  process.exitCode = 2;
}
