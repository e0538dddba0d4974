/**
 * `faultline replay <trace.json> [--model PATH]`: re-execute a trace file against the current
 * model. Exit 0 when every step matches and the violation reproduces, 1 when it diverges (naming
 * the first diverging step) or no longer violates, 2 when the file is malformed, names a model
 * that is not shipped (without `--model`), or sets a param the model does not accept.
 */
import { checkParams, instantiate, resolveVariant, type BuildConfig, type ModelDefinition } from '../model/definition.ts';
import { InputError } from '../model/errors.ts';
import type { Model } from '../model/model.ts';
import { readTraceFile, type TraceFile } from '../trace/file.ts';
import { describeReplay, replay } from '../trace/replay.ts';
import { NO_SYSTEM } from '../protocol/definition.ts';
import { escapeControls } from '../report/escape.ts';
import type { Io } from './io.ts';
import { loadDefinition, shippedDefinition } from './load.ts';

/**
 * Rebuild the model a trace file was recorded on: same variant, params, faults and system. The
 * file's params are checked as `--param` values are (type, range, choices).
 */
export function rebuild(def: ModelDefinition, file: TraceFile): Model<any, any> {
  const variantSpec = resolveVariant(def, file.variant);
  const variant = variantSpec.name;
  let params;
  try {
    params = checkParams(def, variantSpec, file.params);
  } catch (e) {
    throw e instanceof InputError ? new InputError(`in the trace file: ${e.message}`) : e;
  }
  // The file records every fault knob in force, so they are applied to "no system" rather than
  // on top of a named system whose other knobs might differ.
  const config: BuildConfig = {
    params,
    variant,
    ...(file.faults ? { faults: file.faults, system: NO_SYSTEM } : file.system ? { system: file.system } : {}),
    ...(file.symmetry ? { symmetry: true } : {}),
  };
  return instantiate(def, config);
}

export async function replayCommand(tracePath: string, o: { model?: string }, io: Io): Promise<number> {
  const file = readTraceFile(tracePath);
  const def = o.model === undefined ? shippedDefinition(file.model) : await loadDefinition(o.model);
  if (o.model && def.name !== file.model) {
    throw new InputError(`the trace is of model "${file.model}", but ${o.model} defines "${def.name}"`);
  }
  const model = rebuild(def, file);
  const outcome = replay(model, file);
  const line = `${file.model} · variant ${file.variant} · ${file.property} (${file.kind}), ${file.length} steps: ${describeReplay(file, outcome)}`;
  io.stdout.write(`${escapeControls(line)}\n`);
  return outcome.status === 'reproduces' ? 0 : 1;
}
