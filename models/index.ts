/** The shipped models, by name. */
import type { ModelDefinition } from '../src/model/definition.ts';
import { definition as byzantineGenerals } from './byzantine-generals/index.ts';
import { definition as twoPhaseCommit } from './two-phase-commit/index.ts';

export const models: readonly ModelDefinition<any>[] = [byzantineGenerals, twoPhaseCommit];
