/**
 * What the properties say about the path up to the cursor. A finite prefix decides safety (an
 * invariant holds or not in this state, a step invariant on the last step, a deadlock here) and
 * `sometimes` (reached on the way or not yet), but not liveness — except where the behaviour is
 * complete: a state without enabled steps (the run stutters there forever) or the end of a lasso
 * loaded from a trace file. Whether the behaviour violates a property is asked of
 * `violates`, the very function `faultline replay` uses, so a path exported at a violation
 * replays as one.
 */
import { DEADLOCK } from '../explore/monitor.ts';
import type { Model } from '../model/model.ts';
import type { PropertyKind } from '../model/property.ts';
import { violates } from '../trace/violation.ts';
import type { Walk } from './walk.ts';

export type Status =
  /** Decided and fine at the cursor. */
  | 'holds'
  /** Decided and broken at the cursor: a trace file of the path up to here records it. */
  | 'violated'
  /** A `sometimes` property whose state was reached on the path. */
  | 'reached'
  /** A `sometimes` property not reached on the path so far. */
  | 'not-reached'
  /** Liveness on a prefix that can still go either way. */
  | 'open';

export interface Verdict {
  readonly name: string;
  readonly kind: PropertyKind;
  readonly description?: string;
  readonly status: Status;
  /** One sentence: why this status. */
  readonly why: string;
  /**
   * For safety: the first step of the path (up to the cursor) at which it was broken, for the
   * banner; for `sometimes`: the first step that reached it.
   */
  readonly step?: number;
}

/** The status of every property (and the deadlock check) at the cursor of `w`. */
export function verdicts<S, A>(model: Model<S, A>, w: Walk<S, A>): Verdict[] {
  const at = w.position.at;
  const states = w.states.slice(0, at + 1);
  const actions = w.actions.slice(0, at);
  const here = states[at];
  const enabled = model.actions(here).length;
  const lasso = w.position.loopStart !== null && at === w.position.actions.length ? w.position.loopStart : null;
  const behaviour = { states, actions, loopStart: lasso };
  const out: Verdict[] = [];

  for (const p of model.properties) {
    const base = { name: p.name, kind: p.kind, description: p.description };
    if (p.kind === 'sometimes') {
      const i = states.findIndex((s) => p.holds(s));
      out.push(
        i >= 0
          ? { ...base, status: 'reached', step: i, why: i === at ? 'reached in this state' : `reached at step ${i}` }
          : { ...base, status: 'not-reached', why: 'not reached on this path yet (Find can search for it)' },
      );
    } else if (p.kind === 'always') {
      const first = states.findIndex((s) => !p.holds(s));
      const now = !p.holds(here);
      out.push({
        ...base,
        status: now ? 'violated' : 'holds',
        ...(first >= 0 ? { step: first } : {}),
        why: now ? 'false in this state' : first >= 0 ? `true here, but false at step ${first}` : 'true in every state of the path',
      });
    } else if (p.kind === 'transition') {
      const broken = (i: number) => !p.holds(states[i - 1], actions[i - 1], states[i]);
      let first = -1;
      for (let i = 1; i <= at && first < 0; i++) if (broken(i)) first = i;
      const now = first >= 0 && broken(at);
      out.push({
        ...base,
        status: now ? 'violated' : 'holds',
        ...(first >= 0 ? { step: first } : {}),
        why: now ? 'the last step breaks it' : first >= 0 ? `broken by step ${first}` : at === 0 ? 'no step taken yet' : 'every step of the path keeps it',
      });
    } else if (lasso === null && enabled > 0) {
      const reached = p.kind === 'eventually' ? states.findIndex((s) => p.goal(s)) : -1;
      out.push(
        reached >= 0
          ? { ...base, status: 'holds', why: `the goal was reached at step ${reached}, so every continuation satisfies it` }
          : { ...base, status: 'open', why: 'not applicable to a prefix: only a complete behaviour (a loop, or a state with no step left) decides it' },
      );
    } else {
      const broken = violates(model, p, behaviour);
      const how = lasso !== null ? `this lasso (loop from step ${lasso})` : 'this run, which stops here';
      out.push({ ...base, status: broken ? 'violated' : 'holds', why: `${broken ? 'violated' : 'satisfied'} by ${how}` });
    }
  }

  if (model.checkDeadlock !== false) {
    const base = { name: DEADLOCK, kind: 'deadlock' as const, description: 'a state that is not a legal end state has no enabled step' };
    const stuck = lasso === null && violates(model, { kind: 'deadlock', name: DEADLOCK }, behaviour);
    out.push(
      stuck
        ? { ...base, status: 'violated', step: at, why: 'no step is enabled here and this is not a legal end state' }
        : { ...base, status: 'holds', why: enabled > 0 ? `${enabled} step${enabled === 1 ? '' : 's'} enabled` : 'a legal end state' },
    );
  }
  return out;
}
