/** The shipped models, by name. */
import type { ModelDefinition } from '../src/model/definition.ts';
import { definition as leaseFencing } from './lease-fencing/index.ts';
import { definition as lwwRegister } from './lww-register/index.ts';
import { definition as twoPhaseCommit } from './two-phase-commit/index.ts';

export const models: readonly ModelDefinition<any>[] = [leaseFencing, lwwRegister, twoPhaseCommit];
