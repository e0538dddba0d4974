/**
 * How a search stores states it has not expanded yet, and hands them to another thread, process
 * or file: as bytes. Visited states are 64-bit fingerprints already; the frontier, the batches
 * worker threads exchange and a checkpoint hold encoded states, so their size — not the size of
 * a state's object graph — is what a search's memory grows with.
 *
 * A codec may keep tables shared by every thread of a search (protocol worlds intern their node
 * states and messages, see protocol/codec.ts); `share()` describes them so another thread can
 * attach (`model.codec(share)`), and `save`/`model.codec(undefined, dir)` carry them across a
 * checkpoint. Plain models without a codec of their own get the generic one: `v8.serialize`,
 * which round-trips every value a state may hold (see plain-data.ts) exactly, `-0`, `NaN`,
 * bigints, Sets, Maps and typed arrays included.
 */
import { deserialize, serialize } from 'node:v8';
import { ModelError, blame } from '../model/errors.ts';
import { identity, type Model } from '../model/model.ts';

/** Structured-cloneable description of a codec's shared tables (SharedArrayBuffers inside): what a worker thread needs to decode this codec's bytes. */
export type CodecShare = { readonly kind: string; readonly [k: string]: unknown };

export interface StateCodec<S> {
  /** The state's bytes: a short, self-delimiting encoding, valid in every thread that shares this codec's tables. */
  encode(s: S): Uint8Array;
  /** The state `encode` was given (equal fingerprint, equal successors, equal `show`). */
  decode(bytes: Uint8Array): S;
  /** What `model.codec(share)` in another thread needs to decode (and encode compatibly). */
  share(): CodecShare;
  /** Bytes the tables hold (statistics). */
  readonly tableBytes: number;
  /**
   * Write the tables into `dir` (checkpoint; synchronous, atomic per file via rename), to be read
   * back in a fresh process by `model.codec(undefined, dir)`. Call it while no thread encodes.
   */
  save(dir: string): void;
}

/** The kind of the generic codec's share. */
const PLAIN = 'plain-v8';

/**
 * The generic codec: `v8.serialize` of the state. Stateless, so every thread and process
 * decodes every other's bytes; there are no tables to share or save.
 */
export function plainCodec<S>(): StateCodec<S> {
  return {
    encode: (s) => serialize(s),
    decode: (bytes) => deserialize(bytes) as S,
    share: () => ({ kind: PLAIN }),
    tableBytes: 0,
    save: () => {},
  };
}

/**
 * A model's own encoding of its states, for when the generic `v8.serialize` is not compact
 * enough (say, a state that packs into a few bits): pure functions, the same in every thread and
 * process, without tables. `decode(encode(s))` must be the same state as `s` — the same
 * fingerprint (or `view`), successors and `show`.
 */
export interface StateEncoding<S> {
  encode(s: S): Uint8Array;
  decode(bytes: Uint8Array): S;
}

/** The kind of a model-supplied codec's share. */
const MODEL = 'model';

/** How many of the first states a model-supplied codec encodes are checked to decode to the same state. */
const CHECKED_ENCODES = 64;

/**
 * `encoding` as `model`'s codec. What it throws is the model's error, and so is a state that does
 * not come back as itself: the first states it encodes are decoded again and their fingerprints
 * compared, so a codec that loses a field fails at once, naming the codec, rather than making
 * the search wrong.
 */
export function modelCodec<S>(encoding: StateEncoding<S>, model: Model<S, any>, share?: CodecShare): StateCodec<S> {
  if (share !== undefined && share.kind !== MODEL) throw new Error(`internal error: a model with its own codec was given a codec share of kind "${share.kind}"`);
  const fingerprint = identity(model);
  const before = new Int32Array(2);
  const after = new Int32Array(2);
  let checks = CHECKED_ENCODES;
  const decode = (bytes: Uint8Array): S => {
    try {
      return encoding.decode(bytes);
    } catch (e) {
      throw blame('codec decode()', e);
    }
  };
  return {
    encode(s) {
      let bytes: unknown;
      try {
        bytes = encoding.encode(s);
      } catch (e) {
        throw blame('codec encode()', e);
      }
      if (!(bytes instanceof Uint8Array)) throw new ModelError(`the model's codec encode() returned ${bytes === null ? 'null' : typeof bytes}, not a Uint8Array`);
      if (checks > 0) {
        checks--;
        fingerprint(s, before);
        fingerprint(decode(bytes), after);
        if (before[0] !== after[0] || before[1] !== after[1]) {
          throw new ModelError("the model's codec does not round-trip: decode(encode(s)) is a different state than s");
        }
      }
      return bytes;
    },
    decode,
    share: () => ({ kind: MODEL }),
    tableBytes: 0,
    save: () => {},
  };
}

/**
 * The codec every engine uses for `model`: the model's own (`model.codec`) when it has one, else
 * the generic one. `share` attaches to the tables of a codec made in another thread;
 * `savedIn` loads the tables a checkpoint saved there.
 */
export function codecOf<S>(model: Model<S, any>, share?: CodecShare, savedIn?: string): StateCodec<S> {
  if (model.codec) return model.codec(share, savedIn);
  if (share !== undefined && share.kind !== PLAIN) throw new Error(`internal error: a codec share of kind "${share.kind}" was given to a model without a codec of its own`);
  return plainCodec<S>();
}
