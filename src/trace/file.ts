/**
 * Trace files: one counterexample as a versioned JSON document (schema 1), written next to every
 * report and read back by `faultline replay` and `faultline report`. A file carries everything
 * needed to rebuild the model it came from (model, variant, params, fault budgets, system) and
 * every step with the state after it, so a replay can say exactly where a model changed.
 */
import { readFileSync } from 'node:fs';
import type { Params } from '../model/definition.ts';
import type { ParamValue } from '../model/params.ts';
import { InputError } from '../model/errors.ts';
import { STEP_KINDS, type StepKind } from '../model/model.ts';
import type { PropertyKind } from '../model/property.ts';
import { jsonText, toJsonValue } from '../state/json.ts';
import type { Trace, TraceStep } from './trace.ts';

/** The schema version this faultline writes and reads. */
export const TRACE_SCHEMA = 1;

/** Every property kind a counterexample can be for. */
export const PROPERTY_KINDS = [
  'always',
  'transition',
  'sometimes',
  'eventually',
  'leadsTo',
  'alwaysEventually',
  'deadlock',
] as const satisfies readonly PropertyKind[];

// A compile error here means a property kind was added without listing it above.
const exhaustive: Exclude<PropertyKind, (typeof PROPERTY_KINDS)[number]> extends never
  ? true
  : false = true;
void exhaustive;

/** What identifies a run: enough to build the same model again. */
export interface TraceRun {
  readonly model: string;
  readonly variant: string;
  readonly params: Params;
  /** Fault budgets in force (protocol models), passed back to the model's `build`. */
  readonly faults?: Readonly<Record<string, number | string>>;
  /** Named system model (protocol models), passed back to the model's `build`. */
  readonly system?: string;
  /** The run identified states up to renamings of interchangeable nodes (`--symmetry`); the trace itself is concrete. */
  readonly symmetry?: boolean;
}

/** One step as stored: a `TraceStep` whose state is plain JSON. */
export type TraceFileStep = TraceStep;

/** How a minimised trace compares with the counterexample the search found. */
export interface MinimizedFrom {
  readonly length: number;
  readonly faults: number;
}

/** A counterexample file, schema 1 (documented in README, "Reports, replay and minimisation"). */
export interface TraceFile extends TraceRun {
  readonly schema: typeof TRACE_SCHEMA;
  readonly property: string;
  readonly kind: PropertyKind;
  readonly description?: string;
  /** Number of steps (actions); `steps` has one more entry, the initial state. */
  readonly length: number;
  /** For a lasso: the step where the loop begins; the last state returns to it. */
  readonly loopStart: number | null;
  /** The model's participants in lane order, when it declares them. */
  readonly nodes?: readonly string[];
  /** Present when the trace was minimised: the length and fault count before. */
  readonly minimized?: MinimizedFrom;
  readonly steps: readonly TraceFileStep[];
}

/** A counterexample to store: which property, and the trace that breaks it. */
export interface Counterexample {
  readonly property: string;
  readonly kind: PropertyKind;
  readonly description?: string;
  readonly trace: Trace;
  readonly minimized?: MinimizedFrom;
}

/** The schema-1 document of a counterexample. Field order is fixed, so files are stable. */
export function traceFile(run: TraceRun, cx: Counterexample, nodes?: readonly string[]): TraceFile {
  return {
    schema: TRACE_SCHEMA,
    model: run.model,
    variant: run.variant,
    params: run.params,
    ...(run.faults ? { faults: run.faults } : {}),
    ...(run.system ? { system: run.system } : {}),
    ...(run.symmetry ? { symmetry: true } : {}),
    property: cx.property,
    kind: cx.kind,
    ...(cx.description ? { description: cx.description } : {}),
    length: cx.trace.steps.length - 1,
    loopStart: cx.trace.loopStart,
    ...(nodes && nodes.length > 0 ? { nodes: [...nodes] } : {}),
    ...(cx.minimized ? { minimized: cx.minimized } : {}),
    steps: cx.trace.steps.map(fileStep),
  };
}

function fileStep(s: TraceStep): TraceFileStep {
  return {
    index: s.index,
    kind: s.kind,
    action: s.action,
    actionIndex: s.actionIndex,
    ...optional('node', s.node),
    ...optional('from', s.from),
    ...optional('to', s.to),
    ...optional('message', s.message),
    ...optional('name', s.name),
    state: toJsonValue(s.state),
  };
}

/** The file's text: two-space JSON with a final newline. */
export function serializeTraceFile(file: TraceFile): string {
  return jsonText(file, 2) + '\n';
}

/** The trace stored in a file, for the renderers that take a `Trace`. */
export function traceOf(file: TraceFile): Trace {
  return { steps: file.steps, loopStart: file.loopStart };
}

/** Read and validate a trace file; anything wrong is an `InputError` naming file and field. */
export function readTraceFile(path: string): TraceFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `trace file not found: ${path}` : `cannot read trace file ${path}: ${code ?? e}`);
  }
  return parseTraceFile(text, path);
}

