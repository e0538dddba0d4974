/**
 * A counterexample of the reduced OM model as a behaviour of the unreduced protocol: the
 * traitor messages its steps stand for (`OralModel.traitorMessages`), sent slot by slot as the
 * unreduced model's Byzantine steps. The result is an ordinary path of the unreduced model, so
 * a trace built from it replays there (`faultline replay`) like any counterexample it found
 * itself.
 */
import { instantiate } from '../../src/model/definition.ts';
import { InputError } from '../../src/model/errors.ts';
import type { Model } from '../../src/model/model.ts';
import type { Always } from '../../src/model/property.ts';
import type { Step } from '../../src/protocol/types.ts';
import type { World } from '../../src/protocol/world.ts';
import { traceFile, type TraceFile } from '../../src/trace/file.ts';
import { describeReplay, replay } from '../../src/trace/replay.ts';
import { buildTrace, statesAlong, type Path } from '../../src/trace/trace.ts';
import { generalIds, generals, orderOf, type Generals, type Order } from './common.ts';
import { definition } from './index.ts';
import { oralSchedule, type Msg } from './protocol.ts';
import type { OralModel } from './reduced-oral.ts';

/** JSON with object keys sorted, so payloads compare by content. */
const canonicalJson = (x: unknown): string =>
  JSON.stringify(x, (_, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v));

/**
 * The path of `unreduced` (the `reduce=false` model of the same instance) along which the
 * traitors send exactly the messages of `reduced`'s path. Throws when a message the reduced
 * path stands for is not one the unreduced model offers — a bug in either.
 */
export function unreducedPath(g: Generals, reduced: OralModel, path: Path, unreduced: Model<World, Step>): Path {
  const ids = generalIds(g.n);
  const { states, actions } = statesAlong(reduced, path);
  // The traitor commander's orders by recipient, and every relayed value by
  // `sender>recipient:path` (`l2>l4:c>l1`: what l2 tells l4 that l1 told it c said).
  const orders = new Map<string, Msg>();
  const values = new Map<string, Order>();
  for (const t of reduced.traitorMessages(states[0], actions)) {
    const heardOn = t.path.slice(0, -1).map((x) => ids[x]).join('>');
    values.set(`${ids[t.path[t.path.length - 1]]}>${ids[t.to]}:${heardOn}`, orderOf(t.value)!);
    if (t.path.length === 1) orders.set(ids[t.to], { type: 'Order', value: orderOf(t.value)! });
  }
  const schedule = oralSchedule(ids.slice(1), g.m);
  const wanted = (w: World, from: string, to: string): Msg | null => {
    // Nothing is sent to the commander; the commander speaks in round 1 only.
    if (to === 'c') return null;
    if (from === 'c') return schedule.slots[w.round - 1].round === 1 ? (orders.get(to) ?? null) : null;
    const keys = schedule.relayed(w.round, from, to);
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

  const inits = unreduced.init();
  const initIndex = inits.findIndex((w) => w.traitors === states[0].traitors);
  let w = inits[initIndex];
  const chosen: number[] = [];
  for (let steps = unreduced.actions(w); steps.length > 0; steps = unreduced.actions(w)) {
    let index = 0;
    const first = steps[0];
    if (first.kind === 'byzantine') {
      const want = wanted(w, ids[first.from], ids[first.to]);
      const text = canonicalJson(want);
      index = steps.findIndex((a) => a.kind === 'byzantine' && canonicalJson(a.payload) === text);
      if (index < 0) throw new Error(`the unreduced model offers no step sending ${text} from ${ids[first.from]} to ${ids[first.to]}`);
    }
    chosen.push(index);
    w = unreduced.next(w, steps[index]);
  }
  return { initIndex, actions: chosen };
}

/**
 * The trace file of a reduced OM counterexample (as `check --report` writes it) redone on the
 * unreduced protocol: same instance with `reduce=false`, the traitors sending the concrete
 * messages the reduced steps stand for. Throws an `InputError` for a file that is not a reduced
 * OM counterexample, and an `Error` if the translated behaviour does not violate the property.
 */
export function unreducedTraceFile(file: TraceFile): TraceFile {
  if (file.model !== definition.name || file.variant !== 'oral' || file.params.reduce !== true) {
    throw new InputError(`expected a counterexample of ${definition.name}, variant oral, reduce=true; got ${file.model}, variant ${file.variant}, reduce=${file.params.reduce}`);
  }
  const params = { ...file.params, reduce: false };
  const reduced = instantiate(definition, { params: file.params, variant: file.variant }) as OralModel;
  const replayed = replay(reduced, file);
  if (replayed.status !== 'reproduces') throw new InputError(`the trace does not replay on the reduced model: ${describeReplay(file, replayed)}`);
  const unreduced = instantiate(definition, { params, variant: file.variant }) as Model<World, Step>;
  const reducedPath = { initIndex: file.steps[0].actionIndex, actions: file.steps.slice(1).map((s) => s.actionIndex) };
  const path = unreducedPath(generals(file.params, file.variant), reduced, reducedPath, unreduced);
  const trace = buildTrace(unreduced, path);
  const property = unreduced.properties.find((p) => p.name === file.property) as Always<World> | undefined;
  const { states } = statesAlong(unreduced, path);
  if (property?.kind !== 'always' || property.holds(states[states.length - 1])) {
    throw new Error(`the translated behaviour does not violate ${file.property} on the unreduced model`);
  }
  const run = { model: file.model, variant: file.variant, params, ...(unreduced.faults ? { faults: unreduced.faults } : {}) };
  return traceFile(run, { property: file.property, kind: file.kind, description: file.description, trace }, unreduced.nodes);
}
