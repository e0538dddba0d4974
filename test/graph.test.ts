import { DOMParser } from '@xmldom/xmldom';
import fc from 'fast-check';
import { MultiDirectedGraph } from 'graphology';
import gexf from 'graphology-gexf';
import { describe, expect, it } from 'vitest';
import { definition as twoPhaseCommit } from '../models/two-phase-commit/index.ts';
import { instantiate } from '../src/model/definition.ts';
import { InputError } from '../src/model/errors.ts';
import type { Model } from '../src/model/model.ts';
import { stateGraph, toDot, toGexf, toGraphml } from '../src/report/graph.ts';
import { faultline } from './support/cli.ts';
import { distances, graphArb, graphModel } from './support/graph.ts';

const tpcStates = (n: number) => 6 ** n + 4 ** n + 2 ** n;

describe('state graph', () => {
  it('on random transition systems: the reachable nodes, every edge, initial and violating states', () => {
    fc.assert(
      fc.property(graphArb, (g) => {
        const graph = stateGraph(graphModel(g, { deadlock: true }));
        const dist = distances(g);
        const reachable = dist.flatMap((d, s) => (d >= 0 ? [s] : []));
        expect(graph.order).toBe(reachable.length);
        expect(graph.size).toBe(reachable.reduce((sum, s) => sum + g.edges[s].length, 0));
        const states = (pick: (a: { initial: boolean; violates: string }) => boolean) =>
          graph
            .filterNodes((_id, a) => pick(a))
            .map((id) => Number(graph.getNodeAttribute(id, 'state')))
            .sort((a, b) => a - b);
        expect(states((a) => a.initial)).toEqual([...new Set(g.init)].sort((a, b) => a - b));
        expect(states((a) => a.violates.split(',').includes('good'))).toEqual(reachable.filter((s) => g.bad.has(s)));
        expect(states((a) => a.violates.split(',').includes('deadlock'))).toEqual(reachable.filter((s) => g.edges[s].length === 0));
        // Depth is the BFS distance.
        graph.forEachNode((_id, a) => expect(a.depth).toBe(dist[Number(a.state)]));
      }),
      { numRuns: 300 },
    );
  });

  it('two-phase-commit has 6^n + 4^n + 2^n states; only the buggy variant has inconsistent ones', () => {
    for (const n of [1, 2, 3]) {
      const graph = stateGraph(instantiate(twoPhaseCommit, { params: { rms: n }, variant: 'default' }));
      expect(graph.order).toBe(tpcStates(n));
      expect(graph.filterNodes((_id, a) => a.initial)).toHaveLength(1);
      expect(graph.filterNodes((_id, a) => a.violates !== '')).toHaveLength(0);
    }
    const buggy = stateGraph(instantiate(twoPhaseCommit, { params: { rms: 2 }, variant: 'commit-on-some-prepared' }));
    const inconsistent = buggy.filterNodes((_id, a) => {
      const shown = JSON.parse(a.state);
      const rm: string[] = ['rm1', 'rm2'].map((id) => shown[id].state);
      return rm.includes('committed') && rm.includes('aborted');
    });
    expect(inconsistent.length).toBeGreaterThan(0);
    expect(buggy.filterNodes((_id, a) => a.violates.includes('consistency')).sort()).toEqual(inconsistent.sort());
  });

  it('refuses, while exploring, a model with more states than the cap', () => {
    const unbounded: Model<number, string> = { init: () => [0], actions: () => ['inc'], next: (s) => s + 1, label: (a) => a, properties: [] };
    expect(() => stateGraph(unbounded, 100)).toThrow(InputError);
    expect(() => stateGraph(unbounded, 100)).toThrow('state graph has more than 100 states; raise --max-states');
    const tpc2 = instantiate(twoPhaseCommit, { params: { rms: 2 }, variant: 'default' });
    expect(stateGraph(tpc2, tpcStates(2)).order).toBe(tpcStates(2));
    expect(() => stateGraph(tpc2, tpcStates(2) - 1)).toThrow(InputError);
  });

  it('GraphML, GEXF and DOT carry every state and transition', () => {
    const graph = stateGraph(instantiate(twoPhaseCommit, { params: { rms: 2 }, variant: 'commit-on-some-prepared' }));
    const xml = new DOMParser().parseFromString(toGraphml(graph), 'application/xml');
    expect(xml.getElementsByTagName('node').length).toBe(graph.order);
    expect(xml.getElementsByTagName('edge').length).toBe(graph.size);
    const back = gexf.parse(MultiDirectedGraph, toGexf(graph));
    expect(back.order).toBe(graph.order);
    expect(back.size).toBe(graph.size);
    const dot = toDot(graph);
    expect(dot.match(/^ {2}"s\d+" \[/gm)).toHaveLength(graph.order);
    expect(dot.match(/ -> /g)).toHaveLength(graph.size);
    expect(dot.match(/fillcolor/g)).toHaveLength(graph.filterNodes((_id, a) => a.violates !== '').length);
  });
});

describe('faultline graph', { timeout: 60_000 }, () => {
  it('writes the graph of a shipped model', async () => {
    const r = await faultline('graph', 'two-phase-commit', '--param', 'rms=2', '--format', 'dot');
    expect(r.code).toBe(0);
    expect(r.stdout.match(/^ {2}"s\d+" \[/gm)).toHaveLength(tpcStates(2));
    expect(r.stderr).toContain(`${tpcStates(2)} states`);
  });

  it('exits 2 with one line above --max-states, and on an unknown format', async () => {
    for (const args of [
      ['graph', 'two-phase-commit', '--format', 'graphml', '--max-states', '10'],
      ['graph', 'two-phase-commit', '--format', 'svg'],
      ['graph', 'no-such-model', '--format', 'dot'],
    ]) {
      const r = await faultline(...args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect((await faultline('graph', 'two-phase-commit', '--format', 'dot', '--max-states', '10')).stderr).toMatch(/more than 10 states/);
  });
});
