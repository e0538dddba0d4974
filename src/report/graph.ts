/**
 * State-graph export: every reachable state and every transition as a graphology graph, written
 * as GraphML, GEXF (graphology-gexf) or Graphviz DOT, to study a small model's whole behaviour in
 * a graph tool. Initial states and states that break an invariant (or deadlock) are marked; edges
 * carry the action labels. Unlike the explorer this keeps every state and edge in memory, so it
 * refuses, while exploring, a model with more states than the cap.
 */
import gexf from 'graphology-gexf';
import { MultiDirectedGraph } from 'graphology';
import { InputError } from '../model/errors.ts';
import { guarded } from '../model/guard.ts';
import { identity, stepInfo, type Model, type StepKind } from '../model/model.ts';
import { asStored } from '../state/json.ts';
import { escapeControls as t, escapeHtml } from './escape.ts';

/** The default cap on exported states. */
export const DEFAULT_GRAPH_STATES = 10_000;

export interface StateAttributes {
  /** `s0`, `s1`, … in breadth-first order. */
  readonly label: string;
  /** The state as the model shows it, as compact JSON. */
  readonly state: string;
  readonly depth: number;
  readonly initial: boolean;
  /** Names of the invariants it breaks, and `deadlock` when stuck, comma-separated ('' if none). */
  readonly violates: string;
  /** Outside the model's constraint (`within`): reached, not expanded. */
  readonly boundary: boolean;
}

export interface TransitionAttributes {
  readonly label: string;
  readonly kind: StepKind;
}

export type StateGraph = MultiDirectedGraph<StateAttributes, TransitionAttributes>;

export const GRAPH_FORMATS = ['graphml', 'gexf', 'dot'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

/**
 * The reachable state graph of `model`, breadth-first. Throws an `InputError` as soon as a state
 * beyond `maxStates` is found.
 */
export function stateGraph<S, A>(raw: Model<S, A>, maxStates = DEFAULT_GRAPH_STATES): StateGraph {
  const model = guarded(raw);
  const graph: StateGraph = new MultiDirectedGraph();
  const ids = new Map<string, string>();
  const invariants = model.properties.filter((p) => p.kind === 'always');
  const queue: S[] = [];
  const fingerprintOf = identity(model);
  const buf = new Int32Array(2);
  const idOf = (s: S, depth: number, initial: boolean): string => {
    fingerprintOf(s, buf);
    const fp = `${buf[0]}:${buf[1]}`;
    const known = ids.get(fp);
    if (known !== undefined) {
      if (initial) graph.setNodeAttribute(known, 'initial', true);
      return known;
    }
    if (ids.size >= maxStates) {
      throw new InputError(`state graph has more than ${maxStates} states; raise --max-states (every state and edge is kept in memory) or shrink the model's params`);
    }
    const id = `s${ids.size}`;
    ids.set(fp, id);
    const violates = invariants.filter((p) => !p.holds(s)).map((p) => p.name);
    const boundary = model.within ? !model.within(s) : false;
    if (!boundary && model.checkDeadlock !== false && model.actions(s).length === 0 && !model.terminal?.(s)) violates.push('deadlock');
    graph.addNode(id, {
      label: id,
      state: JSON.stringify(asStored(model.show ? model.show(s) : s)),
      depth,
      initial,
      violates: violates.join(','),
      boundary,
    });
    queue.push(s);
    return id;
  };

  for (const s of model.init()) idOf(s, 0, true);
  let edges = 0;
  for (let k = 0; k < queue.length; k++) {
    const s = queue[k];
    const id = `s${k}`;
    if (graph.getNodeAttribute(id, 'boundary')) continue;
    const depth = graph.getNodeAttribute(id, 'depth');
    for (const a of model.actions(s)) {
      const target = idOf(model.next(s, a), depth + 1, false);
      graph.addEdgeWithKey(`e${edges++}`, id, target, { label: model.label(a), kind: stepInfo(model, a).kind });
    }
  }
  return graph;
}

/** The graph in `format`. */
export function writeGraph(graph: StateGraph, format: GraphFormat): string {
  switch (format) {
    case 'graphml':
      return toGraphml(graph);
    case 'gexf':
      return toGexf(graph);
    case 'dot':
      return toDot(graph);
  }
}

/** GraphML with typed keys for every node and edge attribute; control characters are escaped (XML forbids them). */
export function toGraphml(graph: StateGraph): string {
  const x = escapeHtml;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    '  <key id="label" for="node" attr.name="label" attr.type="string"/>',
    '  <key id="state" for="node" attr.name="state" attr.type="string"/>',
    '  <key id="depth" for="node" attr.name="depth" attr.type="int"/>',
    '  <key id="initial" for="node" attr.name="initial" attr.type="boolean"><default>false</default></key>',
    '  <key id="violates" for="node" attr.name="violates" attr.type="string"><default></default></key>',
    '  <key id="boundary" for="node" attr.name="boundary" attr.type="boolean"><default>false</default></key>',
    '  <key id="action" for="edge" attr.name="label" attr.type="string"/>',
    '  <key id="kind" for="edge" attr.name="kind" attr.type="string"/>',
    '  <graph id="states" edgedefault="directed">',
  ];
  graph.forEachNode((id, a) => {
    lines.push(
      `    <node id="${x(id)}"><data key="label">${x(a.label)}</data><data key="state">${x(a.state)}</data><data key="depth">${a.depth}</data>` +
        `${a.initial ? '<data key="initial">true</data>' : ''}${a.violates ? `<data key="violates">${x(a.violates)}</data>` : ''}` +
        `${a.boundary ? '<data key="boundary">true</data>' : ''}</node>`,
    );
  });
  graph.forEachEdge((id, a, source, target) => {
    lines.push(`    <edge id="${x(id)}" source="${x(source)}" target="${x(target)}"><data key="action">${x(a.label)}</data><data key="kind">${x(a.kind)}</data></edge>`);
  });
  lines.push('  </graph>', '</graphml>', '');
  return lines.join('\n');
}

