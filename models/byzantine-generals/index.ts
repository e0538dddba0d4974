/**
 * The Byzantine generals (Lamport, Shostak & Pease, "The Byzantine Generals Problem", 1982): a
 * commander `c` sends an order to lieutenants `l1 … l(n−1)`; f of the n generals are traitors,
 * anywhere (commander included), and every placement and every traitor message is explored.
 * Two algorithms, as variants: oral messages OM(m), where a traitor may say anything, and signed
 * messages SM(m), where it cannot forge a loyal signature. Both run m + 1 synchronous rounds
 * (m = f by default); a missing message reads as RETREAT. Properties: IC1 (loyal lieutenants
 * decide alike) and IC2 (they obey a loyal commander).
 *
 * The paper's results, which `faultline sweep` reproduces: OM(f) holds iff n ≥ 3f + 1 (beyond
 * the vacuous n = f + 1, where no placement leaves a loyal commander with a loyal lieutenant,
 * nor two loyal lieutenants); SM(f) holds for every n.
 *
 * By default the reduced model (`reduced-oral.ts`, `reduced-signed.ts`) is explored — exhaustive
 * up to n = 10 with f = 3 in well under a second per cell; `reduce=false` explores the
 * unreduced reference on the protocol layer (`protocol.ts`), feasible up to f = 1 with 10
 * generals or f = 2 with 5. The synchronous rounds and the f traitors are the protocol's own
 * fixed faults; the unreduced protocol may be checked with other faults on top (`--faults
 * crash=1`), the reduced model with none. A reduced OM counterexample translates back to the
 * unreduced protocol (`witness.ts`; `unreduce.ts` does it for a trace file).
 */
import { defineProtocol } from 'faultline';
import { PARAMS, generals, type Generals } from './common.ts';
import { generalsProtocol } from './protocol.ts';
import { reducedOral } from './reduced-oral.ts';
import { reducedSigned } from './reduced-signed.ts';

/** The reduced model of an instance: OM composed from sub-instance outcome sets, or SM by symmetry and counting. */
const reducedModel = (g: Generals) => (g.mode === 'oral' ? reducedOral(g) : reducedSigned(g));

export const definition = defineProtocol({
  name: 'byzantine-generals',
  description: "Lamport, Shostak & Pease's Byzantine generals: oral OM(m) and signed SM(m) messages with f traitors anywhere",
  params: PARAMS,
  variants: {
    oral: {
      expect: 'violated',
      description: 'OM(m), oral messages: with m = f it holds iff n ≥ 3f + 1; with 3 generals a traitor lieutenant makes the other disobey',
    },
    signed: { expect: 'holds', description: 'SM(m), unforgeable signed messages: holds for any n with at most m traitors' },
    'oral-n9-f3': {
      expect: 'violated',
      params: { n: 9, f: 3 },
      description:
        'OM(3) with 9 generals, 3 of them traitors (n = 3f): a loyal commander is disobeyed. Found on the reduced model (every placement and traitor choice); node dist/models/byzantine-generals/unreduce.js <its trace> redoes it on the unreduced protocol, for faultline replay',
    },
  },
  build: ({ params, variant }) => generalsProtocol(generals(params, variant)),
  reduced: ({ params, variant }) => params.reduce && reducedModel(generals(params, variant)),
});
