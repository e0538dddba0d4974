/**
 * Checkpoints of a parallel search (`--checkpoint DIR`, `--resume DIR`). A checkpoint is taken
 * when no chunk is out with a worker, so it is consistent: every state is either expanded (its
 * successors are in the store and, when new, in the next level) or waiting in the current level.
 * It holds the store's memory (table, parent and action columns, counters), both levels' encoded
 * states, the codec's tables (`codec.save`), the counts and findings so far, and what the run is
 * (so that a resume of another run is refused).
 *
 * Writes are atomic against a killed process: each checkpoint goes into a fresh folder
 * `cp-<n>`, its files synced, and only then does `checkpoint.json` (replaced by rename) name
 * it; the previous folder is deleted after that. A SIGKILL at any moment leaves the previous
 * checkpoint named and whole.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../model/errors.ts';
import { growableColumn, SharedStateStore, type SharedStoreShare } from '../../state/shared-fingerprint-set.ts';
import type { Frontier } from '../frontier.ts';
import type { FoundViolation } from '../monitor.ts';
import type { StateCodec } from '../../state/codec.ts';
import type { ModelSource } from './protocol.ts';

/** What a run is, as far as its result goes: a checkpoint resumes only under the same. */
export interface RunKey {
  readonly source: ModelSource;
  readonly maxDepth: number | null;
  readonly maxStates: number | null;
  readonly all: boolean;
}

/** The search's progress at a checkpoint, besides the store and the levels. */
export interface Progress {
  readonly key: RunKey;
  /** Distance in steps of the current level from the initial states. */
  readonly steps: number;
  readonly depth: number;
  readonly generated: number;
  readonly boundary: number;
  readonly cutBy: 'max-depth' | null;
  readonly elapsedMs: number;
  readonly found: readonly FoundViolation[];
  readonly witnesses: readonly (readonly [string, number])[];
  readonly currentSize: number;
  readonly nextSize: number;
}

const MANIFEST = 'checkpoint.json';
const FORMAT = 1;
const COLUMNS = ['control', 'slots', 'parent', 'via'] as const;

/** Whether `dir` holds a checkpoint. */
export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, MANIFEST));
}

function writeSynced(path: string, data: Uint8Array | string): void {
  const fd = openSync(path, 'w');
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, Math.min(bytes.length - at, 1 << 30));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

const bytesOf = (a: Int32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Write a checkpoint into `dir` (created if missing), replacing the one there atomically. */
export function writeCheckpoint(dir: string, progress: Progress, store: SharedStateStore, current: Frontier, next: Frontier, codec: StateCodec<unknown>): void {
  mkdirSync(dir, { recursive: true });
  const previous = readManifest(dir)?.folder;
  const seq = previous === undefined ? 1 : Number(previous.slice(3)) + 1;
  const folder = `cp-${seq}`;
  const tmp = join(dir, `${folder}.partial`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  const memory = store.snapshot();
  for (const name of COLUMNS) writeSynced(join(tmp, `${name}.bin`), bytesOf(memory[name]));
  current.saveTo(join(tmp, 'current.chunks'));
  next.saveTo(join(tmp, 'next.chunks'));
  syncFile(join(tmp, 'current.chunks'));
  syncFile(join(tmp, 'next.chunks'));
  mkdirSync(join(tmp, 'codec'));
  codec.save(join(tmp, 'codec'));
  writeSynced(join(tmp, 'progress.json'), JSON.stringify(progress));
  renameSync(tmp, join(dir, folder));
  writeSynced(join(dir, `${MANIFEST}.partial`), JSON.stringify({ format: FORMAT, folder }));
  renameSync(join(dir, `${MANIFEST}.partial`), join(dir, MANIFEST));
  // Older checkpoints and the leftovers of a write that was killed.
  for (const entry of readdirSync(dir)) if (/^cp-\d+(\.partial)?$/.test(entry) && entry !== folder) rmSync(join(dir, entry), { recursive: true, force: true });
}

function readManifest(dir: string): { format: number; folder: string } | null {
  if (!hasCheckpoint(dir)) return null;
  return JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8'));
}

/** A checkpoint read back: the store in shared memory, and where its levels and codec tables are. */
export interface Saved {
  readonly progress: Progress;
  readonly store: SharedStateStore;
  readonly current: string;
  readonly next: string;
  readonly codecDir: string;
}

/** Read the checkpoint in `dir`, refusing one of another run than `key`. */
export function readCheckpoint(dir: string, key: RunKey): Saved {
  const manifest = readManifest(dir);
  if (manifest === null) throw new InputError(`--resume ${dir}: no checkpoint there (${MANIFEST} is missing)`);
  if (manifest.format !== FORMAT) throw new InputError(`--resume ${dir}: checkpoint format ${manifest.format}, this faultline reads format ${FORMAT}`);
  const folder = join(dir, manifest.folder);
  const progress = JSON.parse(readFileSync(join(folder, 'progress.json'), 'utf8')) as Progress;
  const differs = runDifference(progress.key, key);
  if (differs !== null) throw new InputError(`--resume ${dir}: the checkpoint is of another run (${differs})`);
  const read = (name: string, buffer: SharedArrayBuffer) => {
    const fd = openSync(join(folder, `${name}.bin`), 'r');
    try {
      const target = new Uint8Array(buffer);
      for (let at = 0; at < target.length; ) {
        const n = readSync(fd, target, at, Math.min(target.length - at, 1 << 30), at);
        if (n === 0) throw new Error(`checkpoint file ${name}.bin is truncated`);
        at += n;
      }
    } finally {
      closeSync(fd);
    }
    return buffer;
  };
  const size = (name: string) => statSync(join(folder, `${name}.bin`)).size;
  const share: SharedStoreShare = {
    control: read('control', new SharedArrayBuffer(size('control'))),
    slots: read('slots', new SharedArrayBuffer(size('slots'))),
    parent: read('parent', growableColumn(size('parent'))),
    via: read('via', growableColumn(size('via'))),
  };
  return { progress, store: SharedStateStore.restore(share), current: join(folder, 'current.chunks'), next: join(folder, 'next.chunks'), codecDir: join(folder, 'codec') };
}


/** The first way two runs differ, in words, or null when they are the same run. */
function runDifference(saved: RunKey, now: RunKey): string | null {
  const fields: [string, unknown, unknown][] = [
    ['model', saved.source.definition, now.source.definition],
    ['variant', saved.source.run.variant, now.source.run.variant],
    ['params', saved.source.run.params, now.source.run.params],
    ['system model and faults', [saved.source.run.system, saved.source.run.faultOverrides], [now.source.run.system, now.source.run.faultOverrides]],
    ['run', saved.source.run, now.source.run],
    ['properties', saved.source.properties ?? null, now.source.properties ?? null],
    ['--max-depth', saved.maxDepth, now.maxDepth],
    ['--max-states', saved.maxStates, now.maxStates],
    ['--all', saved.all, now.all],
  ];
  for (const [what, a, b] of fields) {
    const [x, y] = [JSON.stringify(a ?? null), JSON.stringify(b ?? null)];
    if (x !== y) return `${what}: ${x} in the checkpoint, ${y} now`;
  }
  return null;
}
