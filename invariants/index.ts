/**
 * `faultline/invariants`: reusable properties of distributed protocols — agreement and validity,
 * atomic commitment, election safety, fencing, mutual exclusion, exactly-once effects,
 * convergence, causality, interactive consistency and linearizability. Each is generic over the
 * state it reads, given as functions, so a plain model and a protocol use them alike.
 * @module
 */
export * from './agreement.ts';
export * from './atomicity.ts';
export * from './causality.ts';
export * from './convergence.ts';
export * from './election-safety.ts';
export * from './epoch-fencing.ts';
export * from './exactly-once.ts';
export * from './fencing.ts';
export * from './interactive-consistency.ts';
export * from './linearizability.ts';
export * from './mutual-exclusion.ts';
