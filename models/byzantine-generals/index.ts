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
 * generals or f = 2 with 5. A reduced OM counterexample translates back to the unreduced
 * protocol (`witness.ts`; `unreduce.ts` does it for a trace file).
 */
import type { ModelDefinition } from '../../src/model/definition.ts';
import { InputError } from '../../src/model/errors.ts';
import { compile } from '../../src/protocol/compile.ts';
import { NO_SYSTEM } from '../../src/protocol/definition.ts';
import { NO_FAULTS, applyFaultOverrides, describeFaults, type FaultConfig } from '../../src/protocol/faults.ts';
import { generalIds, generals, type Generals } from './common.ts';
import { generalsProtocol } from './protocol.ts';
import { reducedOral } from './reduced-oral.ts';
import { reducedSigned } from './reduced-signed.ts';

const SYSTEM = 'synchronous';

/** The fault configuration of an instance: synchronous rounds and f Byzantine generals of the variant's kind. */
export function generalsFaults(g: Generals): FaultConfig {
  return { ...NO_FAULTS, timing: 'rounds', byzantine: g.f, byzantineMode: g.mode };
}

/** Knobs the params and the variant set; `--faults` may not change them. */
const FIXED = ['timing', 'byzantine', 'byzantine-mode'];

export const definition: ModelDefinition = {
  name: 'byzantine-generals',
  description: "Lamport, Shostak & Pease's Byzantine generals: oral OM(m) and signed SM(m) messages with f traitors anywhere",
  params: [
    { name: 'n', default: 3, min: 2, max: 30, description: 'generals: the commander c and lieutenants l1 … l(n−1)' },
    { name: 'f', default: 1, min: 0, max: 29, description: 'traitors, anywhere (commander included); every placement is explored' },
    { name: 'm', default: 'f', description: 'the algorithm OM(m) / SM(m), run in m + 1 rounds: an integer ≥ 0, or f' },
    { name: 'order', default: 'ATTACK', choices: ['ATTACK', 'RETREAT'], description: "the order a loyal commander sends" },
    {
      name: 'reduce',
      default: true,
      description:
        'explore the reduced model (OM: composed from memoised sub-instance outcome sets; SM: symmetry and counting); false: the unreduced protocol-layer reference',
    },
  ],
  variants: [
    {
      name: 'oral',
      expect: 'violated',
      description: 'OM(m), oral messages: with m = f it holds iff n ≥ 3f + 1; with 3 generals a traitor lieutenant makes the other disobey',
    },
    { name: 'signed', expect: 'holds', description: 'SM(m), unforgeable signed messages: holds for any n with at most m traitors' },
  ],
  systems: [
    {
      name: SYSTEM,
      description: 'lockstep rounds over reliable links; f Byzantine generals, oral or signed as the variant says',
      faults: { timing: 'rounds', byzantine: 'f', 'byzantine-mode': 'oral | signed' },
    },
  ],
  build({ params, variant, system, faults = {} }) {
    const g = generals(params, variant);
    // `none` is what a replay asks for, with every knob of the recorded run in `faults`.
    if (system !== undefined && system !== SYSTEM && system !== NO_SYSTEM) {
      throw new InputError(`unknown system "${system}" for byzantine-generals (systems: ${SYSTEM})`);
    }
    const base = generalsFaults(g);
    const given = Object.fromEntries(Object.entries(faults).map(([k, v]) => [k, String(v)]));
    const fixedByParams = describeFaults(base);
    const fixed = Object.keys(given).find((k) => FIXED.includes(k) && String(fixedByParams[k]) !== given[k]);
    if (fixed) throw new InputError(`fault ${fixed} is set by the params and variant of byzantine-generals (f, oral/signed)`);
    const config = applyFaultOverrides(base, given, generalIds(g.n));
    if (params.reduce) {
      if (JSON.stringify(describeFaults(config)) !== JSON.stringify(fixedByParams)) {
        throw new InputError('the reduced byzantine-generals model has no fault knobs; use --param reduce=false to add faults');
      }
      const model = g.mode === 'oral' ? reducedOral(g) : reducedSigned(g);
      return { ...model, faults: fixedByParams };
    }
    const protocol = generalsProtocol(g);
    return { ...compile(protocol, config), faults: describeFaults(config) };
  },
};
