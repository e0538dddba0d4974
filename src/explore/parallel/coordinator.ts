/**
 * A breadth-first search on worker threads, level by level. The coordinator (this module, in
 * the calling thread) owns the frontier — the current level and the next, encoded states in
 * chunks, spilled to disk past the memory budget — and hands chunks of the current level to
 * idle workers; each worker expands its chunk against the shared store (shared-fingerprint-set.ts)
 * and sends back the new states of the next level. Handing out chunks on demand balances the
 * load by itself. At the end of a level (the barrier) the next level becomes the current one.
 *
 * Every state is inserted into one shared table, so distinct and generated counts and the depth
 * are those of the single-threaded search; a state's parent is the state that first inserted it,
 * one level up, so traces are shortest and are rebuilt from the shared columns by re-execution.
 * A violation found while expanding level L ends the search once the chunks out are back: any
 * violation of the same property found at level L has the same length.
 *
 * When no chunk is out (a rendezvous), the coordinator may grow the table (workers hand back the
 * rest of a chunk when it is too full to take more) and write a checkpoint (checkpoint.ts). It
 * grows the table ahead at a level's start when the level will likely fill it: a growth in
 * mid-level first waits for every chunk out to come back, with threads idle meanwhile.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InputError, ModelError } from '../../model/errors.ts';
import { identity, type Model } from '../../model/model.ts';
import { codecOf, type StateCodec } from '../../state/codec.ts';
import { FULL, SharedStateStore } from '../../state/shared-fingerprint-set.ts';
import { pathOf } from '../bfs.ts';
import { CHUNK_STATES, ChunkWriter, Frontier, FrontierBudget } from '../frontier.ts';
import type { SafetyMonitor } from '../monitor.ts';
import { SearchBudget, type SearchOptions, type SearchOutcome } from '../options.ts';
import type { Bound } from '../result.ts';
import { StopSignal } from '../stop.ts';
import { hasCheckpoint, readCheckpoint, writeCheckpoint, type RunKey } from './checkpoint.ts';
import { Expander } from './expander.ts';
import { failure } from './failure.ts';
import type { Expand, Expanded, FromWorker, ModelSource, Rehash, Start } from './protocol.ts';

/** The chunked engine's options besides its threads (also `CheckOptions`'). */
export interface ChunkedOptions {
  /** How worker threads rebuild the model (a shipped name or a module, and the run); needed by threads and checkpoints. */
  readonly source?: ModelSource;
  /** Bytes the search may hold in memory (`--memory`); past it the frontier goes to disk. Default: half the machine's memory. */
  readonly memory?: number;
  /** Write a checkpoint into this folder (`--checkpoint`) every `checkpointEveryMs` (default 60 s) and when the search is stopped. */
  readonly checkpoint?: string;
  readonly checkpointEveryMs?: number;
  /** Continue the search checkpointed in this folder (`--resume`). */
  readonly resume?: string;
  /** States per chunk handed to a worker (default `CHUNK_STATES`; smaller chunks interleave workers more). */
  readonly chunkStates?: number;
}

export interface ParallelOptions extends ChunkedOptions {
  /** Worker threads; 0 does the workers' part in this thread. */
  readonly workers: number;
}

/** Default interval between two checkpoints. */
export const CHECKPOINT_EVERY_MS = 60_000;

/**
 * Worker threads are started at the first level of at least this many chunks (before, the search
 * runs in this thread alone; a small model never starts them). Each joins as soon as it has
 * loaded the model, which takes a few hundred milliseconds, while the levels grow.
 */
const THREADS_AT_CHUNKS = 1 / 2;

/**
 * Chunks a worker thread holds at a time: the one it expands and work at hand for when it is
 * done, since this thread, busy with a chunk of its own, cannot answer it at once.
 */
const CHUNKS_PER_THREAD = 3;

/** The smallest chunk handed out near the end of a level. */
const TAIL_CHUNK = 32;

/**
 * A worker thread that just joined runs its first states in unoptimised code, several times
 * slower than this thread. It is given chunks of at most this many states first, twice as many
 * after each of its replies, so that the end of a level does not wait on a cold thread's large
 * chunks while it warms up.
 */
