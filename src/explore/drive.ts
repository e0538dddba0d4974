/**
 * Running a search. Strategies are generators that yield at every poll of their budget (every
 * `POLL_EVERY` generated states), and a driver runs one to its end: `runToEnd` without ever
 * leaving it (the library's synchronous `check`), `runYielding` letting the event loop run about
 * every 50 ms, so that signal handlers (Ctrl-C, SIGTERM) and timers get their turn while a long
 * search goes on (the CLI, `checkAsync`).
 */

/** A search in progress: resumed until it returns its result. */
export type Search<T> = Generator<void, T, void>;

/** Run `search` to its end synchronously. */
export function runToEnd<T>(search: Search<T>): T {
  for (;;) {
    const r = search.next();
    if (r.done) return r.value;
  }
}

/** How often a yielding search lets the event loop run. */
export const YIELD_EVERY_MS = 50;

/** Run `search` to its end, letting the event loop run every `everyMs` milliseconds. */
export async function runYielding<T>(search: Search<T>, everyMs = YIELD_EVERY_MS): Promise<T> {
  let last = performance.now();
  for (;;) {
    const r = search.next();
    if (r.done) return r.value;
    const now = performance.now();
    if (now - last >= everyMs) {
      // setImmediate, not a resolved promise: the loop must pass through its poll phase, where
      // signals and I/O are delivered.
      await new Promise((resolve) => setImmediate(resolve));
      last = performance.now();
    }
  }
}
