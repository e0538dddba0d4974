/**
 * A BFS level as encoded states in chunks (TLC's disk queue is the anchor): states come in as
 * (id, bytes) records, leave in chunks of about `CHUNK_STATES`, and past a memory budget whole
 * chunks go to a file and are read back in turn. A level is written completely before it is
 * read (the search is level-synchronous), so one file per level suffices; the order of states
 * within a level does not matter to BFS.
 */
import { closeSync, copyFileSync, fstatSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Chunk } from './parallel/protocol.ts';

/** States per chunk handed to a worker by default: a few milliseconds of work, a few tens of KB. */
export const CHUNK_STATES = 1024;

/** Builds one chunk's bytes: (id u32, length u32, bytes) records. */
export class ChunkWriter {
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  private used = 0;
  count = 0;

  add(id: number, bytes: Uint8Array): void {
    const need = this.used + 8 + bytes.length;
    if (need > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < need) size *= 2;
      const bigger = new Uint8Array(size);
      bigger.set(this.buf.subarray(0, this.used));
      this.buf = bigger;
      this.view = new DataView(bigger.buffer);
    }
    this.view.setUint32(this.used, id, true);
    this.view.setUint32(this.used + 4, bytes.length, true);
    this.buf.set(bytes, this.used + 8);
    this.used = need;
    this.count++;
  }

  /** The chunk so far (a copy), and a fresh start. */
  take(): Chunk {
    const chunk = { bytes: this.buf.slice(0, this.used), count: this.count };
    this.used = 0;
    this.count = 0;
    return chunk;
  }
}

/** Call `each(id, bytes, offset)` for the records of a chunk; `offset` is where the record starts. */
export function forEachRecord(chunk: Chunk, each: (id: number, bytes: Uint8Array, offset: number) => boolean | void): void {
  const { bytes } = chunk;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at < bytes.length; ) {
    const id = view.getUint32(at, true);
    const length = view.getUint32(at + 4, true);
    if (each(id, bytes.subarray(at + 8, at + 8 + length), at) === false) return;
    at += 8 + length;
  }
}

/** The records of `chunk` from byte `offset` on, `count` of them. */
export function chunkFrom(chunk: Chunk, offset: number, count: number): Chunk {
  return { bytes: chunk.bytes.slice(offset), count };
}

function concat(chunks: readonly Chunk[]): Chunk {
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.bytes.length, 0));
  let at = 0;
  let count = 0;
  for (const c of chunks) {
    bytes.set(c.bytes, at);
    at += c.bytes.length;
    count += c.count;
  }
  return { bytes, count };
}

/** The memory frontiers may hold, shared by the level being read and the one being written. */
export class FrontierBudget {
  used = 0;
  /** Chunks written to files so far (statistics). */
  spilled = 0;
  constructor(
    /** Bytes the frontiers may hold in memory now (the budget less the store's and the codec's). */
    readonly room: () => number,
    /** Where spill files go. */
    readonly dir: string,
    /** States per chunk. */
    readonly chunkStates = CHUNK_STATES,
  ) {}
}

let files = 0;

export class Frontier {
  private readonly memory: Chunk[] = [];
  private pending: Chunk[] = [];
  private pendingCount = 0;
  private file: { path: string; fd: number; end: number; read: number } | null = null;
  /** States held (in memory, pending and on disk). */
  size = 0;

  constructor(private readonly budget: FrontierBudget) {}

  /** Add states (a worker's new ones, or the initial states). */
  push(chunk: Chunk): void {
    if (chunk.count === 0) return;
    this.size += chunk.count;
    this.pending.push(chunk);
    this.pendingCount += chunk.count;
    this.budget.used += chunk.bytes.length;
    if (this.pendingCount >= this.budget.chunkStates) this.settle();
  }

  /** Put back states taken but not expanded: they are served next. */
  unshift(chunk: Chunk): void {
    this.size += chunk.count;
    this.budget.used += chunk.bytes.length;
    this.memory.unshift(chunk);
  }

