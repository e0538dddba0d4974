/**
 * A last-write-wins register (DDIA ch. 8, "Timestamps for ordering events"; Figure 8-3): replicas
 * `r1…rN` each take read-modify-write increments from clients, stamp the new version with their
 * own clock and replicate it asynchronously (messages may be reordered and delayed while time
 * passes). Every replica keeps the version with the highest stamp.
 *
 * How the stamp is made is the variant:
 * - `wall-clock`: `[clock, replica, seq]` — the replica's local clock (`ctx.now`, skewed), ties
 *   broken by replica id and then by the replica's own write counter.
 * - `lamport`: `[counter, replica]` — one more than the largest counter seen (Lamport 1978).
 * - `hlc`: `[l, c, replica]` — a hybrid logical clock (Kulkarni et al., 2014): `l` follows the
 *   largest physical clock reading seen, `c` counts events within one `l`.
 *
 * Causality is a ghost: every version records the writes it causally follows (what it read, and
 * what that read), and every replica the writes superseded by those it has seen. Wall-clock
 * stamps lose a causally later write whenever it is stamped no later than the write it read:
 * at skew 0 only within one clock tick (a tie broken by replica id), at skew s up to 2s ticks later.
 *
 * Liveness: once every replica has taken its writes, the replicas eventually hold the same
 * version (with any stamps: the highest one wins everywhere). No fairness is assumed, and none is
 * needed: writes, messages and clock ticks all run out, so every behaviour is finite and stops
 * only when nothing is in flight. A lost message is never sent again, so one loss breaks it.
 */
import { defineProtocol, eventually, int, protocol, role, sometimes, type Payload, type Role, type WorldOf } from 'faultline';
import { convergesWhenQuiet, noCausallyLaterWriteLost } from 'faultline/invariants';

export type Variant = 'lamport' | 'hlc' | 'wall-clock';

/**
 * A version's timestamp, as each variant makes it: wall-clock `[clock, replica, seq]`, Lamport
 * `[counter, replica]`, HLC `[l, c, replica]`. The replica id in it makes stamps unique.
 */
export type Stamp =
  | readonly [clock: number, replica: string, seq: number]
  | readonly [counter: number, replica: string]
  | readonly [l: number, c: number, replica: string];

/** One write: its id (`r1.1` = r1's first write), the value it wrote, its stamp and causal past. */
export interface Version {
  readonly id: string;
  readonly value: number;
  readonly stamp: Stamp;
  /** Every write this one causally follows, sorted. */
  readonly deps: readonly string[];
}

/** A replica sends each write it takes to every other replica. */
export interface Msg extends Payload, Version {
  readonly type: 'Replicate';
}

export interface ReplicaState {
  /** The register's content: the version with the highest stamp seen. */
  readonly holds: Version | null;
  /** Writes this replica has issued. */
  readonly writes: number;
  /** The hybrid logical clock `[l, c]` (variant `hlc` only). */
  readonly hlc?: readonly [number, number];
  /** Ghost: every write causally before a version this replica has seen, sorted. */
  readonly superseded: readonly string[];
}

/** A replica's node id. */
export type ReplicaId = `r${number}`;

export const replicaIds = (n: number): ReplicaId[] => Array.from({ length: n }, (_, i) => `r${i + 1}` as const);

/** The global state of the register, as its properties read it. */
export type LwwWorld = WorldOf<{ readonly replica: Role<ReplicaState, Msg> }, { readonly replica: ReplicaId[] }>;

