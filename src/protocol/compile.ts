/**
 * Compiling a protocol and a fault configuration into a `Model` the explorer can search: the
 * kernel (node states, handlers, the network) plus the step sources the configuration enables,
 * each in its own module under `steps/` — deliveries, local actions, timers, loss, duplication,
 * crashes and recoveries, pauses, partitions, Byzantine lies, clock ticks, synchronous rounds.
 * Faults consume budgets kept in the state, so every behaviour respects them.
 *
 * State identity (`fingerprint`) is a stream of numbers: the sums of the nodes' positional terms
 * (kept incrementally from their cached fingerprints) and the network's (sums of its messages'
 * terms, or its queues in order when FIFO) — or the protocol's `view` — then the bookkeeping
 * the taking-part sources keep, in `IDENTITY_ORDER`. Nothing that is pure bookkeeping of a fault that cannot happen
 * enters it, so a fault-free protocol has exactly the states of its abstract spec.
 */
import type { Model, StepInfo } from '../model/model.ts';
import { IntHasher, fingerprintInto } from '../state/fingerprint.ts';
import { worldCodec } from './codec.ts';
import type { FaultConfig } from './faults.ts';
import { Kernel } from './kernel.ts';
import { budgetsField } from './steps/budgets.ts';
import { byzantine } from './steps/byzantine.ts';
import { clock, timers } from './steps/clocks.ts';
import { crashes } from './steps/crashes.ts';
import { delivery } from './steps/delivery.ts';
import { duplication } from './steps/duplication.ts';
import { localActions } from './steps/local.ts';
import { loss } from './steps/loss.ts';
import { partitions } from './steps/partitions.ts';
import { pauses } from './steps/pauses.ts';
import { rounds as synchronousRounds } from './steps/rounds.ts';
import { IDENTITY_ORDER, SHOWN_ORDER, type Bookkeeping, type Field, type StepSource } from './steps/source.ts';
import { Symmetry, symmetryClasses } from './symmetry.ts';
import type { Protocol, Step } from './types.ts';
import type { World, WorldFields } from './world.ts';

/** Where a step value keeps its description once asked (`describedStep` in `compile`). */
const DESCRIBED = Symbol('step info');
type Described = Step & { [DESCRIBED]?: StepInfo };

export type ProtocolModel = Model<World, Step> & {
  /** The fault configuration compiled in. */
  readonly config: FaultConfig;
  /** The canonicaliser states are identified by, when compiled with symmetry. */
  readonly symmetry: Symmetry | null;
};

/** How a protocol is compiled besides its fault configuration. */
export interface CompileOptions {
  /**
   * Identify states up to renamings of the protocol's interchangeable nodes (`--symmetry`): the
   * fingerprint of a state is its canonical representative's. Safety only: liveness is refused.
   */
  readonly symmetry?: boolean;
}

/** Why a model compiled with symmetry is checked for safety only (see `Model.safetyOnly`). */
export const SYMMETRY_SAFETY_ONLY =
  '--symmetry checks safety only: a quotient by renaming nodes does not keep the per-node and per-message fairness liveness is checked under';

