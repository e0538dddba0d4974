/**
 * Two-phase commit, exactly as Gray & Lamport's TwoPhase ("Consensus on Transaction Commit",
 * 2004): a transaction manager and `rms` resource managers; messages live in a set that is never
 * consumed, so any message may be received any number of times, in any order.
 */
import type { ModelDefinition } from '../../src/model/definition.ts';
import type { Model } from '../../src/model/model.ts';
import { always, sometimes } from '../../src/model/property.ts';

export type RMState = 'working' | 'prepared' | 'committed' | 'aborted';
export type TMState = 'init' | 'committed' | 'aborted';

export interface TwoPhaseState {
  readonly rmState: readonly RMState[];
  readonly tmState: TMState;
  readonly tmPrepared: readonly boolean[];
  /** The message set: Prepared(rm) for each flagged rm, Commit, Abort. */
  readonly msgs: { readonly prepared: readonly boolean[]; readonly commit: boolean; readonly abort: boolean };
}

export type TwoPhaseAction =
  | { readonly type: 'TMRcvPrepared' | 'RMPrepare' | 'RMChooseToAbort' | 'RMRcvCommitMsg' | 'RMRcvAbortMsg'; readonly rm: number }
  | { readonly type: 'TMCommit' | 'TMAbort' };

export type Variant = 'default' | 'commit-on-some-prepared' | 'prepared-rm-aborts';

function set<T>(xs: readonly T[], i: number, v: T): readonly T[] {
  const copy = xs.slice();
  copy[i] = v;
  return copy;
}

export function twoPhase(rms: number, variant: Variant = 'default'): Model<TwoPhaseState, TwoPhaseAction> {
  const rmName = (i: number) => `rm${i + 1}`;
  return {
    init: () => [
      {
        rmState: Array<RMState>(rms).fill('working'),
        tmState: 'init',
        tmPrepared: Array<boolean>(rms).fill(false),
        msgs: { prepared: Array<boolean>(rms).fill(false), commit: false, abort: false },
      },
    ],
    actions(s) {
      const acts: TwoPhaseAction[] = [];
      if (s.tmState === 'init') {
        const commitReady =
          variant === 'commit-on-some-prepared' ? s.tmPrepared.some((p) => p) : s.tmPrepared.every((p) => p);
        if (commitReady) acts.push({ type: 'TMCommit' });
        acts.push({ type: 'TMAbort' });
      }
      for (let rm = 0; rm < rms; rm++) {
        if (s.tmState === 'init' && s.msgs.prepared[rm]) acts.push({ type: 'TMRcvPrepared', rm });
        const st = s.rmState[rm];
        if (st === 'working') acts.push({ type: 'RMPrepare', rm });
        if (st === 'working' || (variant === 'prepared-rm-aborts' && st === 'prepared')) {
          acts.push({ type: 'RMChooseToAbort', rm });
        }
        if (s.msgs.commit) acts.push({ type: 'RMRcvCommitMsg', rm });
        if (s.msgs.abort) acts.push({ type: 'RMRcvAbortMsg', rm });
      }
      return acts;
    },
    next(s, a) {
      switch (a.type) {
        case 'TMCommit':
          return { ...s, tmState: 'committed', msgs: { ...s.msgs, commit: true } };
        case 'TMAbort':
          return { ...s, tmState: 'aborted', msgs: { ...s.msgs, abort: true } };
        case 'TMRcvPrepared':
          return { ...s, tmPrepared: set(s.tmPrepared, a.rm, true) };
        case 'RMPrepare':
          return {
            ...s,
            rmState: set(s.rmState, a.rm, 'prepared'),
            msgs: { ...s.msgs, prepared: set(s.msgs.prepared, a.rm, true) },
          };
        case 'RMChooseToAbort':
          return { ...s, rmState: set(s.rmState, a.rm, 'aborted') };
        case 'RMRcvCommitMsg':
          return { ...s, rmState: set(s.rmState, a.rm, 'committed') };
        case 'RMRcvAbortMsg':
          return { ...s, rmState: set(s.rmState, a.rm, 'aborted') };
      }
    },
    label: (a) => ('rm' in a ? `${a.type}(${rmName(a.rm)})` : a.type),
    properties: [
      always(
        'type-ok',
        (s) =>
          s.rmState.length === rms &&
          s.rmState.every((x) => x === 'working' || x === 'prepared' || x === 'committed' || x === 'aborted') &&
          (s.tmState === 'init' || s.tmState === 'committed' || s.tmState === 'aborted'),
        'every variable holds a value of its type',
      ),
      always(
        'consistency',
        (s) => !(s.rmState.includes('committed') && s.rmState.includes('aborted')),
        'no resource manager has committed while another has aborted',
      ),
      sometimes('commit-happens', (s) => s.rmState.every((x) => x === 'committed'), 'every RM commits'),
      sometimes('abort-happens', (s) => s.rmState.every((x) => x === 'aborted'), 'every RM aborts'),
    ],
  };
}

export const definition: ModelDefinition = {
  name: 'two-phase-commit',
  description: "Gray & Lamport's TwoPhase commit: a transaction manager and resource managers agree to commit or abort",
  params: [{ name: 'rms', default: 3, min: 1, max: 12, description: 'number of resource managers' }],
  variants: [
    { name: 'default', expect: 'holds', description: 'TwoPhase as specified: consistency holds' },
    {
      name: 'commit-on-some-prepared',
      expect: 'violated',
      description: 'the TM commits once some (not all) RMs are prepared',
    },
    {
      name: 'prepared-rm-aborts',
      expect: 'violated',
      description: 'a prepared RM may still abort on its own',
    },
  ],
  build: ({ params, variant }) => twoPhase(params.rms as number, variant as Variant),
};
