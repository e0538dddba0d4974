/**
 * `faultline explore <model>`: serve the interactive explorer (src/explorer/) for one model on
 * the loopback interface, print its URL (with the run's token), and serve until interrupted
 * (Ctrl-C or SIGTERM: exit 0). Bad arguments, an unknown model, a malformed trace file or a port
 * in use end it before it listens, with exit 2.
 */
import { InputError } from '../model/errors.ts';
import { DEFAULT_FIND_STATES, LOOPBACK, startExplorer } from '../explorer/server.ts';
import { openTrace } from '../explorer/trace-files.ts';
import { build, settingOfTrace, type Setting } from '../explorer/setting.ts';
import type { Position } from '../explorer/walk.ts';
import { readTraceFile } from '../trace/file.ts';
import { parseAssignments, parseFaults } from './check.ts';
import type { Io } from './io.ts';
import { loadDefinition } from './load.ts';

export interface ExploreCommandOptions {
  readonly variant?: string;
  readonly param: readonly string[];
  readonly system?: string;
  readonly faults?: string;
  /** A trace file to open. */
  readonly trace?: string;
  /** The step of the trace to open at (default: its last). */
  readonly step?: string;
  readonly port?: string;
  readonly host?: string;
  /** Bound of Find's search. */
  readonly maxStates?: string;
}

function integer(flag: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new InputError(`${flag} expects an integer from ${min} to ${max}, got "${raw}"`);
  return Number(raw);
}

/** Resolves on the first SIGINT or SIGTERM (and stops listening for them). */
function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * Run the explorer until `until` settles (by default: until interrupted). Tests pass their own
 * promise to stop it.
 */
export async function exploreCommand(modelName: string, o: ExploreCommandOptions, io: Io, until?: Promise<unknown>): Promise<number> {
  const def = await loadDefinition(modelName);
  const port = integer('--port', o.port, 0, 65535);
  const maxStates = integer('--max-states', o.maxStates, 1, Number.MAX_SAFE_INTEGER) ?? DEFAULT_FIND_STATES;
  let setting: Setting;
  let position: Position | undefined;
  if (o.trace !== undefined) {
    const overrides = [o.variant && '--variant', o.param.length > 0 && '--param', o.system && '--system', o.faults && '--faults'].filter(Boolean);
    if (overrides.length > 0) {
      throw new InputError(`--trace opens the trace under the variant, params and faults it records: drop ${overrides.join(', ')} (the page switches them under the same path)`);
    }
    const file = readTraceFile(o.trace);
    const step = integer('--step', o.step, 0, file.length);
    setting = settingOfTrace(def, file);
    const opened = openTrace(build(def, setting).model, file, step);
    position = opened.position;
    for (const n of opened.notices) if (n.kind === 'error') io.stderr.write(`faultline explore: ${n.text}\n`);
  } else {
    if (o.step !== undefined) throw new InputError('--step needs --trace: it names a step of the trace to open');
    setting = { variant: o.variant, params: parseAssignments('--param', o.param), system: o.system, faults: parseFaults(o.faults === undefined ? undefined : [o.faults]) };
  }
  const host = o.host ?? LOOPBACK;
  const explorer = await startExplorer({ definition: def, setting, position, host, port, maxStates });
  const a = explorer.address;
  if (!/^127\.|^::1$/.test(a.address)) {
    io.stderr.write(
      `faultline explore: warning: listening on ${a.address}, not only on this machine's loopback: anyone who can reach port ${a.port} and has the URL can drive the explorer\n`,
    );
  }
  io.stdout.write(`faultline explore: ${def.name} on ${explorer.url}\n`);
  io.stdout.write('Open that URL in a browser (it carries this run\'s access token); Ctrl-C stops the server.\n');
  try {
    await (until ?? interrupted());
  } finally {
    await explorer.close();
  }
  return 0;
}
