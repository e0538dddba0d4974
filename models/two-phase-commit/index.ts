/**
 * Two-phase commit, as Gray & Lamport's TwoPhase ("Consensus on Transaction Commit", 2004), on
 * the protocol layer: a transaction manager `tm` and resource managers `rm1…rmN`. Under the
 * default system model (`reliable`) messages live in a set that is never consumed, exactly as in
 * the TLA+ spec, and the model has its 6^n + 4^n + 2^n states.
 *
 * The decision of each node is durable (its log); the TM's record of prepared RMs is volatile.
 *
 * Fault variants add only what they use: a prepared RM's timeout (`timeout-abort`), and presumed
 * commit (Mohan & Lindsay, "Efficient Commit Protocols for the Tree of Processes Model of
 * Distributed Transactions", 1983): the TM writes a collecting record before the RMs are asked to
 * prepare, forgets a transaction once it has committed, and answers an in-doubt RM's inquiry from
 * its log — or, with no record, with the presumption "committed". The record must be forced to
 * disk: a TM that loses it in a crash presumes commit for a transaction it never decided.
 */
import type { Params } from '../../src/model/definition.ts';
import type { Fairness, StepInfo } from '../../src/model/model.ts';
import { always, eventually, sometimes } from '../../src/model/property.ts';
import { protocolDefinition } from '../../src/protocol/definition.ts';
import type { Context, NodeState, Protocol } from '../../src/protocol/types.ts';
import type { World } from '../../src/protocol/world.ts';
import { atomicity } from '../../invariants/atomicity.ts';

export type RMState = 'working' | 'prepared' | 'committed' | 'aborted';
export type TMState = 'init' | 'committed' | 'aborted';
export type Msg =
  | { readonly type: 'Prepared' }
  | { readonly type: 'Commit' }
  | { readonly type: 'Abort' }
  | { readonly type: 'Inquire' };

/**
 * `collecting` (presumed-commit variants only): the TM's collecting record — it knows the
 * transaction and its RMs — on disk when forced, else only in its log buffer (memory).
 */
type TM = NodeState<
  { readonly state: TMState; readonly collecting?: boolean },
  { readonly prepared: readonly boolean[]; readonly collecting?: boolean }
>;
type RM = NodeState<{ readonly state: RMState }, null>;

export type Variant =
  | 'default'
  | 'commit-on-some-prepared'
  | 'prepared-rm-aborts'
  | 'timeout-abort'
  | 'presumed-commit'
  | 'presumed-commit-no-force';

/** A prepared RM's timer in `timeout-abort`: when it fires before the decision arrives, the RM aborts. */
export const DECISION_TIMEOUT = 'decisionTimeout';
/** A prepared RM's timer in the presumed-commit variants: when it fires, the in-doubt RM asks the TM for the outcome. */
export const INQUIRY_TIMEOUT = 'inquiryTimeout';
/** A prepared RM's step while the TM is down: it times out, cannot decide alone, and waits again. */
export const AWAIT_DECISION = 'awaitDecision';

/**
 * Fairness for liveness: every delivery and every local action and timer is weakly fair, each its
 * own class; a crashed node that may recover eventually does (crash-recovery systems only: under
 * crash-stop there is no recover step).
 */
export const FAIRNESS: readonly Fairness[] = [
  { strength: 'weak', kind: ['deliver', 'local', 'timer'] },
  { strength: 'weak', kind: 'recover' },
];

const decided = (x: RMState) => x === 'committed' || x === 'aborted';

export const rmIds = (rms: number): string[] => Array.from({ length: rms }, (_, i) => `rm${i + 1}`);

/** The RM states of a global state, in rm order (node 0 is the TM). */
export const rmStates = (w: World): RMState[] => w.states.slice(1).map((s) => (s as RM).durable.state);

