/**
 * Errors that end a run with exit code 2: the user asked for something that does not exist or
 * cannot be parsed, or the model itself failed. They carry one line meant for a person.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** A model's own code threw (while building, or in init/actions/next/a property). */
export class ModelError extends Error {
  override readonly name = 'ModelError';
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** The message of an unknown thrown value, on one line. */
export function describeError(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0];
}
