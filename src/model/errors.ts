/**
 * Errors that end a run with exit code 2: the user asked for something that does not exist or
 * cannot be parsed, or the model itself failed. They carry one line meant for a person. Any other
 * error is faultline's own (an internal error).
 */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** A model's own code threw or broke the model contract (while building, or in a hook or property). */
export class ModelError extends Error {
  override readonly name = 'ModelError';
  constructor(
    message: string,
    override readonly cause?: unknown,
    /** The step of the behaviour at which the model failed (0: an initial state), when a search knows it. */
    readonly step?: number,
  ) {
    super(message);
  }

  /** This error saying at which step of a behaviour it happened (a search knows; a hook does not). */
  atStep(step: number): ModelError {
    if (this.step !== undefined) return this;
    const where = step === 0 ? 'in an initial state' : `at step ${step} of a behaviour`;
    return new ModelError(`${this.message} (${where})`, this.cause ?? this, step);
  }
}

/** What a value thrown by the model's `hook` means for the run: a `ModelError` stays as it is, anything else becomes one naming the hook. */
export function blame(hook: string, e: unknown): ModelError {
  return e instanceof ModelError ? e : new ModelError(`the model's ${hook} threw: ${describeError(e)}`, e);
}

/** The message of an unknown thrown value, on one line. */
export function describeError(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0];
}
