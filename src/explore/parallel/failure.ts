/** A worker's failure as a message (protocol.ts): the model's errors keep their step, ours keep their stack. */
import { InputError, ModelError } from '../../model/errors.ts';
import type { Failed } from './protocol.ts';

export function failure(e: unknown): Failed {
  if (e instanceof ModelError) return { type: 'failed', message: e.message, kind: 'model', ...(e.step === undefined ? {} : { step: e.step }) };
  if (e instanceof InputError) return { type: 'failed', message: e.message, kind: 'input' };
  const err = e instanceof Error ? e : new Error(String(e));
  return { type: 'failed', message: err.message, kind: 'internal', ...(err.stack ? { stack: err.stack } : {}) };
}

