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
import { always, defineProtocol, eventually, int, protocol, role, sometimes, type Context, type Fairness, type Role, type WorldOf } from 'faultline';
import { atomicity } from 'faultline/invariants';

export type RMState = 'working' | 'prepared' | 'committed' | 'aborted';
export type TMState = 'init' | 'committed' | 'aborted';
export type Msg =
  | { readonly type: 'Prepared' }
  | { readonly type: 'Commit' }
  | { readonly type: 'Abort' }
  | { readonly type: 'Inquire' };

/**
 * The TM: its decision (on disk) and which RMs it has heard are prepared (in memory) — by id, as
 * TLA+'s `tmPrepared ⊆ RM`, so that renaming the interchangeable RMs renames it too.
 */
export interface TM {
  readonly state: TMState;
  readonly prepared: ReadonlySet<RmId>;
  /**
   * Presumed-commit variants only: the TM's collecting record — it knows the transaction and its
   * RMs — on disk when forced, else only in its log buffer (memory).
   */
  readonly collecting?: boolean;
}
/** An RM: its state, on disk (its log). */
export interface RM {
  readonly state: RMState;
}

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

/** A resource manager's node id. */
export type RmId = `rm${number}`;

export const rmIds = (rms: number): RmId[] => Array.from({ length: rms }, (_, i) => `rm${i + 1}` as const);

