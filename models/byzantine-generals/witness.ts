/**
 * A counterexample of the reduced OM model as a behaviour of the unreduced protocol: the
 * traitor messages its steps stand for (`OralModel.traitorMessages`), sent slot by slot as the
 * unreduced model's Byzantine steps. The result is an ordinary path of the unreduced model, so
 * a trace built from it replays there (`faultline replay`) like any counterexample it found
 * itself.
 */
import { InputError, buildTrace, describeReplay, replay, traceFile, type IntParam, type Model, type Path, type Step, type TraceFile } from 'faultline';
import { PARAMS, generalIds, generals, orderOf, type Generals, type GeneralsParams, type Order } from './common.ts';
import { definition } from './index.ts';
import { oralSchedule, type GeneralsWorld, type Msg, type OralLieutenant } from './protocol.ts';
import { reducedOral, type OralModel, type OralStep } from './reduced-oral.ts';

/** JSON with object keys sorted, so payloads compare by content. */
const canonicalJson = (x: unknown): string =>
  JSON.stringify(x, (_, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v));

/**
 * The path of `unreduced` (the `reduce=false` model of the same instance) along which the
 * traitors send exactly the messages of `reduced`'s path. Throws when a message the reduced
 * path stands for is not one the unreduced model offers — a bug in either.
 */
export function unreducedPath(g: Generals, reduced: OralModel, path: Path, unreduced: Model<GeneralsWorld<OralLieutenant>, Step>): Path {
  const ids = generalIds(g.n);
  const start = reduced.init()[path.initIndex];
  let s = start;
  const steps: OralStep[] = path.actions.map((i) => {
    const a = reduced.actions(s)[i];
    s = reduced.next(s, a);
    return a;
  });
  // The traitor commander's orders by recipient, and every relayed value by
  // `sender>recipient:path` (`l2>l4:c>l1`: what l2 tells l4 that l1 told it c said).
  const orders = new Map<string, Msg>();
  const values = new Map<string, Order>();
  for (const t of reduced.traitorMessages(start, steps)) {
    const heardOn = t.path.slice(0, -1).map((x) => ids[x]).join('>');
    values.set(`${ids[t.path[t.path.length - 1]]}>${ids[t.to]}:${heardOn}`, orderOf(t.value)!);
    if (t.path.length === 1) orders.set(ids[t.to], { type: 'Order', value: orderOf(t.value)! });
  }
  const schedule = oralSchedule(ids.slice(1), g.m);
  /** What traitor `from` sends loyal `to` in (lockstep) round `round`. */
  const wanted = (round: number, from: string, to: string): Msg | null => {
    // Nothing is sent to the commander; the commander speaks in round 1 only.
    if (to === 'c') return null;
    if (from === 'c') return schedule.slots[round - 1].round === 1 ? (orders.get(to) ?? null) : null;
    const keys = schedule.relayed(round, from, to);
    if (keys.length === 0) return null;
    const heard = Object.fromEntries(
      keys.map((k) => {
        const v = values.get(`${from}>${to}:${k}`);
        if (v === undefined) throw new Error(`the reduced counterexample says nothing of what ${from} tells ${to} about ${k}`);
        return [k, v];
      }),
    );
    return { type: 'Relay', heard };
  };

  const traitorsOf = (w: GeneralsWorld<OralLieutenant>) => ids.reduce((mask, id, i) => (w.byzantine(id) ? mask | (1 << i) : mask), 0);
  const inits = unreduced.init();
  const initIndex = inits.findIndex((w) => traitorsOf(w) === start.traitors);
  let w = inits[initIndex];
  let round = 1;
  const chosen: number[] = [];
  for (let enabled = unreduced.actions(w); enabled.length > 0; enabled = unreduced.actions(w)) {
    let index = 0;
    const first = enabled[0];
    if (first.kind === 'byzantine') {
      const text = canonicalJson(wanted(round, ids[first.from], ids[first.to]));
      index = enabled.findIndex((a) => a.kind === 'byzantine' && canonicalJson(a.payload) === text);
      if (index < 0) throw new Error(`the unreduced model offers no step sending ${text} from ${ids[first.from]} to ${ids[first.to]}`);
    } else if (first.kind === 'round') round++;
    chosen.push(index);
    w = unreduced.next(w, enabled[index]);
  }
  return { initIndex, actions: chosen };
}

/** The params a trace file records, with the types and bounds of the schema (`InputError` if not). */
function paramsOf(p: Readonly<Record<string, unknown>>): GeneralsParams {
  const { n, f, m, order, reduce } = p;
  const within = (x: unknown, spec: IntParam): x is number =>
    typeof x === 'number' && Number.isInteger(x) && (spec.min === undefined || x >= spec.min) && (spec.max === undefined || x <= spec.max);
  if (!within(n, PARAMS.n) || !within(f, PARAMS.f) || typeof m !== 'string' || (order !== 'ATTACK' && order !== 'RETREAT') || typeof reduce !== 'boolean') {
    throw new InputError(`the trace's params are not those of ${definition.name}: ${JSON.stringify(p)}`);
  }
  return { n, f, m, order, reduce };
}

/**
 * The trace file of a reduced OM counterexample (as `check --report` writes it) redone on the
 * unreduced protocol: same instance with `reduce=false`, the traitors sending the concrete
 * messages the reduced steps stand for. Throws an `InputError` for a file that is not a reduced
 * OM counterexample, and an `Error` if the translated behaviour does not violate the property.
 */
export function unreducedTraceFile(file: TraceFile): TraceFile {
  const { variant } = file;
  if (file.model !== definition.name || (variant !== 'oral' && variant !== 'oral-n9-f3') || file.params.reduce !== true) {
    throw new InputError(
      `expected a counterexample of ${definition.name}, an oral variant, reduce=true; got ${file.model}, variant ${variant}, reduce=${file.params.reduce}`,
    );
  }
  const g = generals(paramsOf(file.params), variant);
  const reduced = reducedOral(g);
  const replayed = replay(reduced, file);
  if (replayed.status !== 'reproduces') throw new InputError(`the trace does not replay on the reduced model: ${describeReplay(file, replayed)}`);
  const params = { ...file.params, reduce: false };
  const unreduced = definition.build({ params, variant });
  const path = unreducedPath(g, reduced, { initIndex: file.steps[0].actionIndex, actions: file.steps.slice(1).map((s) => s.actionIndex) }, unreduced);
  const run = { model: file.model, variant, params, ...(unreduced.faults ? { faults: unreduced.faults } : {}) };
  const translated = traceFile(run, { property: file.property, kind: file.kind, description: file.description, trace: buildTrace(unreduced, path) }, unreduced.nodes);
  // The translation is checked as `faultline replay` will check it: every step, and the violation again.
  const again = replay(unreduced, translated);
  if (again.status !== 'reproduces') throw new Error(`the translated behaviour does not reproduce on the unreduced model: ${describeReplay(translated, again)}`);
  return translated;
}
