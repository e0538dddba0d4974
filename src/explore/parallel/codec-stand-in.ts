/**
 * STAND-IN for `codecOf` of src/state/codec.ts (helper CODEC's, issue 13 item 2), coded against
 * the same seam, to be deleted when that module lands: every state encoded by `v8.serialize`,
 * which is exact for the plain data a plain model's states are (issue 9's guard), and no shared
 * tables. Protocol worlds are class instances, which it cannot carry: `parallelSupported` says so.
 */
import v8 from 'node:v8';
import type { Model } from '../../model/model.ts';

/** Structured-cloneable description of a codec's shared tables (SharedArrayBuffers inside). */
export type CodecShare = { readonly kind: string; readonly [k: string]: unknown };

export interface StateCodec<S> {
  encode(s: S): Uint8Array;
  decode(bytes: Uint8Array): S;
  share(): CodecShare;
  readonly tableBytes: number;
  save(dir: string): void;
}

/** The model's own codec when it has one, else the generic encoding of plain data. */
export function codecOf<S>(model: Model<S, any>, share?: CodecShare, savedIn?: string): StateCodec<S> {
  const own = (model as { codec?: (share?: CodecShare, savedIn?: string) => StateCodec<S> }).codec;
  if (own) return own.call(model, share, savedIn);
  return {
    encode: (s) => v8.serialize(s),
    decode: (bytes) => v8.deserialize(bytes) as S,
    share: () => ({ kind: 'v8' }),
    tableBytes: 0,
    save: () => {},
  };
}
