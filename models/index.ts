/** The shipped models, by name. */
import type { ModelDefinition } from 'faultline';
import { definition as byzantineGenerals } from './byzantine-generals/index.ts';
import { definition as idempotentRetry } from './idempotent-retry/index.ts';
import { definition as leaseFencing } from './lease-fencing/index.ts';
import { definition as lwwRegister } from './lww-register/index.ts';
import { definition as paxos } from './paxos/index.ts';
import { definition as quorumElection } from './quorum-election/index.ts';
import { definition as quorumReplication } from './quorum-replication/index.ts';
import { definition as twoGenerals } from './two-generals/index.ts';
import { definition as twoPhaseCommit } from './two-phase-commit/index.ts';

export const models: readonly ModelDefinition<any>[] = [
  byzantineGenerals,
  idempotentRetry,
  leaseFencing,
  lwwRegister,
  paxos,
  quorumElection,
  quorumReplication,
  twoGenerals,
  twoPhaseCommit,
];

/**
 * Study cases: points of a model's parameter space beyond its defaults whose counterexample is
 * worth a committed report in reports/ (named after the point, as `sweep --report` names cells).
 */
export interface Study {
  readonly model: string;
  readonly variant: string;
  /** Params that differ from the defaults, as given on the command line. */
  readonly params: Readonly<Record<string, string>>;
  readonly description: string;
}

export const studies: readonly Study[] = [
  {
    model: 'byzantine-generals',
    variant: 'oral',
    params: { n: '9', f: '3' },
    description:
      'OM(3) with 9 generals, 3 of them traitors (n = 3f): a loyal commander is disobeyed. Found on the reduced model (every placement and traitor choice); npx tsx models/byzantine-generals/unreduce.ts <this trace> redoes it on the unreduced protocol, for faultline replay',
  },
];
