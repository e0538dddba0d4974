/**
 * The Byzantine adversary's bookkeeping: where the traitors are, whose message a traitor chooses
 * next in a synchronous round, and — with signatures — which signed fragments it has seen, so
 * that it never forges a loyal node's signature.
 */
import { FingerprintSet } from '../state/fingerprint-set.ts';
import { fingerprintInto } from '../state/fingerprint.ts';
import type { NodeId, Payload, SignedBundle, SignedPayload } from './types.ts';
import type { World } from './world.ts';

/** All k-subsets of the `eligible` node indices, as bit masks, in lexicographic order. */
export function placements(eligible: readonly number[], k: number): number[] {
  const out: number[] = [];
  const pick = (start: number, left: number, mask: number) => {
    if (left === 0) {
      out.push(mask);
      return;
    }
    for (let i = start; i <= eligible.length - left; i++) pick(i + 1, left - 1, mask | (1 << eligible[i]));
  };
  pick(0, k, 0);
  return out;
}

/** The (traitor, loyal recipient) pairs of `n` nodes whose message is chosen, in order, in each round. */
export function choicePairs(traitors: number, n: number): [number, number][] {
  const pairs: [number, number][] = [];
  for (let b = 0; b < n; b++) {
    if ((traitors & (1 << b)) === 0) continue;
    for (let r = 0; r < n; r++) if (r !== b && (traitors & (1 << r)) === 0) pairs.push([b, r]);
  }
  return pairs;
}

/** The signed messages a payload carries: the items of a bundle, else the payload itself. */
export function signedParts(p: Payload): readonly SignedPayload[] {
  return Array.isArray((p as SignedBundle).bundle) ? (p as SignedBundle).bundle : [p as SignedPayload];
}

/**
 * Signed fragments — a payload with a prefix of its signature chain — interned to small ids. A
 * world's `knowledge` is the ids of the fragments the traitors have been sent, in content order.
 */
export class SignedKnowledge {
  private readonly byKey = new FingerprintSet(256);
  private readonly fp = new Int32Array(2);
  /** Each fragment's content fingerprint, by id: knowledge is ordered and identified by these, not by the process-local ids. */
  readonly keyHi: number[] = [];
  readonly keyLo: number[] = [];
  /**
   * Each fragment's content, by id: the signed payload with its chain cut to the fragment's
   * prefix. Ids are this process's; this is what another thread re-interns (`intern`).
   */
  readonly fragments: SignedPayload[] = [];

  constructor(private readonly index: ReadonlyMap<NodeId, number>) {}

  private key(p: SignedPayload, upTo: number): void {
    fingerprintInto([{ ...p, chain: undefined }, p.chain.slice(0, upTo)], this.fp);
  }

  private id(p: SignedPayload, upTo: number): number {
    this.key(p, upTo);
    const r = this.byKey.add(this.fp[0], this.fp[1]);
    if (r < 0) return -1 - r;
    this.keyHi.push(this.fp[0]);
    this.keyLo.push(this.fp[1]);
    this.fragments.push(p.chain.length === upTo ? p : { ...p, chain: p.chain.slice(0, upTo) });
    return r;
  }

  /** The id of a fragment given as its content (an entry of `fragments`, perhaps another thread's). */
  intern(fragment: SignedPayload): number {
    return this.id(fragment, fragment.chain.length);
  }

  /** Whether the traitors of `w` can produce `p`: every loyal signature on it was seen. */
  unforged(w: World, p: Payload): boolean {
    return signedParts(p).every((part) => this.unforgedPart(w, part));
  }

  private unforgedPart(w: World, p: SignedPayload): boolean {
    const chain = p.chain;
    if (!Array.isArray(chain)) throw new Error(`signed mode: message ${p.type} has no signature chain`);
    let last = -1;
    chain.forEach((signer, k) => {
      const i = this.index.get(signer);
      if (i === undefined) throw new Error(`signature chain names unknown node "${signer}"`);
      if ((w.traitors & (1 << i)) === 0) last = k;
    });
    if (last < 0) return true;
    this.key(p, last + 1);
    if (this.byKey.get(this.fp[0], this.fp[1]) < 0) return false;
    return w.knowledge.includes(this.id(p, last + 1));
  }

  /** `knowledge` after a traitor is sent `p` (each of its parts and every prefix of their chains). */
  learn(knowledge: readonly number[], p: Payload): readonly number[] {
    let out = knowledge;
    for (const part of signedParts(p)) {
      if (!Array.isArray(part.chain)) throw new Error(`signed mode: message ${part.type} has no signature chain`);
      for (let k = 1; k <= part.chain.length; k++) {
        const id = this.id(part, k);
        if (!out.includes(id)) out = [...out, id].sort((a, b) => this.keyHi[a] - this.keyHi[b] || this.keyLo[a] - this.keyLo[b]);
      }
    }
    return out;
  }
}
