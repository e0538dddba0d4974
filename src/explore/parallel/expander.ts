/**
 * What a worker does with a chunk of a BFS level: decode each state, check and expand it, insert
 * its successors into the shared store, and keep the new ones, encoded, for the next level — the
 * loop of bfs.ts, one chunk at a time, on shared memory. It runs in a worker thread (worker.ts),
 * or in the coordinator's own thread when there are none (`workers: 0`).
 */
import { ModelError } from '../../model/errors.ts';
import { identity, successorIdentity, type Model } from '../../model/model.ts';
import { RecentFingerprints } from '../../state/recent-fingerprints.ts';
import { FULL, NARROW, SharedStateStore } from '../../state/shared-fingerprint-set.ts';
import { pathOf } from '../bfs.ts';
import { ChunkWriter, CHUNK_STATES, chunkFrom, forEachRecord } from '../frontier.ts';
import { SafetyMonitor } from '../monitor.ts';
import { StopSignal } from '../stop.ts';
import type { StateCodec } from '../../state/codec.ts';
import type { Chunk, Expand, Expanded } from './protocol.ts';

export class Expander<S, A> {
  private readonly fingerprint: (s: S, out: Int32Array) => void;
  private readonly fp = new Int32Array(2);
  private readonly monitor: SafetyMonitor<S, A>;
  /** Fingerprints this thread met in the store lately: most successors are among them. */
  private readonly recent = new RecentFingerprints();
  /** Violations already reported to the coordinator. */
  private reported = 0;

  constructor(
    private readonly model: Model<S, A>,
    private store: SharedStateStore,
    private readonly codec: StateCodec<S>,
    private readonly stop: StopSignal,
    all: boolean,
  ) {
    this.fingerprint = identity(model);
    this.monitor = new SafetyMonitor(model, all);
  }

  /**
   * A new state `t` (id `tid`, `steps + 1` steps from an initial state): written to the next
   * level and checked. True when the check ends the search.
   */
  private keep(tid: number, t: S, out: ChunkWriter, next: Chunk[], steps: number): boolean {
    out.add(tid, this.codec.encode(t));
    if (out.count >= CHUNK_STATES) next.push(out.take());
    this.monitor.state(t, steps + 2, () => this.pathTo(tid));
    return this.monitor.done;
  }

  /** The choices that lead from an initial state to `id`, then `then`. */
  private pathTo(id: number, then?: number[]) {
    const store = this.store;
    return pathOf((i) => store.parent(i), (i) => store.via(i), id, then);
  }

  /** Expand the states of `m.chunk`, up to a stop, a full table or a bound, and say what came of it. */
  expand(m: Expand): Expanded {
    if (m.store) this.store = SharedStateStore.attach(m.store);
    const { model, monitor, store, codec, fp, recent } = this;
    const within = model.within?.bind(model);
    // Where the model can tell a successor's fingerprint, a successor is built only when new.
    const peek = successorIdentity(model, monitor.checksSteps);
    const path = (id: number, then?: number[]) => this.pathTo(id, then);
    const out = new ChunkWriter();
    const next: Chunk[] = [];
    let generated = 0;
    let boundary = 0;
    let cutBy: Expanded['cutBy'] = null;
    let rest: Chunk | null = null;
    let room = 0;
    let left = m.chunk.count;
    try {
      forEachRecord(m.chunk, (id, bytes, offset) => {
        // Between states only: a state is expanded completely or not at all (checkpoints rely on it).
        if (monitor.done || cutBy === 'max-states' || store.full || this.stop.reason !== null) {
          rest = chunkFrom(m.chunk, offset, left);
          return false;
        }
        left--;
        const s = codec.decode(bytes);
        if (within && !within(s)) {
          boundary++;
          return;
        }
        const enabled = model.actions(s);
        if (enabled.length === 0) {
          monitor.stuck(s, () => path(id));
          return;
        }
        const wide = enabled.length > NARROW;
        if (wide && !store.reserve(enabled.length)) {
          // No room in the table for this state's successors: it goes back, and the table grows.
          rest = chunkFrom(m.chunk, offset, left + 1);
          room = enabled.length;
          return false;
        }
        try {
          for (let ai = 0; ai < enabled.length; ai++) {
            const a = enabled[ai];
            generated++;
            // The successor is built here only when the model cannot tell its fingerprint
            // without it (then step properties read it); otherwise only once it proves new.
            let t: S | undefined;
            if (peek === undefined || !peek(s, a, fp)) {
              t = model.next(s, a);
              if (monitor.checksSteps && !m.lastLevel) {
                monitor.step(s, a, t, () => path(id, [ai]));
                if (monitor.done) return;
              }
              this.fingerprint(t, fp);
            }
            if (m.lastLevel) {
              if (store.find(fp[0], fp[1]) < 0) cutBy = 'max-depth';
              else if (monitor.checksSteps) monitor.step(s, a, t!, () => path(id, [ai]));
              continue;
            }
            if (recent.has(fp[0], fp[1])) continue;
            const tid = store.add(fp[0], fp[1], id, ai, m.maxStates);
            if (tid === FULL) {
              cutBy = 'max-states';
              return;
            }
            recent.remember(fp[0], fp[1]);
            if (tid < 0) continue;
            if (this.keep(tid, t ?? model.next(s, a), out, next, m.steps)) return;
          }
        } finally {
          if (wide) store.release(enabled.length);
        }
      });
    } catch (e) {
      throw e instanceof ModelError ? e.atStep(m.steps + 1) : e;
    }
    if (out.count > 0) next.push(out.take());
    const found = monitor.found.slice(this.reported);
    this.reported = monitor.found.length;
    return { type: 'expanded', next, rest, room, generated, boundary, cutBy, found, witnesses: [...monitor.witnessDepth] };
  }
}