/** Lexicographic order of stamps (or of HLC readings): negative when `a` is older than `b`. */
export function compareStamps(a: readonly (number | string)[], b: readonly (number | string)[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return a.length - b.length;
}

const union = (a: readonly string[], b: readonly string[]): readonly string[] => {
  if (b.every((x) => a.includes(x))) return a;
  return [...new Set([...a, ...b])].sort();
};

/** The HLC after a local event at physical time `pt` (Kulkarni et al., Fig. 5, send rule). */
export function hlcLocal([l, c]: readonly [number, number], pt: number): [number, number] {
  const next = Math.max(l, pt);
  return [next, next === l ? c + 1 : 0];
}

/** The HLC after receiving stamp `[lm, cm]` at physical time `pt` (receive rule). */
export function hlcReceive([l, c]: readonly [number, number], [lm, cm]: readonly [number, number], pt: number): [number, number] {
  const next = Math.max(l, lm, pt);
  if (next === l && next === lm) return [next, Math.max(c, cm) + 1];
  if (next === l) return [next, c + 1];
  if (next === lm) return [next, cm + 1];
  return [next, 0];
}

/** The clock reading `[l, c]` of an HLC stamp `[l, c, replica]`. */
function hlcReading(stamp: Stamp): [number, number] {
  const [l, c] = stamp;
  if (typeof c !== 'number') throw new TypeError(`[${stamp.join(',')}] is not a hybrid-logical-clock stamp`);
  return [l, c];
}

export function lwwProtocol(replicas: number, writes: number, variant: Variant) {
  const ids = replicaIds(replicas);

  /** Last-write-wins: keep whichever of the held and the incoming version has the higher stamp. */
  const merge = (s: ReplicaState, v: Version): ReplicaState => {
    const newer = s.holds === null || compareStamps(v.stamp, s.holds.stamp) > 0;
    return { ...s, holds: newer ? v : s.holds, superseded: union(s.superseded, v.deps) };
  };

  // A replica's whole state survives a crash (no system model here crashes one; `--faults` can).
  const replica = role<ReplicaState, Msg>({
    init: () => ({ holds: null, writes: 0, ...(variant === 'hlc' ? { hlc: [0, 0] as const } : {}), superseded: [] }),
    durable: 'all',
    receive: (s, msg, _from, ctx) => {
      const { type: _, ...v } = msg;
      // Variant `hlc`: receiving moves the replica's HLC past the message's stamp.
      const after = variant === 'hlc' ? { ...s, hlc: hlcReceive(s.hlc!, hlcReading(v.stamp), ctx.now) } : s;
      return merge(after, v);
    },
    actions: {
      // A client reads the register at this replica and writes back its value plus one.
      increment: {
        when: (s) => s.writes < writes,
        run: (s, ctx) => {
          const read = s.holds;
          const seq = s.writes + 1;
          let hlc = s.hlc;
          let stamp: Stamp;
          if (variant === 'wall-clock') stamp = [ctx.now, ctx.self, seq];
          else if (variant === 'lamport') stamp = [(read?.stamp[0] ?? 0) + 1, ctx.self];
          else {
            hlc = hlcLocal(s.hlc!, ctx.now);
            stamp = [hlc[0], hlc[1], ctx.self];
          }
          const version: Version = {
            id: `${ctx.self}.${seq}`,
            value: (read?.value ?? 0) + 1,
            stamp,
            deps: read ? union(read.deps, [read.id]) : [],
          };
          ctx.broadcast({ type: 'Replicate', ...version });
          return merge({ ...s, writes: seq, ...(hlc ? { hlc } : {}) }, version);
        },
      },
    },
  });

  return protocol(
    { roles: { replica }, nodes: { replica: ids } },
    {
      // The run is over once every replica has taken its writes and read everything sent to it
      // (or is down for good, its messages never read). Stopping anywhere else is a deadlock.
      terminal: (w) => w.nodesOf('replica').every((id) => w.crashed(id) || (w.node(id).writes === writes && w.inFlight().every((e) => e.to !== id))),
      properties: [
        noCausallyLaterWriteLost((w) => ids.map((id) => ({ id, holds: held(w, id)?.id ?? null, superseded: w.node(id).superseded }))),
        convergesWhenQuiet('replica', (w, id) => held(w, id)?.id ?? null),
        // Stable once reached: each writer holds a version at least as high as its own writes, so
        // all holding one version means it is the highest of all, and nothing in flight beats it.
        eventually(
          'replicas-converge',
          (w) => w.role('replica').every((s) => s.writes === writes) && new Set(ids.map((id) => held(w, id)?.id)).size === 1,
          'the replicas stop holding different versions after every write was taken',
        ),
        sometimes(
          'a-write-reads-a-replicated-write',
          (w) =>
            ids.some((id) => {
              const h = held(w, id);
              return h !== null && h.deps.some((dep) => writer(dep) !== writer(h.id));
            }),
          'some replica holds an increment of a value written at another replica (a causal chain across replicas)',
        ),
        sometimes(
          'concurrent-writes-resolved',
          (w) => {
            if (w.inFlight().length > 0) return false;
            const h = held(w, ids[0]);
            const all = ids.flatMap((id) => Array.from({ length: w.node(id).writes }, (_, k) => `${id}.${k + 1}`));
            return h !== null && all.some((x) => x !== h.id && !h.deps.includes(x));
          },
          'replicas agree after last-write-wins discarded a write concurrent with the survivor',
        ),
      ],
    },
  );
}

/** The replica that issued a write (`r2` for `r2.1`). */
const writer = (id: string) => id.slice(0, id.indexOf('.'));

/** The version a replica holds. */
export const held = (w: LwwWorld, id: ReplicaId): Version | null => w.node(id).holds;


export const definition = defineProtocol({
  name: 'lww-register',
  description: 'A last-write-wins register replicated asynchronously: wall-clock stamps lose causally later writes; Lamport and hybrid logical clocks do not',
  params: {
    replicas: int({ default: 2, min: 2, max: 3, description: 'number of replicas' }),
    writes: int({ default: 1, min: 1, max: 2, description: 'read-modify-write increments each replica takes' }),
  },
  variants: {
    lamport: { expect: 'holds', system: 'skewed-clocks', description: 'Lamport timestamps: a write is stamped above everything its replica has seen' },
    hlc: { expect: 'holds', system: 'skewed-clocks', description: 'hybrid logical clocks (Kulkarni et al.): close to physical time, yet above everything seen' },
    'wall-clock': {
      expect: 'violated',
      system: 'skewed-clocks',
      description:
        'local wall-clock stamps: a write stamped no later than the write it read loses to it (skew s: up to 2s ticks later; skew 0: within one tick)',
    },
  },
  systems: {
    'skewed-clocks': {
      description: 'reordering network; clocks up to 1 tick off true time; time runs to 2',
      faults: { network: 'unordered', maxTime: 2, skew: 1 },
    },
    'synchronized-clocks': {
      description: 'reordering network; perfect clocks (still one reading per tick); time runs to 2',
      faults: { network: 'unordered', maxTime: 2 },
    },
  },
  build: ({ params, variant }) => lwwProtocol(params.replicas, params.writes, variant),
});