const FIRST_CHUNK = TAIL_CHUNK;

/** How often the coordinator polls the stop signal, the clock and the heap while workers run. */
const POLL_MS = 50;

/**
 * A worker thread running worker.ts: the compiled module, or (the tests, the bench from source)
 * the TypeScript source through tsx's loader, registered in the thread before the entry loads.
 */
export function spawn(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url));
  // tsx/esm/api's `import` entry sits next to the `require` one that createRequire finds.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const entry = new URL('./worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, execArgv: ['--conditions', 'faultline-source'] });
}

/** A worker as the coordinator sees it: where chunks go, and the table generation it has attached. */
interface Hand {
  post(message: Expand): void;
  /** A worker thread's part in a growth of the table (this thread does its own part directly). */
  rehash?(message: Rehash): void;
  close(): Promise<void>;
  generation: number;
  /** Chunks it holds: handed to it and not answered yet. */
  held: number;
  /** The most states a chunk handed to it may have (see `FIRST_CHUNK`). */
  limit: number;
}

/** A worker thread, started with `start`; its replies go to `inbox`. */
function thread(start: Start, inbox: Inbox): Hand {
  const worker = spawn();
  const hand: Hand = {
    generation: 0,
    held: 0,
    limit: FIRST_CHUNK,
    post: (m) => worker.postMessage(m, [m.chunk.bytes.buffer as ArrayBuffer]),
    rehash: (m) => worker.postMessage(m),
    close: async () => {
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
  worker.on('message', (m: FromWorker) => inbox.put(hand, m));
  worker.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      // The thread is gone with its chunk: the search ends, cut by memory, with what it has.
      worker.removeAllListeners('exit');
      inbox.put(hand, { type: 'failed', kind: 'memory', message: e.message });
    } else {
      inbox.put(hand, { type: 'failed', kind: 'internal', message: e.message, ...(e.stack ? { stack: e.stack } : {}) });
    }
  });
  worker.on('exit', (code) => inbox.put(hand, { type: 'failed', kind: 'internal', message: `the worker thread exited (code ${code})` }));
  worker.postMessage(start);
  return hand;
}

/**
 * The worker's part done in this thread (`workers: 0`), through the same messages: for a model
 * that no other thread can rebuild (given as an object), which still gets the frontier on disk
 * and checkpoints.
 */
function inThread<S, A>(model: Model<S, A>, store: SharedStateStore, codec: StateCodec<S>, stop: StopSignal, all: boolean, inbox: Inbox): Hand {
  const expander = new Expander(model, store, codec, stop, all);
  const hand: Hand = {
    generation: 0,
    held: 0,
    limit: Infinity,
    post: (m) =>
      setImmediate(() => {
        try {
          inbox.put(hand, expander.expand(m));
        } catch (e) {
          inbox.put(hand, failure(e));
        }
      }),
    close: async () => {},
  };
  return hand;
}

/** Replies from every worker, in arrival order. */
class Inbox {
  private readonly queue: { hand: Hand; message: FromWorker }[] = [];
  private waiting: (() => void) | null = null;

  put(hand: Hand, message: FromWorker): void {
    this.queue.push({ hand, message });
    this.waiting?.();
  }

  async take(): Promise<{ hand: Hand; message: FromWorker }> {
    while (this.queue.length === 0) await new Promise<void>((resolve) => (this.waiting = resolve));
    this.waiting = null;
    return this.queue.shift()!;
  }
}

/** A worker's failure as the error the run ends with: the model's stays the model's. */
function failureError(m: Extract<FromWorker, { type: 'failed' }>): Error {
  if (m.kind === 'model') return new ModelError(m.message, undefined, m.step);
  if (m.kind === 'input') return new InputError(m.message);
  const e = new Error(`a worker thread failed: ${m.message}`);
  if (m.stack) e.stack = m.stack;
  return e;
}

const stoppedFromOutside = (cut: Bound | null) => cut === 'interrupted' || cut === 'time-limit' || cut === 'memory';

/**
 * Where the frontier spills: inside the checkpoint folder when there is one (so a killed run's
 * files go with it, and are cleared when the next run there starts), else in the temp folder.
 */
