import { availableParallelism } from 'node:os';
import { defaultServerConditions } from 'vite';
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  // `import … from 'faultline'` in models and fixtures resolves to the TypeScript source under
  // test (the `faultline-source` condition of package.json's exports), as tsconfig.json does.
  ssr: { resolve: { conditions: ['faultline-source', ...defaultServerConditions] } },
  test: {
    testTimeout: 60_000,
    // `npm run docs` copies the example tests the README links to into docs/api/media.
    exclude: [...configDefaults.exclude, 'docs/api/**'],
    // Vitest's default leaves a core to its main process (cpus − 1: a single worker on a 2-core
    // machine), but the main process idles while the files run: one worker per core.
    maxWorkers: availableParallelism(),
    // Worker threads start faster than forked processes (the suite: 84 s against 104 s on a
    // 2-core machine). A test needing a process of its own (a working directory, signals) runs
    // the compiled program in a child process (test/support/cli.ts: faultlineProcess).
    pool: 'threads',
    // Test files share a thread's modules instead of importing the whole source afresh each
    // (import time 19 → 8 s of the suite): nothing in src/ keeps state a test could leave
    // behind but caches, and the tests restore what they change (environment variables).
    isolate: false,
    // The CLI smoke tests and the pack test run the compiled program: build it first if stale.
    globalSetup: ['test/support/build.ts'],
  },
});
