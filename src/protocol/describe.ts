/**
 * How a compiled protocol reads to a person: step labels (`deliver Prepared rm2→tm`,
 * `rm1: prepare`, `crash tm`), structured step descriptions for reports and fairness, and the
 * shown form of a global state (node states by id, messages in flight, and only the fault
 * bookkeeping the configuration can change).
 */
import type { StepInfo } from '../model/model.ts';
import { choicePairs } from './adversary.ts';
import type { FaultConfig } from './faults.ts';
import type { Payload, Protocol, Step } from './types.ts';
import { CRASHED, PAUSED, USED, type Topology, type World } from './world.ts';

/** `Prepared` or `Vote(term=2, granted=true)`: a payload in one short phrase. */
export function messageText(p: Payload): string {
  const fields = Object.entries(p).filter(([k]) => k !== 'type');
  if (fields.length === 0) return p.type;
  return `${p.type}(${fields.map(([k, v]) => `${k}=${compact(v)}`).join(', ')})`;
}

function compact(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return `[${v.map(compact).join(',')}]`;
  if (typeof v === 'object' && v !== null) return `{${Object.entries(v).map(([k, x]) => `${k}:${compact(x)}`).join(',')}}`;
  return String(v);
}

export interface Description {
  label(a: Step): string;
  step(a: Step): StepInfo;
  show(w: World): unknown;
}

/** Which fault bookkeeping the configuration can change, so it is worth showing. */
export interface Tracked {
  readonly status: boolean;
  readonly used: boolean;
}

export function describe(topology: Topology, config: FaultConfig, protocol: Protocol<any>, tracked: Tracked): Description {
  const { decls, ids, messages, network: net } = topology;
  const n = ids.length;
  const clocks = config.maxTime > 0;
  const rounds = config.timing === 'rounds';
  const loyal = (w: World, i: number) => (w.traitors & (1 << i)) === 0;

  const show = (w: World): unknown => {
    const out: Record<string, unknown> = {};
    decls.forEach((d, i) => {
      out[d.id] = w.states[i];
    });
    // Shown in reading order; a FIFO network keeps its queues' order, which is the point of it.
    const inFlight = net.all(w.net).map((id) => envelopeText(id));
    out.network = config.network === 'fifo' ? inFlight : inFlight.sort();
    const timers = Object.fromEntries(
      decls
        .map((d, i) => [d.id, w.timers[i].map((t) => (t.deadline === null ? t.name : `${t.name}@${t.deadline}`))] as const)
        .filter(([, ts]) => ts.length > 0),
    );
    if (Object.keys(timers).length > 0) out.timers = timers;
    if (config.byzantine > 0) out.byzantine = ids.filter((_, i) => !loyal(w, i));
    if (tracked.status) {
      out.crashed = ids.filter((_, i) => w.status[i] === CRASHED);
      out.paused = ids.filter((_, i) => w.status[i] === PAUSED);
    }
    if (config.partition > 0) out.partition = w.partition === 0 ? null : sides(w.partition);
    if (clocks) {
      out.time = w.time;
      out.clocks = Object.fromEntries(ids.map((id, i) => [id, w.time + w.offsets[i]]));
    }
    if (rounds) {
      out.round = w.round;
      if (config.byzantine > 0) {
        const pair = choicePairs(w, n)[w.cursor];
        out.nextLie = pair && w.round <= (protocol.rounds ?? 0) ? `${ids[pair[0]]}→${ids[pair[1]]}` : null;
      }
    }
    if (tracked.used) {
      out.faults = Object.fromEntries(
        (Object.keys(USED) as (keyof typeof USED)[])
          .filter((k) => (k === 'lies' ? config.byzantine > 0 && !rounds : config[k] > 0))
          .map((k) => [k, `${w.used[USED[k]]}/${config[k]}`]),
      );
    }
    return out;
  };

  const sides = (mask: number) =>
    `${ids.filter((_, i) => (mask >> i) & 1).join(' ')} | ${ids.filter((_, i) => !((mask >> i) & 1)).join(' ')}`;
  const envelopeText = (id: number) => {
    const e = messages.get(id);
    return `${messageText(e.payload)} ${e.from}→${e.to}`;
  };

  const label = (a: Step): string => {
    switch (a.kind) {
      case 'deliver':
      case 'drop':
      case 'duplicate':
        return `${a.kind} ${envelopeText(a.msg)}`;
      case 'local':
        return `${ids[a.node]}: ${a.action}${a.chosen ? `(${compact(a.choice)})` : ''}`;
      case 'timer':
        return `${ids[a.node]}: timer ${a.timer}`;
      case 'crash':
      case 'recover':
      case 'pause':
      case 'resume':
        return `${a.kind} ${ids[a.node]}`;
      case 'partition':
        return `partition ${sides(a.side)}`;
      case 'heal':
        return 'heal';
      case 'tick':
        return a.offsets ? `tick (offsets ${a.offsets.join(' ')})` : 'tick';
      case 'byzantine':
        return a.payload === null
          ? `byzantine ${ids[a.from]} sends nothing to ${ids[a.to]}`
          : `byzantine ${ids[a.from]} sends ${messageText(a.payload)} to ${ids[a.to]}`;
      case 'round':
        return 'round';
    }
  };

  const step = (a: Step): StepInfo => {
    switch (a.kind) {
      case 'deliver':
      case 'drop':
      case 'duplicate': {
        const e = messages.get(a.msg);
        return { kind: a.kind, from: e.from, to: e.to, node: a.kind === 'deliver' ? e.to : undefined, message: e.payload.type };
      }
      case 'local':
        return { kind: 'local', node: ids[a.node], name: a.action };
      case 'timer':
        return { kind: 'timer', node: ids[a.node], name: a.timer };
      case 'crash':
      case 'recover':
      case 'pause':
      case 'resume':
        return { kind: a.kind, node: ids[a.node] };
      case 'byzantine':
        return { kind: 'byzantine', node: ids[a.from], from: ids[a.from], to: ids[a.to], message: a.payload?.type };
      default:
        return { kind: a.kind };
    }
  };

  return { label, step, show };
}