  /**
   * The next chunk of states (at most `most` of them: the rest of a bigger chunk is served next),
   * or null when the level is done.
   */
  take(most = Infinity): Chunk | null {
    const chunk = this.next();
    if (chunk === null || chunk.count <= most) return chunk;
    let split = 0;
    let seen = 0;
    forEachRecord(chunk, (_id, _bytes, offset) => {
      if (seen++ < most) return;
      split = offset;
      return false;
    });
    this.unshift(chunkFrom(chunk, split, chunk.count - most));
    return { bytes: chunk.bytes.slice(0, split), count: most };
  }

  private next(): Chunk | null {
    let chunk: Chunk;
    if (this.memory.length > 0) {
      chunk = this.memory.shift()!;
      this.budget.used -= chunk.bytes.length;
    } else if (this.file !== null && this.file.read < this.file.end) {
      chunk = this.readRecord(this.file);
    } else if (this.pendingCount > 0) {
      this.settle();
      return this.next();
    } else {
      return null;
    }
    this.size -= chunk.count;
    return chunk;
  }

  /** Merge the pending small chunks into one, kept in memory while the budget has room, else written to the file. */
  private settle(): void {
    const chunk = concat(this.pending);
    this.pending = [];
    this.pendingCount = 0;
    if (this.budget.used <= this.budget.room()) {
      this.memory.push(chunk);
      return;
    }
    this.budget.used -= chunk.bytes.length;
    this.budget.spilled++;
    const file = (this.file ??= this.open(join(this.budget.dir, `level-${process.pid}-${files++}.chunks`)));
    file.end += writeRecord(file.fd, chunk, file.end);
  }

  private open(path: string) {
    return { path, fd: openSync(path, 'w+'), end: 0, read: 0 };
  }

  private readRecord(file: { fd: number; read: number }): Chunk {
    const header = Buffer.alloc(8);
    readSync(file.fd, header, 0, 8, file.read);
    const count = header.readUInt32LE(0);
    const length = header.readUInt32LE(4);
    const bytes = new Uint8Array(length);
    for (let got = 0; got < length; ) got += readSync(file.fd, bytes, got, length - got, file.read + 8 + got);
    file.read += 8 + length;
    return { bytes, count };
  }

  /** Write every state held into `path` (a checkpoint), as chunk records; the frontier is unchanged. */
  saveTo(path: string): void {
    const fd = openSync(path, 'w');
    try {
      for (const c of this.memory) writeRecord(fd, c);
      if (this.pending.length > 0) writeRecord(fd, concat(this.pending));
      if (this.file !== null && this.file.read < this.file.end) {
        const rest = Buffer.alloc(Math.min(1 << 24, this.file.end - this.file.read));
        for (let at = this.file.read; at < this.file.end; ) {
          const n = readSync(this.file.fd, rest, 0, Math.min(rest.length, this.file.end - at), at);
          writeSync(fd, rest, 0, n);
          at += n;
        }
      }
    } finally {
      closeSync(fd);
    }
  }

  /** A frontier holding the states a checkpoint saved (`saveTo`), read from a copy in the spill folder. */
  static load(budget: FrontierBudget, path: string, size: number): Frontier {
    const f = new Frontier(budget);
    const copy = join(budget.dir, `level-${process.pid}-${files++}.chunks`);
    copyFileSync(path, copy);
    const fd = openSync(copy, 'r+');
    f.file = { path: copy, fd, end: fstatSync(fd).size, read: 0 };
    f.size = size;
    return f;
  }

  /** Close and delete the spill file. */
  dispose(): void {
    if (this.file === null) return;
    closeSync(this.file.fd);
    rmSync(this.file.path, { force: true });
    this.file = null;
  }
}

/** Write one chunk record at `position` (the end of the file), or at the file's own position; its length. */
function writeRecord(fd: number, chunk: Chunk, position: number | null = null): number {
  const header = Buffer.alloc(8);
  header.writeUInt32LE(chunk.count, 0);
  header.writeUInt32LE(chunk.bytes.length, 4);
  writeSync(fd, header, 0, 8, position);
  for (let at = 0; at < chunk.bytes.length; ) {
    at += writeSync(fd, chunk.bytes, at, chunk.bytes.length - at, position === null ? null : position + 8 + at);
  }
  return 8 + chunk.bytes.length;
}