export function twoPhaseProtocol(rms: number, variant: Variant = 'default'): Protocol<Msg> {
  const ids = rmIds(rms);
  const rmIndex = new Map(ids.map((id, i) => [id, i]));
  // One shared value per RM state: a re-delivered Commit returns the very state the RM is in, so
  // the explorer recognises the step as changing nothing without hashing it.
  const RM_IN: Record<RMState, RM> = {
    working: { durable: { state: 'working' }, volatile: null },
    prepared: { durable: { state: 'prepared' }, volatile: null },
    committed: { durable: { state: 'committed' }, volatile: null },
    aborted: { durable: { state: 'aborted' }, volatile: null },
  };
  const rmIn = (state: RMState): RM => RM_IN[state];
  const ready = (s: TM) =>
    variant === 'commit-on-some-prepared' ? s.volatile.prepared.some((p) => p) : s.volatile.prepared.every((p) => p);
  const presumed = variant === 'presumed-commit' || variant === 'presumed-commit-no-force';
  const forced = variant === 'presumed-commit';
  /** The timer a prepared RM arms, if the variant has one. */
  const rmTimer = variant === 'timeout-abort' ? DECISION_TIMEOUT : presumed ? INQUIRY_TIMEOUT : undefined;
  /** Whether the TM has any record of the transaction (without one, it can only presume). */
  const knows = (s: TM) =>
    s.durable.state !== 'init' || s.durable.collecting === true || (s.volatile !== null && s.volatile.collecting === true);
  /** The TM's answer to an inquiry: its decision, the presumption when it has no record, none while collecting votes. */
  const answer = (s: TM): 'Commit' | 'Abort' | null =>
    s.durable.state === 'committed' ? 'Commit' : s.durable.state === 'aborted' ? 'Abort' : knows(s) ? null : 'Commit';
  /** The TM decides: it forces the decision record and tells every RM. */
  const decide = (s: TM, ctx: Context<Msg>, state: 'committed' | 'aborted'): TM => {
    ctx.broadcast({ type: state === 'committed' ? 'Commit' : 'Abort' }, ids);
    return { ...s, durable: { ...s.durable, state } };
  };
  return {
    nodes: [{ id: 'tm', role: 'tm' }, ...ids.map((id) => ({ id, role: 'rm' }))],
    roles: {
      tm: {
        init: (): TM =>
          presumed
            ? { durable: { state: 'init', collecting: false }, volatile: { prepared: ids.map(() => false), collecting: false } }
            : { durable: { state: 'init' }, volatile: { prepared: ids.map(() => false) } },
        // Presumed commit: the transaction begins with the collecting record, forced to disk or only buffered.
        ...(presumed
          ? {
              start: (s: TM): TM =>
                forced ? { ...s, durable: { ...s.durable, collecting: true } } : { ...s, volatile: { ...s.volatile, collecting: true } },
              // Restart recovery: a collecting record without a decision means the vote was never
              // decided, so the TM aborts. Without a record there is nothing to recover.
              recover: (s: TM, ctx): TM | void => (s.durable.state === 'init' && s.durable.collecting ? decide(s, ctx, 'aborted') : undefined),
            }
          : {}),
        // TMRcvPrepared is enabled only while the TM has not decided (and, presuming, knows the
        // transaction); an inquiry once the TM has an answer.
        accepts: (s: TM, msg) =>
          msg.type === 'Inquire' ? answer(s) !== null : s.durable.state === 'init' && (!presumed || knows(s)),
        receive: (s: TM, msg, from, ctx): TM | void => {
          if (msg.type === 'Inquire') {
            ctx.send(from, { type: answer(s)! });
            return;
          }
          if (msg.type !== 'Prepared') return;
          const prepared = s.volatile.prepared.slice();
          prepared[rmIndex.get(from)!] = true;
          return { ...s, volatile: { ...s.volatile, prepared } };
        },
        actions: {
          commit: {
            when: (s: TM) => s.durable.state === 'init' && ready(s) && (!presumed || knows(s)),
            run: (s: TM, ctx) => decide(s, ctx, 'committed'),
          },
          abort: {
            when: (s: TM) => s.durable.state === 'init' && (!presumed || knows(s)),
            run: (s: TM, ctx) => decide(s, ctx, 'aborted'),
          },
          // Presumed commit: a committed transaction needs no record (no RM acknowledges a commit), so
          // the TM drops it: its log is as before the transaction began (state init, no collecting
          // record), and an inquiry about it is answered by the presumption.
          ...(presumed
            ? {
                forget: {
                  when: (s: TM) => s.durable.state === 'committed',
                  run: (s: TM): TM => ({ durable: { state: 'init', collecting: false }, volatile: { ...s.volatile, collecting: false } }),
                },
              }
            : {}),
        },
      },
      rm: {
        init: (): RM => rmIn('working'),
        receive: (_s: RM, msg, _from, ctx): RM | void => {
          if (msg.type !== 'Commit' && msg.type !== 'Abort') return;
          if (rmTimer) ctx.cancelTimer(rmTimer);
          return rmIn(msg.type === 'Commit' ? 'committed' : 'aborted');
        },
        ...(rmTimer
          ? {
              // A prepared RM is in doubt until the decision arrives: its timer runs (again, after a restart).
              recover: (s: RM, ctx) => {
                if (s.durable.state === 'prepared') ctx.setTimer(rmTimer);
              },
              timer: (s: RM, _name, ctx): RM | void => {
                if (s.durable.state !== 'prepared') return;
                if (variant === 'timeout-abort') return rmIn('aborted');
                ctx.send('tm', { type: 'Inquire' });
              },
            }
          : {}),
        actions: {
          prepare: {
            when: (s: RM) => s.durable.state === 'working',
            run: (_s: RM, ctx) => {
              ctx.send('tm', { type: 'Prepared' });
              if (rmTimer) ctx.setTimer(rmTimer);
              return rmIn('prepared');
            },
          },
          chooseToAbort: {
            when: (s: RM) => s.durable.state === 'working' || (variant === 'prepared-rm-aborts' && s.durable.state === 'prepared'),
            run: () => rmIn('aborted'),
          },
          // In doubt with the TM down (see `assume`): nothing to do but wait.
          [AWAIT_DECISION]: {
            when: (s: RM) => s.durable.state === 'prepared',
            run: () => undefined,
          },
        },
      },
    },
    // The RM's wait is its timeout firing, which the model lets happen only when the TM is really
    // down: a perfect failure detector.
    assume: (w: World, step: StepInfo) => step.name !== AWAIT_DECISION || w.crashed('tm'),
    // Every RM has decided, and the TM has too (or, presuming, has forgotten; or is down for good
    // after the RMs all aborted on their own). Any other state without an enabled step is a
    // deadlock (e.g. a decision lost on the way, which nobody retransmits).
    terminal: (w: World) =>
      (w.node<TM>('tm').durable.state !== 'init' || w.crashed('tm') || (presumed && !knows(w.node<TM>('tm')))) &&
      rmStates(w).every(decided),
    fairness: FAIRNESS,
    properties: [
      always(
        'type-ok',
        (w: World) =>
          rmStates(w).every((x) => ['working', 'prepared', 'committed', 'aborted'].includes(x)) &&
          ['init', 'committed', 'aborted'].includes(w.node<TM>('tm').durable.state),
        'every variable holds a value of its type',
      ),
      atomicity('consistency', rmStates, 'no resource manager has committed while another has aborted'),
      eventually('every-participant-decides', (w: World) => rmStates(w).every(decided), 'every resource manager eventually commits or aborts'),
      sometimes('commit-happens', (w: World) => rmStates(w).every((x) => x === 'committed'), 'every RM commits'),
      sometimes('abort-happens', (w: World) => rmStates(w).every((x) => x === 'aborted'), 'every RM aborts'),
      ...(presumed
        ? [
            sometimes(
              'presumption-answers',
              (w: World) => !w.crashed('tm') && !knows(w.node<TM>('tm')) && w.inFlight().some((e) => e.payload.type === 'Inquire'),
              'an in-doubt RM asks a TM that has no record of the transaction, which answers with the presumption',
            ),
          ]
        : []),
    ],
  };
}

