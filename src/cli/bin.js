#!/usr/bin/env node
// The `faultline` executable: registers tsx's loader (resolved next to this file, so it works
// from any directory), then runs the TypeScript CLI.
//
// Start-up guard: anything that fails before the CLI runs (a loader that cannot start, e.g. under
// `ulimit -v`, where WebAssembly cannot reserve memory) or escapes it ends with one line on stderr
// and exit 2, never a stack trace or a minified source dump (`--debug` adds the stack).
const debug = process.argv.includes('--debug');
let running = false;
const fail = (e) => {
  const message = (e instanceof Error ? e.message : String(e)).split('\n')[0].replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  process.stderr.write(`faultline: ${running ? 'internal error' : 'could not start'}: ${message}\n`);
  if (debug && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  process.exit(2);
};
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

try {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('./faultline.ts');
  running = true;
  await main(process.argv);
} catch (e) {
  fail(e);
}
