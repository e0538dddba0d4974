/**
 * The system model: what the world may do to a protocol, each fault with a budget (0 = off).
 * A model may declare named system models (`lossy`, `crash-recovery`, …); the CLI selects one
 * with `--system` and overrides single knobs with `--faults drop=1,crash=1`.
 */
import { InputError } from '../model/errors.ts';

export type NetworkSemantics = 'unordered' | 'fifo' | 'set';
/**
 * How steps relate to time: `async` — any interleaving, a message or due timer may wait while
 * time passes; `bounded` — the same interleaving, but time does not advance while a message can
 * be delivered or a timer is due (delays are shorter than a clock tick: a synchronous system in
 * which only a fault — pause, crash, loss, partition — makes a node miss a tick; needs clocks);
 * `rounds` — lockstep synchronous rounds.
 */
export type Timing = 'async' | 'bounded' | 'rounds';
export type ByzantineMode = 'oral' | 'signed';

export interface FaultConfig {
  /** How in-flight messages behave: a multiset (any may arrive next), per-channel FIFO, or a never-consumed set. */
  readonly network: NetworkSemantics;
  readonly timing: Timing;
  /** Budget of message losses. */
  readonly drop: number;
  /** Budget of message duplications. */
  readonly duplicate: number;
  /** Budget of partition events (the adversary splits the nodes in two until `heal`). */
  readonly partition: number;
  /** Budget of crashes. */
  readonly crash: number;
  /** Budget of recoveries after a crash (0 = crash-stop). */
  readonly recover: number;
  /** Budget of process pauses (a paused node takes no step while time advances, and is not told). */
  readonly pause: number;
  /** Last instant of global time (0 = no clocks). */
  readonly maxTime: number;
  /** Bound on |local clock − global time|. */
  readonly skew: number;
  /** Bound on how much a clock's offset may change per tick. */
  readonly drift: number;
  /** Number of Byzantine nodes; every placement among `byzantineNodes` is explored. */
  readonly byzantine: number;
  readonly byzantineMode: ByzantineMode;
  /** Budget of Byzantine sends in `async` or `bounded` timing (in `rounds` a traitor picks one message per recipient per round). */
  readonly lies: number;
  /** Nodes that may crash / pause / be Byzantine (empty = every node). */
  readonly crashNodes: readonly string[];
  readonly pauseNodes: readonly string[];
  readonly byzantineNodes: readonly string[];
}

export const NO_FAULTS: FaultConfig = {
  network: 'unordered',
  timing: 'async',
  drop: 0,
  duplicate: 0,
  partition: 0,
  crash: 0,
  recover: 0,
  pause: 0,
  maxTime: 0,
  skew: 0,
  drift: 0,
  byzantine: 0,
  byzantineMode: 'oral',
  lies: 2,
  crashNodes: [],
  pauseNodes: [],
  byzantineNodes: [],
};

/** A named system model a protocol declares, e.g. `{ name: 'lossy', faults: { drop: 1 } }`. */
export interface SystemModel {
  readonly name: string;
  readonly description: string;
  readonly faults: Partial<FaultConfig>;
}

/** The knobs `--faults` accepts, by their command-line name. */
const KNOBS: Readonly<Record<string, keyof FaultConfig>> = {
  network: 'network',
  timing: 'timing',
  drop: 'drop',
  duplicate: 'duplicate',
  partition: 'partition',
  crash: 'crash',
  recover: 'recover',
  pause: 'pause',
  'max-time': 'maxTime',
  skew: 'skew',
  drift: 'drift',
  byzantine: 'byzantine',
  'byzantine-mode': 'byzantineMode',
  lies: 'lies',
  'crash-nodes': 'crashNodes',
  'pause-nodes': 'pauseNodes',
  'byzantine-nodes': 'byzantineNodes',
};

const CHOICES: Partial<Record<keyof FaultConfig, readonly string[]>> = {
  network: ['unordered', 'fifo', 'set'],
  timing: ['async', 'bounded', 'rounds'],
  byzantineMode: ['oral', 'signed'],
};

/** The command-line name of a knob. */
export function knobName(key: keyof FaultConfig): string {
  return Object.entries(KNOBS).find(([, k]) => k === key)![0];
}

/** Parse `--faults` assignments (`{ drop: '1', network: 'fifo' }`) over a base configuration. */
export function applyFaultOverrides(
  base: FaultConfig,
  overrides: Readonly<Record<string, string>>,
  nodes: readonly string[],
): FaultConfig {
  const out: Record<string, unknown> = { ...base };
  for (const [name, raw] of Object.entries(overrides)) {
    const key = Object.hasOwn(KNOBS, name) ? KNOBS[name] : undefined;
    if (!key) throw new InputError(`unknown fault "${name}" (faults: ${Object.keys(KNOBS).join(', ')})`);
    const current = NO_FAULTS[key];
    if (typeof current === 'number') {
      if (!/^\d+$/.test(raw)) throw new InputError(`fault ${name} must be a non-negative integer, got "${raw}"`);
      out[key] = Number(raw);
    } else if (Array.isArray(current)) {
      const list = raw === '' ? [] : raw.split('+');
      const unknown = list.find((n) => !nodes.includes(n));
      if (unknown !== undefined) throw new InputError(`fault ${name} names unknown node "${unknown}" (nodes: ${nodes.join(', ')})`);
      out[key] = list;
    } else {
      const choices = CHOICES[key]!;
      if (!choices.includes(raw)) throw new InputError(`fault ${name} must be one of ${choices.join(', ')}, got "${raw}"`);
      out[key] = raw;
    }
  }
  return validateFaults(out as unknown as FaultConfig, nodes);
}

/** Reject configurations that make no sense, with one line naming the problem. */
export function validateFaults(f: FaultConfig, nodes: readonly string[]): FaultConfig {
  if (f.skew > 0 && f.maxTime === 0) throw new InputError('fault skew needs clocks: set max-time > 0');
  if (f.drift > 0 && f.maxTime === 0) throw new InputError('fault drift needs clocks: set max-time > 0');
  if (f.timing === 'bounded' && f.maxTime === 0) throw new InputError('timing bounded needs clocks: set max-time > 0');
  if (f.timing === 'bounded' && f.network === 'set') {
    throw new InputError('timing bounded needs a network that consumes messages (unordered or fifo): a set network never empties');
  }
  if (f.recover > 0 && f.crash === 0) throw new InputError('fault recover needs crash > 0');
  const eligible = f.byzantineNodes.length > 0 ? f.byzantineNodes.length : nodes.length;
  if (f.byzantine > eligible) throw new InputError(`fault byzantine=${f.byzantine} exceeds the ${eligible} eligible nodes`);
  if (f.duplicate > 0 && f.network === 'set') {
    throw new InputError('fault duplicate has no effect on the set network (messages are never consumed); use unordered or fifo');
  }
  return f;
}

/**
 * The budgets in force, for output next to the params: every knob that differs from "no faults",
 * plus the network and timing, under their command-line names.
 */
export function describeFaults(f: FaultConfig): Record<string, number | string> {
  const out: Record<string, number | string> = { network: f.network, timing: f.timing };
  for (const [name, key] of Object.entries(KNOBS)) {
    if (key === 'network' || key === 'timing') continue;
    const v = f[key];
    const none = NO_FAULTS[key];
    if (Array.isArray(v)) {
      if (v.length > 0) out[name] = v.join('+');
    } else if (v !== none) out[name] = v as number | string;
  }
  if (f.byzantine > 0) {
    out['byzantine-mode'] = f.byzantineMode;
    if (f.timing !== 'rounds') out.lies = f.lies;
  }
  return out;
}
