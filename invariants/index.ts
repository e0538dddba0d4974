/**
 * `faultline/invariants`: reusable properties of distributed protocols — agreement, atomicity,
 * election safety, fencing, exactly-once, linearizability, … — as the shipped models use them.
 * @module
 */
export { agreement, sameDecision, validity } from './agreement.ts';
export { atomicity } from './atomicity.ts';
export { noCausallyLaterWriteLost, type CausalReplica } from './causality.ts';
export { convergesWhenQuiet } from './convergence.ts';
export { electionSafety, type Election } from './election-safety.ts';
export { noStaleEpochWrite } from './epoch-fencing.ts';
export { acknowledgedApplied, atMostOnce } from './exactly-once.ts';
export { acceptedTokensNeverDecrease, oneClientPerToken, type AcceptedWrite } from './fencing.ts';
export { ic1, ic2 } from './interactive-consistency.ts';
export { noStaleRead, type RegisterOp } from './linearizability.ts';
export { mutualExclusion } from './mutual-exclusion.ts';
