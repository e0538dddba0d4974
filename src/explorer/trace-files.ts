/**
 * Trace files in the explorer. Export writes the path up to the cursor as a schema-1 file of a
 * property violated there, built as `check --report` builds one, so `faultline replay`
 * reproduces it. Opening a file (`--trace`, or one uploaded through the page) runs `replay` on
 * it and opens the steps that match: all of them, or those before the step where the model now
 * diverges, with what replay said.
 */
import { InputError } from '../model/errors.ts';
import type { Model } from '../model/model.ts';
import { isSafety } from '../model/property.ts';
import { fileStem } from '../report/write.ts';
import { serializeTraceFile, traceFile, type TraceFile } from '../trace/file.ts';
import { describeReplay, replay } from '../trace/replay.ts';
import { buildTrace } from '../trace/trace.ts';
import type { Notice } from './page.ts';
import type { Built } from './setting.ts';
import type { Verdict } from './verdicts.ts';
import { START, type Position, type Walk } from './walk.ts';

/** The trace file of the path up to the cursor, for a property the cursor violates. */
export function exportTrace(built: Built, w: Walk<any, any>, verdict: Verdict): { name: string; body: string } {
  const at = w.position.at;
  if (verdict.status !== 'violated') {
    throw new InputError(`export: ${verdict.name} is not violated at step ${at}; a trace file records a violation (go to a step that violates it)`);
  }
  const property = built.model.properties.find((p) => p.name === verdict.name);
  // A lasso is part of the counterexample only for liveness; safety is broken by the prefix.
  const loopStart = property && !isSafety(property) ? w.position.loopStart : null;
  const trace = buildTrace(built.model, { initIndex: w.position.initIndex, actions: w.position.actions.slice(0, at), loopStart });
  const file = traceFile(built.run, { property: verdict.name, kind: verdict.kind, description: verdict.description, trace }, built.model.nodes);
  return { name: `${fileStem(`${built.run.model}-${built.run.variant}-${verdict.name}`)}.json`, body: serializeTraceFile(file) };
}

/** What a trace file opens at (its last step, or `step`), and what its replay says. */
export function openTrace(model: Model<any, any>, file: TraceFile, step: number | undefined): { position: Position; notices: Notice[] } {
  const outcome = replay(model, file);
  // Steps before the one that diverges replay as recorded; step 0 diverging leaves the initial state.
  const matching = outcome.status === 'diverges' ? outcome.step : file.steps.length;
  const actions = file.steps.slice(1, Math.max(1, matching)).map((s) => s.actionIndex);
  const whole = actions.length === file.length;
  // A loop that begins at the last step has no step in it: nothing to keep.
  const loopStart = whole && file.loopStart !== null && file.loopStart < file.length ? file.loopStart : null;
  const position: Position =
    matching === 0 ? START : { initIndex: file.steps[0].actionIndex, actions, at: Math.min(step ?? actions.length, actions.length), loopStart };
  const summary = `Loaded the trace of ${file.property} (${file.kind}), ${file.length} step${file.length === 1 ? '' : 's'}: ${describeReplay(file, outcome)}`;
  return {
    position,
    notices: [{ kind: outcome.status === 'reproduces' ? 'info' : 'error', text: whole ? summary : `${summary}; opened the ${actions.length} steps before it.` }],
  };
}
