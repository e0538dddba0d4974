#!/usr/bin/env node
/**
 * The `faultline` executable (compiled to dist/src/cli/bin.js): run the command line against the
 * process's streams and exit with its code.
 *
 * What belongs to the process rather than to a command line is handled here:
 * - A start-up failure (a missing or broken dependency, a program that cannot load) or an error
 *   that escapes the command line ends with one line on stderr and exit 2, never a stack trace
 *   (`--debug` adds it). The command line is imported inside the guard, so a failure to load it
 *   is caught too.
 * - A reader that goes away (`faultline check … | head -1`) ends the output quietly: later writes
 *   are dropped, and the exit code is still the verdict's.
 */
const debug = process.argv.includes('--debug');
let running = false;

function fail(e: unknown): never {
  // Controls are blanked here rather than with report/escape.ts: this must work when nothing else loads.
  const message = (e instanceof Error ? e.message : String(e)).split('\n')[0].replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
  process.stderr.write(`faultline: ${running ? 'internal error' : 'could not start'}: ${message}\n`);
  if (debug && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  process.exit(2);
}

function quietWhenClosed(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') fail(e);
    stream.write = () => true;
  });
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
quietWhenClosed(process.stdout);
quietWhenClosed(process.stderr);

try {
  const { main } = await import('./faultline.ts');
  running = true;
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  fail(e);
}
