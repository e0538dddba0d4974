/**
 * Running a TypeScript module of the test suite in a real worker thread. Node cannot load `.ts`
 * files by itself, and a worker does not inherit the loader vitest uses, so the worker first
 * registers tsx's loader (a dev dependency), with the `faultline-source` condition under which
 * `import … from 'faultline'` means the sources under test, and then imports `file`.
 *
 * The module reads `workerData` and answers once with `parentPort.postMessage`.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** tsx's ES-module API (its package's `./esm/api` export, `import` condition). */
const tsxApi = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;

/** Run `file` in a worker thread with `data`; resolves with the one message it posts. */
export function inWorker<T>(file: string, data: unknown): Promise<T> {
  const boot = `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(pathToFileURL(file).href)});`;
  const worker = new Worker(boot, { eval: true, workerData: data, execArgv: ['--conditions=faultline-source'] });
  return new Promise<T>((resolve, reject) => {
    worker.once('message', (m: T) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`worker ${file} exited (${code}) without answering`)));
  });
}
