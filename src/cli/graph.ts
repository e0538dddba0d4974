/**
 * `faultline graph <model> --format graphml|gexf|dot [--max-states N] [--out FILE]`: export the
 * reachable state graph.
 */
import { writeFileSync } from 'node:fs';
import { instantiate } from '../model/definition.ts';
import { InputError } from '../model/errors.ts';
import { DEFAULT_GRAPH_STATES, GRAPH_FORMATS, stateGraph, writeGraph, type GraphFormat } from '../report/graph.ts';
import { runInfo } from './check.ts';
import type { Io } from './io.ts';
import { loadDefinition } from './load.ts';

export interface GraphCommandOptions {
  readonly variant?: string;
  readonly param: readonly string[];
  readonly format: string;
  readonly maxStates?: string;
  readonly out?: string;
}

export async function graphCommand(modelName: string, o: GraphCommandOptions, io: Io): Promise<number> {
  if (!(GRAPH_FORMATS as readonly string[]).includes(o.format)) {
    throw new InputError(`--format must be one of ${GRAPH_FORMATS.join(', ')}, got "${o.format}"`);
  }
  if (o.maxStates !== undefined && !/^[1-9]\d*$/.test(o.maxStates)) {
    throw new InputError(`--max-states expects a positive integer, got "${o.maxStates}"`);
  }
  const def = await loadDefinition(modelName);
  const run = runInfo(def, { param: o.param, variant: o.variant, strategy: 'bfs' });
  const model = instantiate(def, { params: run.params, variant: run.variant });
  const graph = stateGraph(model, o.maxStates === undefined ? DEFAULT_GRAPH_STATES : Number(o.maxStates));
  const text = writeGraph(graph, o.format as GraphFormat);
  if (o.out) writeFileSync(o.out, text);
  else io.stdout.write(text);
  let violating = 0;
  graph.forEachNode((_id, a) => {
    if (a.violates) violating++;
  });
  io.stderr.write(`${graph.order} states, ${graph.size} transitions, ${violating} violating state(s)${o.out ? ` → ${o.out}` : ''}\n`);
  return 0;
}
