/**
 * `npx tsx models/byzantine-generals/unreduce.ts <trace.json>`: print the trace file of a
 * reduced OM counterexample (as `faultline check --report` writes it) redone on the unreduced
 * protocol (`reduce=false`), for `faultline replay`. Bad input: one line on stderr, exit 2.
 */
import { describeError, InputError } from '../../src/model/errors.ts';
import { readTraceFile, serializeTraceFile } from '../../src/trace/file.ts';
import { unreducedTraceFile } from './witness.ts';

const [path, ...rest] = process.argv.slice(2);
try {
  if (path === undefined || rest.length > 0) throw new InputError('usage: unreduce.ts <trace.json> (a counterexample of byzantine-generals, variant oral)');
  process.stdout.write(serializeTraceFile(unreducedTraceFile(readTraceFile(path))));
} catch (e) {
  process.stderr.write(`unreduce: ${e instanceof InputError ? e.message : `internal error: ${describeError(e)}`}\n`);
  process.exitCode = 2;
}