function spillFolder(checkpointDir: string | undefined): string {
  if (checkpointDir === undefined) return mkdtempSync(join(tmpdir(), 'faultline-frontier-'));
  mkdirSync(checkpointDir, { recursive: true });
  for (const entry of readdirSync(checkpointDir)) if (entry.startsWith(SPILL)) rmSync(join(checkpointDir, entry), { recursive: true, force: true });
  return mkdtempSync(join(checkpointDir, SPILL));
}

const SPILL = 'frontier-';

/** The run a checkpoint must match to be resumed. */
function runKey(source: ModelSource, options: SearchOptions): RunKey {
  return { source, maxDepth: options.maxDepth ?? null, maxStates: options.maxStates ?? null, all: options.all ?? false };
}

/**
 * The new states that expanding a level of `size` states will likely find, after a level of
 * `previous`: as many again as it has, times the growth from the last level to it (at most 4).
 */
function expectedNewStates(previous: number, size: number): number {
  return previous === 0 ? 0 : Math.ceil(size * Math.min(4, size / previous));
}

/** Search `model` breadth-first on `par.workers` threads; `monitor` receives every finding. */
export async function parallelBfs<S, A>(
  model: Model<S, A>,
  monitor: SafetyMonitor<S, A>,
  options: SearchOptions,
  par: ParallelOptions,
): Promise<SearchOutcome> {
  const key = par.source === undefined ? null : runKey(par.source, options);
  if (key === null && (par.workers > 0 || par.checkpoint !== undefined || par.resume !== undefined)) {
    throw new Error('worker threads and checkpoints need the model source');
  }
  if (par.checkpoint !== undefined && par.checkpoint !== par.resume && hasCheckpoint(par.checkpoint)) {
    throw new InputError(`--checkpoint ${par.checkpoint} already holds a checkpoint: continue it with --resume ${par.checkpoint}, or choose another folder`);
  }
  const saved = par.resume === undefined ? null : readCheckpoint(par.resume, key!);
  const store = saved?.store ?? SharedStateStore.create();
  const codec = codecOf(model, undefined, saved?.codecDir);
  const memory = par.memory ?? totalmem() / 2;
  const checkpointDir = par.checkpoint ?? par.resume;
  const spillDir = spillFolder(checkpointDir);
  const space = new FrontierBudget(() => memory - store.bytes - codec.tableBytes, spillDir, par.chunkStates);
  const budget = new SearchBudget(options);
  const maxDepth = options.maxDepth ?? Infinity;
  const maxStates = options.maxStates ?? Infinity;
  const earlier = saved?.progress.elapsedMs ?? 0;
  const checkpointEvery = par.checkpointEveryMs ?? CHECKPOINT_EVERY_MS;
  let lastCheckpoint = performance.now();

  let steps = saved?.progress.steps ?? 0;
  let depth = saved?.progress.depth ?? 0;
  let generated = saved?.progress.generated ?? 0;
  let boundary = saved?.progress.boundary ?? 0;
  let cutBy: Bound | null = saved?.progress.cutBy ?? null;
  let current = saved ? Frontier.load(space, saved.current, saved.progress.currentSize) : new Frontier(space);
  let next = saved ? Frontier.load(space, saved.next, saved.progress.nextSize) : new Frontier(space);
  if (saved) monitor.absorb(saved.progress.found, saved.progress.witnesses);

  const halt = new StopSignal();
  const hands: Hand[] = [];
  /** Chunks that may be out at once, as the hand each goes to (a worker thread twice). */
  const slots: Hand[] = [];
  const inbox = new Inbox();
  let generation = 0;
  /** Successors of a state that went back for want of room: the table grows until they fit. */
  let room = 0;
  /** A worker thread ran out of memory and took its chunk with it: no checkpoint can be consistent now. */
  let chunkLost = false;
  const halted = () => monitor.done || (cutBy !== null && cutBy !== 'max-depth');
  const progress = () => ({
    distinctStates: store.size,
    generatedStates: generated,
    depth,
    queue: current.size + next.size,
    elapsedMs: earlier + budget.elapsed(),
  });
  const poll = setInterval(() => {
    const cut = budget.poll(progress);
    if (cut !== null && !halted()) {
      cutBy = cut;
      // Whatever the reason (kept in `cutBy`), the workers stop between two states.
      halt.request('interrupted');
    }
  }, POLL_MS);

  const checkpoint = () => {
    writeCheckpoint(
      checkpointDir!,
      {
        key: key!,
        steps,
        depth,
        generated,
        boundary,
        cutBy: cutBy === 'max-depth' ? cutBy : null,
        elapsedMs: earlier + budget.elapsed(),
        found: monitor.found,
        witnesses: [...monitor.witnessDepth],
        currentSize: current.size,
        nextSize: next.size,
      },
      store,
      current,
      next,
      codec,
    );
    lastCheckpoint = performance.now();
  };

  try {
    if (!saved) {
      const fingerprint = identity(model);
      const fp = new Int32Array(2);
      const initial = new ChunkWriter();
      try {
        const inits = model.init();
        for (let i = 0; i < inits.length && !monitor.done; i++) {
          generated++;
          fingerprint(inits[i], fp);
          const id = store.add(fp[0], fp[1], -1 - i, -1, maxStates);
          if (id === FULL) {
            cutBy = 'max-states';
            break;
          }
          if (id < 0) continue;
          initial.add(id, codec.encode(inits[i]));
          monitor.state(inits[i], 1, () => pathOf((j) => store.parent(j), (j) => store.via(j), id));
        }
      } catch (e) {
        throw e instanceof ModelError ? e.atStep(0) : e;
      }
      current.push(initial.take());
      if (current.size > 0) depth = 1;
    }

    const all = options.all ?? false;
    if (current.size + next.size > 0 && !halted()) {
      // The search starts in this thread; worker threads, which take a while to start and load
      // the model, are started at the first level big enough to keep them busy (never, for a
      // small model) and join when they are ready, while this thread goes on.
      hands.push(inThread(model, store, codec, halt, all, inbox));
      slots.push(hands[0]);
    }
    const threadsAt = Math.ceil(THREADS_AT_CHUNKS * (par.chunkStates ?? CHUNK_STATES));
    let threads = par.workers === 0;
    /** Worker threads started but not ready yet. */
    const booting = new Set<Hand>();
    /** The size of the level expanded last (0: none yet). */
    let previousLevel = 0;
    /**
     * When `hand` is a worker thread still booting, its first message: it has loaded the model (or
     * failed to), and takes chunks from now on — at once when `idle` (the hands free in this level) is given.
     */
    const joined = (hand: Hand, message: FromWorker, idle: Hand[] | null): boolean => {
      if (!booting.delete(hand)) return false;
      if (message.type === 'failed' && message.kind === 'memory') {
        outOfMemory(false);
        return true;
      }
      if (message.type === 'failed') throw failureError(message);
      for (let c = 0; c < CHUNKS_PER_THREAD; c++) slots.push(hand), idle?.push(hand);
      return true;
    };
    /**
     * Double the table, at a rendezvous: the worker threads that are ready each rehash a part of
     * it beside this thread, rather than wait for it. A thread out of memory meanwhile ends the
     * search, with the table as it was.
     */
    const grow = async (idle: Hand[] | null): Promise<void> => {
      const helpers = hands.filter((h) => h.rehash !== undefined && !booting.has(h));
      const into = store.growthBuffer();
      const parts = helpers.length + 1;
      helpers.forEach((h, i) => h.rehash!({ type: 'rehash', store: store.share, into, part: i + 1, parts }));
      store.rehashPart(into, 0, parts);
      let failed = false;
      for (let left = helpers.length; left > 0; ) {
        const { hand, message } = await inbox.take();
        if (joined(hand, message, idle)) continue;
        if (message.type === 'failed' && message.kind !== 'memory') throw failureError(message);
        if (message.type === 'failed') {
          failed = true;
          outOfMemory(false);
        }
        left--;
      }
      if (failed) return;
      store.adopt(into);
      generation++;
    };

    /**
     * A worker thread ran out of memory: the search ends, cut by memory, with what it has. The
     * thread is gone with the chunks it held (`lost`), if any: then no checkpoint can be consistent.
     */
    const outOfMemory = (lost: boolean): void => {
      cutBy = 'memory';
      chunkLost ||= lost;
      halt.request('memory');
    };

    // `steps` is the distance of the current level from init. A checkpoint taken when a level was
    // done but the next not yet begun resumes with the current level empty: it still moves on.
    for (; current.size + next.size > 0 && !halted() && cutBy === null; steps++) {
      if (!threads && current.size >= threadsAt) {
        // This thread goes on expanding chunks beside `workers - 1` worker threads (it would
        // otherwise only wait for their replies).
        threads = true;
        for (let i = 1; i < par.workers; i++) {
          const hand = thread({ type: 'start', source: par.source!, store: store.share, codec: codec.share(), stop: halt.buffer, all }, inbox);
          hand.generation = generation;
          hands.push(hand);
          booting.add(hand);
        }
      }
      const lastLevel = steps >= maxDepth;
      // A rendezvous: grow the table now if the level will likely take it past its growth load.
      while (!lastLevel && !halted() && store.growsAheadFor(Math.min(maxStates - store.size, expectedNewStates(previousLevel, current.size)))) {
        await grow(null);
      }
      previousLevel = current.size;
      const idle = [...slots];
      let out = 0;
      for (;;) {
        if (store.fits(room)) room = 0;
        const growing = store.needsGrowth || room > 0;
        const due = checkpointDir !== undefined && performance.now() - lastCheckpoint >= checkpointEvery;
        while (idle.length > 0 && !halted() && !growing && !due) {
          // Smaller chunks as the level runs out, so that no worker waits long at its end.
          const hand = idle[idle.length - 1];
          const chunk = current.take(Math.min(hand.limit, Math.max(TAIL_CHUNK, Math.ceil(current.size / (2 * slots.length)))));
          if (chunk === null) break;
          idle.pop();
          const message: Expand = {
            type: 'expand',
            chunk,
            steps,
            lastLevel,
            maxStates,
            ...(hand.generation === generation ? {} : { store: store.share }),
          };
          hand.generation = generation;
          hand.post(message);
          hand.held++;
          out++;
        }
        if (out === 0) {
          // A rendezvous: no worker touches the store.
          if (growing && !halted()) {
            await grow(idle);
            continue;
          }
          if (due && !halted()) {
            checkpoint();
            continue;
          }
          break;
        }
        const { hand, message } = await inbox.take();
        if (joined(hand, message, idle)) continue;
        if (message.type === 'failed' && message.kind === 'memory') {
          // No reply will come for any chunk the thread held.
          out -= hand.held;
          hand.held = 0;
          outOfMemory(true);
          continue;
        }
        out--;
        hand.held--;
        hand.limit *= 2;
        idle.push(hand);
        if (message.type === 'failed') throw failureError(message);
        if (message.type !== 'expanded') continue;
        absorb(message);
      }
      if (halted()) break;
      if (next.size > 0) depth = steps + 2;
      current.dispose();
      current = next;
      next = new Frontier(space);
    }
    // A stop from outside: keep what is left, to resume from (unless a thread died with its chunk).
    if (checkpointDir !== undefined && stoppedFromOutside(cutBy) && !chunkLost) checkpoint();
  } finally {
    clearInterval(poll);
    for (const hand of hands) await hand.close();
    current.dispose();
    next.dispose();
    rmSync(spillDir, { recursive: true, force: true });
  }

  function absorb(m: Expanded): void {
    generated += m.generated;
    boundary += m.boundary;
    for (const c of m.next) next.push(c);
    if (m.rest !== null) current.unshift(m.rest);
    room = Math.max(room, m.room);
    if (m.cutBy === 'max-states') cutBy = 'max-states';
    else if (m.cutBy === 'max-depth' && cutBy === null) cutBy = 'max-depth';
    monitor.absorb(m.found, m.witnesses);
  }

  return {
    distinctStates: store.size,
    generatedStates: generated,
    depth,
    boundaryStates: boundary,
    cutBy,
    stoppedEarly: monitor.done,
    durationMs: earlier + budget.elapsed(),
  };
}
