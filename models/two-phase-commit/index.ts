/**
 * Two-phase commit, as Gray & Lamport's TwoPhase ("Consensus on Transaction Commit", 2004), on
 * the protocol layer: a transaction manager `tm` and resource managers `rm1…rmN`. Under the
 * default system model (`reliable`) messages live in a set that is never consumed, exactly as in
 * the TLA+ spec, and the model has its 6^n + 4^n + 2^n states.
 *
 * The decision of each node is durable (its log); the TM's record of prepared RMs is volatile.
 */
import type { Params } from '../../src/model/definition.ts';
import { always, sometimes } from '../../src/model/property.ts';
import { protocolDefinition } from '../../src/protocol/definition.ts';
import type { NodeState, Protocol } from '../../src/protocol/types.ts';
import type { World } from '../../src/protocol/world.ts';

export type RMState = 'working' | 'prepared' | 'committed' | 'aborted';
export type TMState = 'init' | 'committed' | 'aborted';
export type Msg = { readonly type: 'Prepared' } | { readonly type: 'Commit' } | { readonly type: 'Abort' };

type TM = NodeState<{ readonly state: TMState }, { readonly prepared: readonly boolean[] }>;
type RM = NodeState<{ readonly state: RMState }, null>;

export type Variant = 'default' | 'commit-on-some-prepared' | 'prepared-rm-aborts';

export const rmIds = (rms: number): string[] => Array.from({ length: rms }, (_, i) => `rm${i + 1}`);

/** The RM states of a global state, in rm order (node 0 is the TM). */
export const rmStates = (w: World): RMState[] => w.states.slice(1).map((s) => (s as RM).durable.state);

export function twoPhaseProtocol(rms: number, variant: Variant = 'default'): Protocol<Msg> {
  const ids = rmIds(rms);
  const rmIndex = new Map(ids.map((id, i) => [id, i]));
  const decided = (state: TMState): TM['durable'] => ({ state });
  const rmIn = (state: RMState): RM => ({ durable: { state }, volatile: null });
  const ready = (s: TM) =>
    variant === 'commit-on-some-prepared' ? s.volatile.prepared.some((p) => p) : s.volatile.prepared.every((p) => p);
  return {
    nodes: [{ id: 'tm', role: 'tm' }, ...ids.map((id) => ({ id, role: 'rm' }))],
    roles: {
      tm: {
        init: (): TM => ({ durable: decided('init'), volatile: { prepared: ids.map(() => false) } }),
        // TMRcvPrepared is enabled only while the TM has not decided.
        accepts: (s: TM) => s.durable.state === 'init',
        receive: (s: TM, msg, from): TM | void => {
          if (msg.type !== 'Prepared') return;
          const prepared = s.volatile.prepared.slice();
          prepared[rmIndex.get(from)!] = true;
          return { ...s, volatile: { prepared } };
        },
        actions: {
          commit: {
            when: (s: TM) => s.durable.state === 'init' && ready(s),
            run: (s: TM, ctx) => {
              ctx.broadcast({ type: 'Commit' }, ids);
              return { ...s, durable: decided('committed') };
            },
          },
          abort: {
            when: (s: TM) => s.durable.state === 'init',
            run: (s: TM, ctx) => {
              ctx.broadcast({ type: 'Abort' }, ids);
              return { ...s, durable: decided('aborted') };
            },
          },
        },
      },
      rm: {
        init: (): RM => rmIn('working'),
        receive: (_s: RM, msg): RM | void => {
          if (msg.type === 'Commit') return rmIn('committed');
          if (msg.type === 'Abort') return rmIn('aborted');
        },
        actions: {
          prepare: {
            when: (s: RM) => s.durable.state === 'working',
            run: (_s: RM, ctx) => {
              ctx.send('tm', { type: 'Prepared' });
              return rmIn('prepared');
            },
          },
          chooseToAbort: {
            when: (s: RM) => s.durable.state === 'working' || (variant === 'prepared-rm-aborts' && s.durable.state === 'prepared'),
            run: () => rmIn('aborted'),
          },
        },
      },
    },
    // Everyone has decided; any other state without an enabled step is a deadlock (e.g. a lost message).
    terminal: (w: World) => w.node<TM>('tm').durable.state !== 'init' && rmStates(w).every((x) => x === 'committed' || x === 'aborted'),
    properties: [
      always(
        'type-ok',
        (w: World) =>
          rmStates(w).every((x) => ['working', 'prepared', 'committed', 'aborted'].includes(x)) &&
          ['init', 'committed', 'aborted'].includes(w.node<TM>('tm').durable.state),
        'every variable holds a value of its type',
      ),
      always(
        'consistency',
        (w: World) => {
          const states = rmStates(w);
          return !(states.includes('committed') && states.includes('aborted'));
        },
        'no resource manager has committed while another has aborted',
      ),
      sometimes('commit-happens', (w: World) => rmStates(w).every((x) => x === 'committed'), 'every RM commits'),
      sometimes('abort-happens', (w: World) => rmStates(w).every((x) => x === 'aborted'), 'every RM aborts'),
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
  ],
  protocol: (params: Params, variant: string) => twoPhaseProtocol(params.rms as number, variant as Variant),
});