export function twoPhaseProtocol(rms: number, variant: Variant = 'default') {
  const ids = rmIds(rms);
  const NONE_PREPARED: ReadonlySet<RmId> = new Set();
  // One shared value per RM state: a re-delivered Commit returns the very state the RM is in, so
  // the explorer recognises the step as changing nothing without hashing it.
  const RM_IN: Record<RMState, RM> = {
    working: { state: 'working' },
    prepared: { state: 'prepared' },
    committed: { state: 'committed' },
    aborted: { state: 'aborted' },
  };
  const rmIn = (state: RMState): RM => RM_IN[state];
  const ready = (s: TM) => (variant === 'commit-on-some-prepared' ? s.prepared.size > 0 : s.prepared.size === ids.length);
  const presumed = variant === 'presumed-commit' || variant === 'presumed-commit-no-force';
  const forced = variant === 'presumed-commit';
  /** The timer a prepared RM arms, if the variant has one. */
  const rmTimer = variant === 'timeout-abort' ? DECISION_TIMEOUT : presumed ? INQUIRY_TIMEOUT : undefined;
  /** Whether the TM has any record of the transaction (without one, it can only presume). */
  const knows = (s: TM) => s.state !== 'init' || s.collecting === true;
  /** The TM's answer to an inquiry: its decision, the presumption when it has no record, none while collecting votes. */
  const answer = (s: TM): 'Commit' | 'Abort' | null =>
    s.state === 'committed' ? 'Commit' : s.state === 'aborted' ? 'Abort' : knows(s) ? null : 'Commit';
  /** The TM decides: it forces the decision record and tells every RM. */
  const decide = (s: TM, ctx: Context<Msg>, state: 'committed' | 'aborted'): TM => {
    ctx.broadcast({ type: state === 'committed' ? 'Commit' : 'Abort' }, ids);
    return { ...s, state };
  };
  const tm = role<TM, Msg>({
    init: () => (presumed ? { state: 'init', prepared: NONE_PREPARED, collecting: false } : { state: 'init', prepared: NONE_PREPARED }),
    // The decision is on disk; so is the collecting record, when forced.
    durable: forced ? ['state', 'collecting'] : ['state'],
    // Presumed commit: the transaction begins with the collecting record, forced to disk or only buffered.
    ...(presumed
      ? {
          start: (s: TM): TM => ({ ...s, collecting: true }),
          // Restart recovery: a collecting record without a decision means the vote was never
          // decided, so the TM aborts. Without a record there is nothing to recover.
          recover: (s: TM, ctx: Context<Msg>): TM | void => (s.state === 'init' && s.collecting ? decide(s, ctx, 'aborted') : undefined),
        }
      : {}),
    // TMRcvPrepared is enabled only while the TM has not decided (and, presuming, knows the
    // transaction); an inquiry once the TM has an answer.
    accepts: (s, msg) => (msg.type === 'Inquire' ? answer(s) !== null : s.state === 'init' && (!presumed || knows(s))),
    receive: (s, msg, from, ctx) => {
      if (msg.type === 'Inquire') {
        ctx.send(from, { type: answer(s)! });
        return;
      }
      if (msg.type !== 'Prepared' || s.prepared.has(from as RmId)) return;
      // Kept in id order, so that equal records read alike in traces (a Set's identity ignores order).
      return { ...s, prepared: new Set([...s.prepared, from as RmId].sort()) };
    },
    actions: {
      commit: {
        when: (s) => s.state === 'init' && ready(s) && (!presumed || knows(s)),
        run: (s, ctx) => decide(s, ctx, 'committed'),
      },
      abort: {
        when: (s) => s.state === 'init' && (!presumed || knows(s)),
        run: (s, ctx) => decide(s, ctx, 'aborted'),
      },
      // Presumed commit: a committed transaction needs no record (no RM acknowledges a commit), so
      // the TM drops it: its log is as before the transaction began (state init, no collecting
      // record), and an inquiry about it is answered by the presumption.
      ...(presumed
        ? {
            forget: {
              when: (s: TM) => s.state === 'committed',
              run: (s: TM): TM => ({ ...s, state: 'init', collecting: false }),
            },
          }
        : {}),
    },
  });
  const rm = role<RM, Msg>({
    init: () => rmIn('working'),
    durable: 'all',
    receive: (_s, msg, _from, ctx) => {
      if (msg.type !== 'Commit' && msg.type !== 'Abort') return;
      if (rmTimer) ctx.cancelTimer(rmTimer);
      return rmIn(msg.type === 'Commit' ? 'committed' : 'aborted');
    },
    ...(rmTimer
      ? {
          // A prepared RM is in doubt until the decision arrives: its timer runs (again, after a restart).
          recover: (s: RM, ctx: Context<Msg>) => {
            if (s.state === 'prepared') ctx.setTimer(rmTimer);
          },
          timer: (s: RM, _name: string, ctx: Context<Msg>): RM | void => {
            if (s.state !== 'prepared') return;
            if (variant === 'timeout-abort') return rmIn('aborted');
            ctx.send('tm', { type: 'Inquire' });
          },
        }
      : {}),
    actions: {
      prepare: {
        when: (s) => s.state === 'working',
        run: (_s, ctx) => {
          ctx.send('tm', { type: 'Prepared' });
          if (rmTimer) ctx.setTimer(rmTimer);
          return rmIn('prepared');
        },
      },
      chooseToAbort: {
        when: (s) => s.state === 'working' || (variant === 'prepared-rm-aborts' && s.state === 'prepared'),
        run: () => rmIn('aborted'),
      },
      // In doubt with the TM down (see `assume`): nothing to do but wait.
      [AWAIT_DECISION]: {
        when: (s) => s.state === 'prepared',
        run: () => undefined,
      },
    },
  });
  return protocol(
    { roles: { tm, rm }, nodes: { tm: ['tm'], rm: ids } },
    {
      // The RMs are interchangeable: the TM records them by id, and nothing treats one differently.
      symmetric: ['rm'],
      // The RM's wait is its timeout firing, which the model lets happen only when the TM is really
      // down: a perfect failure detector.
      assume: (w, step) => step.name !== AWAIT_DECISION || w.crashed('tm'),
      // Every RM has decided, and the TM has too (or, presuming, has forgotten; or is down for good
      // after the RMs all aborted on their own). Any other state without an enabled step is a
      // deadlock (e.g. a decision lost on the way, which nobody retransmits).
      terminal: (w) => (w.node('tm').state !== 'init' || w.crashed('tm') || (presumed && !knows(w.node('tm')))) && rmStates(w).every(decided),
      fairness: FAIRNESS,
      properties: [
        always(
          'type-ok',
          (w) =>
            rmStates(w).every((x) => ['working', 'prepared', 'committed', 'aborted'].includes(x)) &&
            ['init', 'committed', 'aborted'].includes(w.node('tm').state),
          'every variable holds a value of its type',
        ),
        atomicity('consistency', rmStates, 'no resource manager has committed while another has aborted'),
        eventually('every-participant-decides', (w) => rmStates(w).every(decided), 'every resource manager eventually commits or aborts'),
        sometimes('commit-happens', (w) => rmStates(w).every((x) => x === 'committed'), 'every RM commits'),
        sometimes('abort-happens', (w) => rmStates(w).every((x) => x === 'aborted'), 'every RM aborts'),
        presumed &&
          sometimes(
            'presumption-answers',
            (w) => !w.crashed('tm') && !knows(w.node('tm')) && w.inFlight().some((e) => e.payload.type === 'Inquire'),
            'an in-doubt RM asks a TM that has no record of the transaction, which answers with the presumption',
          ),
      ],
    },
  );
}

