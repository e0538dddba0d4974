/**
 * The adapter between the two-phase-commit model and cluster.ts: a function per step of the
 * model that drives a `Cluster`, and `observe`, which reads the cluster in the model's terms.
 * The coordinator's commit is its own doing — it commits as soon as the last vote is in — so it
 * is marked `'internal'`: never driven, and matched when the cluster has taken it.
 */
import type { Adapter, ConformanceStep, ProtocolObservation } from 'faultline/testing';
import { Cluster, type CoordinatorClass, type Decision } from './cluster.ts';

const TM_STATE: Record<Decision, string> = { pending: 'init', committed: 'committed', aborted: 'aborted' };

/** Drive a cluster as the model's steps say, and read it back in the model's terms. */
export function adapter(coordinator: CoordinatorClass): Adapter<Cluster, ProtocolObservation> {
  const deliver = (c: Cluster, step: ConformanceStep) => c.deliver(step.from!, step.to!, step.message!);
  return {
    create: ({ nodes }) => new Cluster(nodes.filter((id) => id !== 'tm'), coordinator),
    actions: {
      prepare: (c, step) => c.participant(step.node!).prepare(),
      chooseToAbort: (c, step) => c.participant(step.node!).abort(),
      // A prepared participant waiting out a coordinator that is down: nothing happens.
      awaitDecision: () => {},
      // The coordinator's timeout.
      abort: (c) => c.coordinator.timeout(),
      commit: 'internal',
    },
    messages: {
      Prepared: deliver,
      Commit: deliver,
      Abort: deliver,
    },
    faults: {
      drop: (c, step) => c.lose(step.from!, step.to!, step.message!),
      crash: (c, step) => c.crash(step.node!),
      recover: (c, step) => c.restart(step.node!),
    },
    observe: (c) => ({
      nodes: {
        tm: { state: TM_STATE[c.decision()], prepared: new Set(c.participantIds.filter((id) => !c.isDown('tm') && c.coordinator.hasVoted(id))) },
        ...Object.fromEntries(c.participantIds.map((id) => [id, { state: c.participantState(id) }])),
      },
      inFlight: c.network.inFlight().map((e) => ({ from: e.from, to: e.to, payload: e.message })),
      crashed: ['tm', ...c.participantIds].filter((id) => c.isDown(id)),
    }),
  };
}
