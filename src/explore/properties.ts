/**
 * The properties a run checks (`--property`): a view of the model with only those. Its own module,
 * so that a worker thread, which needs this and not the rest of check.ts, starts sooner.
 */
import { InputError } from '../model/errors.ts';
import type { Model } from '../model/model.ts';
import { DEADLOCK } from './monitor.ts';

/** `model` with only the properties named (all of them when `names` is empty or missing). */
export function selectProperties<S, A>(model: Model<S, A>, names: readonly string[] | undefined): Model<S, A> {
  if (names === undefined || names.length === 0) return model;
  const deadlock = model.checkDeadlock !== false;
  const known = [...model.properties.map((p) => p.name), ...(deadlock ? [DEADLOCK] : [])];
  const unknown = names.find((n) => !known.includes(n));
  if (unknown !== undefined) throw new InputError(`unknown property "${unknown}" (properties: ${known.join(', ')})`);
  // A view of the model, not a copy: hooks defined on a prototype stay reachable.
  return Object.create(model, {
    properties: { value: model.properties.filter((p) => names.includes(p.name)), enumerable: true },
    checkDeadlock: { value: deadlock && names.includes(DEADLOCK), enumerable: true },
  }) as Model<S, A>;
}