/** The global state of two-phase commit, as its properties read it. */
export type TwoPhaseWorld = WorldOf<{ readonly tm: Role<TM, Msg>; readonly rm: Role<RM, Msg> }, { readonly tm: readonly ['tm']; readonly rm: RmId[] }>;

/** The RM states of a global state, in rm order. */
export const rmStates = (w: TwoPhaseWorld): RMState[] => w.role('rm').map((s) => s.state);

export const definition = defineProtocol({
  name: 'two-phase-commit',
  description: "Gray & Lamport's TwoPhase commit: a transaction manager and resource managers agree to commit or abort",
  // Up to 29 RMs (a protocol has at most 30 nodes); past 9 only --symmetry is practical.
  params: { rms: int({ default: 3, min: 1, max: 29, description: 'number of resource managers (past 9, practical only with --symmetry)' }) },
  variants: {
    default: { expect: 'holds', description: 'TwoPhase as specified: consistency holds' },
    'commit-on-some-prepared': { expect: 'violated', description: 'the TM commits once some (not all) RMs are prepared' },
    'prepared-rm-aborts': { expect: 'violated', description: 'a prepared RM may still abort on its own' },
    'timeout-abort': {
      expect: 'violated',
      description: 'a prepared RM whose decision does not come in time aborts; but a timeout cannot tell a slow TM from a lost message',
      system: 'reliable',
    },
    'presumed-commit': {
      expect: 'holds',
      description: 'presumed commit with the collecting record forced before the RMs prepare: a recovered TM aborts, and presumes only what it forgot',
      system: 'coordinator-recovery',
    },
    'presumed-commit-no-force': {
      expect: 'violated',
      description: 'presumed commit without forcing the collecting record: after a crash the TM presumes commit for a transaction an RM aborted',
      system: 'coordinator-recovery',
    },
  },
  systems: {
    reliable: { description: 'TwoPhase as in TLA+: messages in a set, never lost or consumed', faults: { network: 'set' } },
    'crash-stop': { description: 'any node may crash once and never return', faults: { network: 'set', crash: 1 } },
    'crash-recovery': { description: 'any node may crash once and recover with its durable state', faults: { network: 'set', crash: 1, recover: 1 } },
    lossy: { description: 'a consumed-on-delivery network that may lose one message', faults: { network: 'unordered', drop: 1 } },
    'coordinator-crash': { description: 'the TM may crash once and never return', faults: { network: 'set', crash: 1, crashNodes: ['tm'] } },
    'coordinator-recovery': {
      description: 'the TM may crash once and recover with its durable state (its log)',
      faults: { network: 'set', crash: 1, recover: 1, crashNodes: ['tm'] },
    },
  },
  build: ({ params, variant }) => twoPhaseProtocol(params.rms, variant),
});