/**
 * GEXF 1.3 via graphology-gexf; violating states are coloured red, initial ones blue. Strings
 * have their control characters escaped first: XML 1.0 cannot carry them, even as references.
 */
export function toGexf(graph: StateGraph): string {
  return (
    gexf.write(graph, {
      version: '1.3',
      formatNode: (_id, a) => ({
        label: t(a.label),
        attributes: { state: t(a.state), depth: a.depth, initial: a.initial, violates: t(a.violates), boundary: a.boundary },
        ...(a.violates ? { viz: { color: '#cf222e' } } : a.initial ? { viz: { color: '#0969da' } } : {}),
      }),
      formatEdge: (_id, a) => ({ label: t(a.label), attributes: { kind: a.kind } }),
    }) + '\n'
  );
}

/** A DOT string literal; line breaks become DOT's `\n`, other control characters visible escapes. */
function dotString(text: string): string {
  return `"${t(text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n'))}"`;
}

/** Graphviz DOT: initial states bold blue, violating states filled red, the state as a tooltip. */
export function toDot(graph: StateGraph): string {
  const lines = ['digraph states {', '  node [shape=box, style=rounded, fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];'];
  graph.forEachNode((id, a) => {
    const attrs = [`label=${dotString(a.violates ? `${a.label}\n✗ ${a.violates}` : a.label)}`, `tooltip=${dotString(a.state)}`];
    if (a.initial) attrs.push('penwidth=2', 'color="#0969da"');
    if (a.violates) attrs.push('style="rounded,filled"', 'fillcolor="#ffebe9"', 'color="#cf222e"');
    if (a.boundary) attrs.push('peripheries=2');
    lines.push(`  ${dotString(id)} [${attrs.join(', ')}];`);
  });
  graph.forEachEdge((_id, a, source, target) => {
    lines.push(`  ${dotString(source)} -> ${dotString(target)} [label=${dotString(a.label)}];`);
  });
  lines.push('}', '');
  return lines.join('\n');
}