export function compile(protocol: Protocol<any, any>, config: FaultConfig, options: CompileOptions = {}): ProtocolModel {
  const k = new Kernel(protocol, config);
  const { n } = k;
  const inRounds = config.timing === 'rounds';

  // ---- the step sources that take part -------------------------------------------------------

  const deliver = delivery(k);
  const local = localActions(k);
  const timer = timers(k);
  const faults = [
    config.drop > 0 && loss(k, config.drop),
    config.duplicate > 0 && duplication(k, config.duplicate),
    config.crash + config.recover > 0 && crashes(k, config),
    config.pause > 0 && pauses(k, config),
    config.partition > 0 && partitions(k, config.partition),
  ].filter((s) => s !== false);
  const adversary = config.byzantine > 0 ? byzantine(k, protocol, config) : null;
  const time = config.maxTime > 0 ? clock(k, config) : null;
  const round = inRounds ? synchronousRounds(k, protocol, adversary) : null;
  /**
   * What the world does besides the protocol's own steps, in the order it is enabled: loss,
   * duplication, crash, recover, pause, resume, partition, heal, Byzantine lies, tick. Breadth-first
   * search meets a state's successors in this order, which decides which of several shortest
   * counterexamples is found. (In `rounds` timing the Byzantine choices are the round's.)
   */
  const environment: StepSource[] = [...faults, ...(adversary && !inRounds ? [adversary] : []), ...(time ? [time] : [])];
  /** Every source that takes part; the Byzantine placement comes before the clock offsets in the initial states. */
  const sources: StepSource[] = [...(round ? [round] : [deliver, local, timer]), ...faults, ...(adversary ? [adversary] : []), ...(time ? [time] : [])];
  /** The source of each step kind. */
  const sourceOf: Partial<Record<Step['kind'], StepSource>> = {};
  for (const s of sources) for (const kind of s.kinds) sourceOf[kind] = s;

  // ---- initial states -------------------------------------------------------------------------

  /** Every combination of the sources' choices for the start (Byzantine placement, then clock offsets). */
  const init = (): World[] => {
    let starts: Partial<WorldFields>[] = [{}];
    for (const s of sources) {
      const options = s.initial?.();
      if (options) starts = starts.flatMap((a) => options.map((b) => ({ ...a, ...b })));
    }
    return starts.map((start) => k.initial(start));
  };

  // ---- enabled steps --------------------------------------------------------------------------

  const assume = protocol.assume;
  // The step sources loop over arrays by index, here and in `steps/`: an iterator per loop and
  // state (nodes, timers, messages in flight) was a quarter of what a search allocated.
  const actions = (w: World): Step[] => {
    const steps: Step[] = [];
    /** A delivery or a due timer is enabled: in bounded timing, time waits for it. */
    let waiting = false;
    if (round) {
      // Lockstep: the round (or this round's Byzantine choices) is the protocol's only step, and
      // after the last round nothing happens any more.
      if (round.ended!(w)) return steps;
      round.enabled!(w, steps, false);
    } else {
      deliver.enabled!(w, steps, false);
      waiting = steps.length > 0;
      for (let i = 0; i < n; i++) {
        if (!k.active(w, i)) continue;
        local.enabledAt!(w, i, steps);
        const before = steps.length;
        timer.enabledAt!(w, i, steps);
        if (steps.length > before) waiting = true;
      }
      if (assume) {
        // Only the protocol's own steps so far: the environment assumption does not restrict faults.
        let kept = 0;
        for (let j = 0; j < steps.length; j++) if (assume(w, describedStep(steps[j]))) steps[kept++] = steps[j];
        steps.length = kept;
      }
    }
    for (let j = 0; j < environment.length; j++) environment[j].enabled!(w, steps, waiting);
    return steps;
  };

  const next = (w: World, a: Step): World => sourceOf[a.kind]!.apply(w, a);
  const label = (a: Step): string => sourceOf[a.kind]!.label(a);
  const step = (a: Step): StepInfo => sourceOf[a.kind]!.info(a);
  /**
   * `step(a)`, remembered on the step value itself (most steps are shared values, asked about in
   * every state: `assume` reads it for each step of each state) under a symbol key that is not
   * enumerable, so that nothing that lists, copies, compares or prints a step sees it.
   */
  const describedStep = (a: Step): StepInfo => {
    let info = (a as Described)[DESCRIBED];
    if (info === undefined) {
      info = step(a);
      Object.defineProperty(a, DESCRIBED, { value: info });
    }
    return info;
  };

  // ---- identity and display -------------------------------------------------------------------

  /** The bookkeeping the taking-part sources keep, by name (one field may be kept by several). */
  const kept = new Map<Bookkeeping, Field>();
  for (const s of sources) for (const f of s.keeps ?? []) kept.set(f.name, f);
  const budgets = sources.flatMap((s) => s.budgets ?? []);
  if (budgets.length > 0) kept.set('used', budgetsField(budgets));
  const identity = IDENTITY_ORDER.flatMap((name) => kept.get(name) ?? []);
  const shown = SHOWN_ORDER.flatMap((name) => kept.get(name) ?? []).filter((f) => f.show !== undefined);

  const hasher = new IntHasher();
  const fp = new Int32Array(2);
  const view = protocol.view;
  /** The fingerprint of a state as it is, without symmetry. */
  const plain = (w: World, out: Int32Array): void => {
    const h = hasher.start();
    if (view) {
      // The protocol's view stands for the node states, timers and network; the fault
      // bookkeeping below is still the layer's.
      fingerprintInto(view(w), fp);
      h.pair(fp[0], fp[1]);
    } else k.encode(w, h);
    for (const f of identity) f.encode(w, h);
    h.end(out);
  };
  const symmetry = options.symmetry
    ? new Symmetry({
        kernel: k,
        classes: symmetryClasses(k, protocol, config),
        identity,
        plain,
        viewed: view !== undefined,
        hasher: new IntHasher(),
        fifo: config.network === 'fifo',
      })
    : null;
  const fingerprint = (w: World, out: Int32Array): void => {
    if (w.hashed) {
      out[0] = w.hashHi;
      out[1] = w.hashLo;
      return;
    }
    if (symmetry) symmetry.fingerprint(w, out);
    else plain(w, out);
    w.hashed = true;
    w.hashHi = out[0];
    w.hashLo = out[1];
  };

  /**
   * `fingerprint(next(w, a))` without building the successor, for the steps whose source can
   * peek (deliveries and local actions: one node and the network change, the bookkeeping does
   * not, so it is fed from `w`). Not under symmetry or a view, whose identity needs the whole
   * successor.
   */
  const parts = new Int32Array(5);
  const successorFingerprint =
    symmetry || view || k.net.summed === null
      ? undefined
      : (w: World, a: Step, out: Int32Array): boolean => {
          const source = sourceOf[a.kind]!;
          if (source.peek === undefined || !source.peek(w, a, parts)) return false;
          const h = hasher.start();
          k.encodePeeked(parts, h);
          for (const f of identity) f.encode(w, h);
          h.end(out);
          return true;
        };

  /** Node states by id, messages in flight, armed timers, then the bookkeeping worth showing. */
  const show = (w: World): unknown => {
    const out = k.show(w);
    for (const f of shown) f.show!(w, out);
    return out;
  };

  const userTerminal = protocol.terminal;
  const bounds = sources.filter((s) => s.ended !== undefined);
  return {
    config,
    symmetry,
    ...(symmetry ? { safetyOnly: SYMMETRY_SAFETY_ONLY } : {}),
    init,
    actions,
    next,
    label,
    step,
    fingerprint,
    ...(successorFingerprint ? { successorFingerprint } : {}),
    show,
    // Worlds stored as short vectors of ids into tables the search's threads share (codec.ts).
    codec: (share, savedIn) => worldCodec(k, config.network, share, savedIn),
    nodes: k.ids,
    properties: protocol.properties,
    fairness: protocol.fairness,
    within: protocol.within,
    // One rule for every model: a state without enabled steps is a deadlock unless it is a legal
    // end. Here the bounds of time and rounds are legal ends too: the protocol stops there because
    // the model stops, not because it is stuck.
    checkDeadlock: protocol.deadlock !== false,
    terminal: (w) => bounds.some((s) => s.ended!(w)) || (userTerminal ? userTerminal(w) : false),
  };
}
