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
