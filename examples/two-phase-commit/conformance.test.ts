/**
 * Conformance: does the two-phase-commit implementation in cluster.ts behave like the model?
 * fast-check generates behaviours of the model under a lossy network in which any node may crash
 * once and restart — every prepare, vote, delivery, loss, crash and restart the system model
 * allows — runs each on a fresh `Cluster`, and compares the cluster with the model after every
 * step (the adapter is in adapter.ts).
 */
import { describe, expect, it } from 'vitest';
import { checkConformance, expectConforms, formatConformance } from 'faultline/testing';
import { definition } from '../../models/two-phase-commit/index.ts';
import { adapter } from './adapter.ts';
import { Coordinator, HastyCoordinator } from './cluster.ts';

/** The model's default variant, under its lossy system model with a crash and a restart allowed. */
const system = { system: 'lossy', faults: { crash: 1, recover: 1 } } as const;

describe('two-phase commit: the implementation against the model', () => {
  it('the coordinator that waits for every vote conforms', () => {
    const result = checkConformance(definition, { ...system, adapter: adapter(Coordinator), seed: 42, runs: 300 });
    expectConforms(result);
    expect(result.runs).toBe(300);
    // Not vacuous: every handler was taken, the coordinator's own commit among them.
    expect(result.untaken).toEqual([]);
  });

  it('the hasty coordinator fails, shrunk to: a participant prepares, its vote arrives, the coordinator commits', () => {
    const result = checkConformance(definition, { ...system, adapter: adapter(HastyCoordinator), seed: 42 });
    expect(result.ok).toBe(false);
    const f = result.failure!;
    // The shortest behaviour that shows the bug: with 3 participants, one vote is not all of them,
    // so the coordinator must not commit yet. One participant prepares (1 step) and its vote is
    // delivered (1 step); no single step can show it (none reaches the coordinator's decision).
    // The smallest choices pick the first participant.
    expect(f.trace.steps.slice(1).map((s) => s.action)).toEqual(['rm1: prepare', 'deliver Prepared rm1→tm']);
    expect(f.reason).toBe('diverged');
    expect(f.summary).toBe("the implementation is not in the model's state after step 2 (deliver Prepared rm1→tm)");
    expect(f.details).toContain('nodes.tm.state: model "init", implementation "committed"');
    expect(() => expectConforms(result)).toThrow(/^✗ the implementation is not in the model's state after step 2 \(deliver Prepared rm1→tm\)\n/);
  });

  it('the failure is the same for a seed, and its seed and path run that very behaviour again', () => {
    const again = checkConformance(definition, { ...system, adapter: adapter(HastyCoordinator), seed: 42 });
    const first = checkConformance(definition, { ...system, adapter: adapter(HastyCoordinator), seed: 42 });
    expect(formatConformance(again)).toBe(formatConformance(first));
    const f = first.failure!;
    const replayed = checkConformance(definition, { ...system, adapter: adapter(HastyCoordinator), seed: first.seed, path: f.path });
    expect(replayed.runs).toBe(1);
    expect(replayed.failure!.trace).toEqual(f.trace);
  });

  it('shrinks to the same two steps from other seeds', () => {
    for (const seed of [1, 7, 2024]) {
      const f = checkConformance(definition, { ...system, adapter: adapter(HastyCoordinator), seed }).failure!;
      expect(f.trace.steps.slice(1).map((s) => s.action)).toEqual(['rm1: prepare', 'deliver Prepared rm1→tm']);
    }
  });
});