export const definition = protocolDefinition<Msg>({
  name: 'two-phase-commit',
  description: "Gray & Lamport's TwoPhase commit: a transaction manager and resource managers agree to commit or abort",
  params: [{ name: 'rms', default: 3, min: 1, max: 12, description: 'number of resource managers' }],
  variants: [
    { name: 'default', expect: 'holds', description: 'TwoPhase as specified: consistency holds' },
    { name: 'commit-on-some-prepared', expect: 'violated', description: 'the TM commits once some (not all) RMs are prepared' },
    { name: 'prepared-rm-aborts', expect: 'violated', description: 'a prepared RM may still abort on its own' },
    {
      name: 'timeout-abort',
      expect: 'violated',
      description: 'a prepared RM whose decision does not come in time aborts; but a timeout cannot tell a slow TM from a lost message',
      system: 'reliable',
    },
    {
      name: 'presumed-commit',
      expect: 'holds',
      description: 'presumed commit with the collecting record forced before the RMs prepare: a recovered TM aborts, and presumes only what it forgot',
      system: 'coordinator-recovery',
    },
    {
      name: 'presumed-commit-no-force',
      expect: 'violated',
      description: 'presumed commit without forcing the collecting record: after a crash the TM presumes commit for a transaction an RM aborted',
      system: 'coordinator-recovery',
    },
  ],
  systems: [
    { name: 'reliable', description: 'TwoPhase as in TLA+: messages in a set, never lost or consumed', faults: { network: 'set' } },
    { name: 'crash-stop', description: 'any node may crash once and never return', faults: { network: 'set', crash: 1 } },
    {
      name: 'crash-recovery',
      description: 'any node may crash once and recover with its durable state',
      faults: { network: 'set', crash: 1, recover: 1 },
    },
    { name: 'lossy', description: 'a consumed-on-delivery network that may lose one message', faults: { network: 'unordered', drop: 1 } },
    { name: 'coordinator-crash', description: 'the TM may crash once and never return', faults: { network: 'set', crash: 1, crashNodes: ['tm'] } },
    {
      name: 'coordinator-recovery',
      description: 'the TM may crash once and recover with its durable state (its log)',
      faults: { network: 'set', crash: 1, recover: 1, crashNodes: ['tm'] },
    },
  ],
  protocol: (params: Params, variant: string) => twoPhaseProtocol(params.rms as number, variant as Variant),
});
