/**
 * Node status — up, crashed or paused — kept by the crash and the pause sources, and the steps
 * that change it (`crash tm`, `recover tm`, `pause rm1`, `resume rm1`).
 */
import type { StepInfo } from '../../model/model.ts';
import type { NodeId } from '../types.ts';
import { CRASHED, PAUSED } from '../world.ts';
import type { Field, StepOf } from './source.ts';

export type StatusKind = 'crash' | 'recover' | 'pause' | 'resume';

/** Which nodes are crashed and which paused: identifies a state, and is shown. */
export const STATUS: Field = {
  name: 'status',
  encode(w, h) {
    for (const x of w.status) h.int(x);
  },
  show(w, out) {
    out.crashed = w.ids.filter((_, i) => w.status[i] === CRASHED);
    out.paused = w.ids.filter((_, i) => w.status[i] === PAUSED);
  },
};

/** The steps of status changes: one shared value per kind and node, with their label and description. */
export function statusSteps<K extends StatusKind>(ids: readonly NodeId[], kinds: readonly K[]) {
  const made = Object.fromEntries(kinds.map((k) => [k, [] as StepOf<K>[]])) as Record<K, StepOf<K>[]>;
  return {
    step: (kind: K, node: number): StepOf<K> => (made[kind][node] ??= { kind, node } as StepOf<K>),
    label: (a: StepOf<StatusKind>): string => `${a.kind} ${ids[a.node]}`,
    info: (a: StepOf<StatusKind>): StepInfo => ({ kind: a.kind, node: ids[a.node] }),
  };
}