/** Parse and validate the text of a trace file. */
export function parseTraceFile(text: string, source: string): TraceFile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${source} is not valid JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  const bad = (field: string, what: string): never => {
    throw new InputError(`${source}: ${field} ${what}`);
  };
  if (!isRecord(doc)) return bad('the document', 'must be a JSON object');
  if (doc.schema !== TRACE_SCHEMA) {
    return bad('"schema"', doc.schema === undefined ? `is missing (expected ${TRACE_SCHEMA})` : `is ${JSON.stringify(doc.schema)}; this faultline reads schema ${TRACE_SCHEMA}`);
  }
  const str = (v: unknown, field: string): string => (typeof v === 'string' && v.length > 0 ? v : bad(field, 'must be a non-empty string'));
  const optStr = (v: unknown, field: string): string | undefined => (v === undefined ? undefined : typeof v === 'string' ? v : bad(field, 'must be a string'));
  const nat = (v: unknown, field: string): number => (Number.isInteger(v) && (v as number) >= 0 ? (v as number) : bad(field, 'must be a non-negative integer'));

  const model = str(doc.model, '"model"');
  const variant = str(doc.variant, '"variant"');
  if (!isRecord(doc.params)) bad('"params"', 'must be an object');
  // Records without a prototype: a "__proto__" key is then a key like any other, refused by name.
  const params: Record<string, ParamValue> = Object.create(null);
  for (const [k, v] of Object.entries(doc.params as Record<string, unknown>)) {
    if (typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean') bad(`"params.${k}"`, 'must be a number, string or boolean');
    params[k] = v as ParamValue;
  }
  let faults: Record<string, number | string> | undefined;
  if (doc.faults !== undefined) {
    if (!isRecord(doc.faults)) bad('"faults"', 'must be an object');
    faults = Object.create(null) as Record<string, number | string>;
    for (const [k, v] of Object.entries(doc.faults as Record<string, unknown>)) {
      if (typeof v !== 'number' && typeof v !== 'string') bad(`"faults.${k}"`, 'must be a number or string');
      faults[k] = v as number | string;
    }
  }
  const system = optStr(doc.system, '"system"');
  if (doc.symmetry !== undefined && typeof doc.symmetry !== 'boolean') bad('"symmetry"', 'must be true or false');
  const symmetry = doc.symmetry === true ? true : undefined;
  const property = str(doc.property, '"property"');
  const kind = doc.kind as PropertyKind;
  if (!(PROPERTY_KINDS as readonly unknown[]).includes(kind)) bad('"kind"', `must be one of ${PROPERTY_KINDS.join(', ')}`);
  const description = optStr(doc.description, '"description"');
  if (!Array.isArray(doc.steps) || doc.steps.length === 0) bad('"steps"', 'must be a non-empty array');
  const length = nat(doc.length, '"length"');
  const rawSteps = doc.steps as unknown[];
  if (length !== rawSteps.length - 1) bad('"length"', `is ${length}, but "steps" holds ${rawSteps.length - 1} steps after the initial state`);
  const loopStart = doc.loopStart === null || doc.loopStart === undefined ? null : nat(doc.loopStart, '"loopStart"');
  if (loopStart !== null && loopStart > length) bad('"loopStart"', `is ${loopStart}, past the last step ${length}`);
  let nodes: string[] | undefined;
  if (doc.nodes !== undefined) {
    if (!Array.isArray(doc.nodes) || !doc.nodes.every((n) => typeof n === 'string')) bad('"nodes"', 'must be an array of strings');
    nodes = doc.nodes as string[];
  }
  let minimized: MinimizedFrom | undefined;
  if (doc.minimized !== undefined) {
    if (!isRecord(doc.minimized)) bad('"minimized"', 'must be an object');
    const m = doc.minimized as Record<string, unknown>;
    minimized = { length: nat(m.length, '"minimized.length"'), faults: nat(m.faults, '"minimized.faults"') };
  }

  const steps = rawSteps.map((raw, i): TraceFileStep => {
    const at = `"steps[${i}]`;
    if (!isRecord(raw)) return bad(`${at}"`, 'must be an object');
    if (raw.index !== i) bad(`${at}.index"`, `must be ${i}`);
    const kind = raw.kind as StepKind;
    if (!(STEP_KINDS as readonly unknown[]).includes(kind)) bad(`${at}.kind"`, `must be a step kind (${STEP_KINDS.join(', ')})`);
    if ((i === 0) !== (kind === 'init')) bad(`${at}.kind"`, i === 0 ? 'must be "init"' : 'cannot be "init" after the first step');
    if (!('state' in raw)) bad(`${at}.state"`, 'is missing');
    const step: TraceFileStep = {
      index: i,
      kind,
      action: str(raw.action, `${at}.action"`),
      actionIndex: nat(raw.actionIndex, `${at}.actionIndex"`),
      ...optional('node', optStr(raw.node, `${at}.node"`)),
      ...optional('from', optStr(raw.from, `${at}.from"`)),
      ...optional('to', optStr(raw.to, `${at}.to"`)),
      ...optional('message', optStr(raw.message, `${at}.message"`)),
      ...optional('name', optStr(raw.name, `${at}.name"`)),
      state: raw.state,
    };
    return step;
  });

  return {
    schema: TRACE_SCHEMA,
    model,
    variant,
    params,
    ...optional('faults', faults),
    ...optional('system', system),
    ...optional('symmetry', symmetry),
    property,
    kind,
    ...optional('description', description),
    length,
    loopStart,
    ...optional('nodes', nodes),
    ...optional('minimized', minimized),
    steps,
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
