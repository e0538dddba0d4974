/**
 * Byzantine nodes: every placement of `config.byzantine` traitors among the eligible nodes is an
 * initial state. A traitor runs no handler; the adversary speaks for it, choosing any message of
 * the protocol's `universe` — in asynchronous timing within a budget of lies, in `rounds`
 * timing one message (or none) per loyal recipient per round. In signed mode it cannot forge a
 * loyal node's signature: it may only send signed fragments it has been sent.
 */
import { choicePairs, placements, type SignedKnowledge } from '../adversary.ts';
import type { FaultConfig } from '../faults.ts';
import type { Kernel } from '../kernel.ts';
import type { Payload, Protocol, Step } from '../types.ts';
import { USED, type World } from '../world.ts';
import { spend } from './budgets.ts';
import type { Field, StepOf, StepSource } from './source.ts';
import { messageText } from '../text.ts';

type Lie = StepOf<'byzantine'>;

/** The Byzantine source; in `rounds` timing the round source asks it for each round's choices. */
export interface ByzantineSource extends StepSource<Lie> {
  /**
   * Rounds: append the choices for the next (traitor, loyal recipient) pair of this round;
   * false when every pair has chosen (the round can end).
   */
  choose(w: World, out: Step[]): boolean;
  /** Rounds: `b→r`, the pair whose message is chosen next, or null when every pair has chosen. */
  choosing(w: World): string | null;
}

/** The Byzantine nodes: identify a state (a placement is fixed from the start), shown as `byzantine: [ids]`. */
const TRAITORS: Field = {
  name: 'traitors',
  encode(w, h) {
    h.int(w.traitors);
  },
  show(w, out) {
    out.byzantine = w.ids.filter((_, i) => (w.traitors & (1 << i)) !== 0);
  },
};

/** Signed mode: the signed fragments the traitors have seen identify a state (they decide what it can send). */
const knowledgeField = (knowledge: SignedKnowledge): Field => ({
  name: 'knowledge',
  encode(w, h) {
    h.int(w.knowledge.length);
    for (const x of w.knowledge) h.pair(knowledge.keyHi[x], knowledge.keyLo[x]);
  },
});

export function byzantine(k: Kernel, protocol: Protocol<any, any>, config: FaultConfig): ByzantineSource {
  const { ids, n, knowledge } = k;
  const universe = protocol.universe;
  if (!universe) throw new Error('Byzantine nodes need the protocol to declare its message universe');
  const rounds = config.timing === 'rounds';
  const unforged = (w: World, p: Payload): boolean => knowledge === null || knowledge.unforged(w, p);
  /** The choice pairs of each placement (fixed for a run, so computed once). */
  const pairsOf = new Map<number, [number, number][]>();
  const pairs = (w: World) => {
    let p = pairsOf.get(w.traitors);
    if (!p) pairsOf.set(w.traitors, (p = choicePairs(w.traitors, n)));
    return p;
  };
  /** Append a lie from `b` to `r` for each message of the universe the traitors can produce. */
  const lies = (w: World, b: number, r: number, round: number, out: Step[]) => {
    for (const payload of universe(ids[b], ids[r], round)) if (unforged(w, payload)) out.push({ kind: 'byzantine', from: b, to: r, payload });
  };
  return {
    kinds: ['byzantine'],
    initial: () => placements(k.indicesOf(config.byzantineNodes), config.byzantine).map((traitors) => ({ traitors })),
    // Asynchronous timing (in rounds, the round asks `choose`): within the budget, any traitor
    // tells any loyal node anything it can produce.
    enabled(w, out) {
      if (w.used[USED.lies] >= config.lies) return;
      for (let b = 0; b < n; b++) {
        if (k.loyal(w, b)) continue;
        for (let r = 0; r < n; r++) if (r !== b && k.loyal(w, r)) lies(w, b, r, 0, out);
      }
    },
    choose(w, out) {
      const all = pairs(w);
      if (w.cursor >= all.length) return false;
      const [b, r] = all[w.cursor];
      lies(w, b, r, w.round, out);
      out.push({ kind: 'byzantine', from: b, to: r, payload: null });
      return true;
    },
    choosing(w) {
      const pair = pairs(w)[w.cursor];
      return pair ? `${ids[pair[0]]}→${ids[pair[1]]}` : null;
    },
    apply(w, a) {
      const next = w.successor(rounds ? { cursor: w.cursor + 1 } : { used: spend(w.used, 'lies') });
      // Finished here, before anyone sees it.
      if (a.payload !== null) k.put(next, a.from, ids[a.to], a.payload);
      return next;
    },
    label: (a) =>
      a.payload === null ? `byzantine ${ids[a.from]} sends nothing to ${ids[a.to]}` : `byzantine ${ids[a.from]} sends ${messageText(a.payload)} to ${ids[a.to]}`,
    info: (a) => ({ kind: 'byzantine', node: ids[a.from], from: ids[a.from], to: ids[a.to], message: a.payload?.type }),
    keeps: knowledge ? [TRAITORS, knowledgeField(knowledge)] : [TRAITORS],
    budgets: rounds ? [] : [{ counter: 'lies', limit: config.lies }],
  };
}
