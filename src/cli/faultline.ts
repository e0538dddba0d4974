/**
 * The `faultline` command line. Exit codes: 0 every property holds on the complete bounded
 * space · 1 a property is violated · 2 bad usage, bad model or bad input (one line on stderr,
 * a stack trace only with --debug) · 3 no violation found but the search was cut: by a bound,
 * the time limit, an interrupt (Ctrl-C, SIGTERM) or a nearly full heap.
 *
 * `main` runs one command line against an `Io` and returns its exit code; the executable
 * (bin.ts) passes the process's streams, the tests pass buffers.
 */
import { Command, CommanderError, Option } from 'commander';
import { InputError, ModelError } from '../model/errors.ts';
import { escapeControls } from '../report/escape.ts';
import { processIo, type Io } from './io.ts';
import { version } from './version.ts';

// Each command's module is imported when the command runs, so that `faultline --version` and
// `faultline list` do not load the explorer, the reports and their libraries.

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * An option that takes one value, given at most once: `--variant a --variant b` contradicts itself
 * (commander would keep the last one silently). With `choices`, the value must be one of them.
 */
function single(flags: string, description: string, choices?: readonly string[]): Option {
  const option = new Option(flags, description);
  if (choices) option.choices(choices);
  let given = false;
  return option.argParser((value: string) => {
    if (given) throw new InputError(`${option.long} is given twice`);
    given = true;
    if (choices && !choices.includes(value)) throw new InputError(`${option.long} must be one of ${choices.join(', ')}, got "${value}"`);
    return value;
  });
}

/** The options `check` and `sweep` share: which variant and system model, and how to search. */
function withSearchOptions(command: Command): Command {
  return command
    .addOption(single('--variant <name>', 'model variant (default: the first listed)'))
    .addOption(single('--system <name>', "a named system model of the model (see 'faultline list')"))
    .option('--faults <k=v,...>', 'fault budgets and system knobs, e.g. drop=1,crash=1,network=fifo (repeatable; a knob once)', collect, [])
    .addOption(single('--strategy <kind>', 'search strategy', ['bfs', 'dfs', 'random']).default('bfs'))
    .addOption(single('--max-depth <n>', 'explore paths of at most n steps'))
    .addOption(single('--max-states <n>', 'stop after n distinct states'))
    .addOption(single('--time-limit <seconds>', 'stop after this many seconds'))
    .addOption(single('--seed <n>', 'seed of the random simulation (0 to 4294967295)'))
    .addOption(single('--walks <n>', 'number of random walks (default 1000)'))
    .addOption(single('--fairness <spec>', "fairness for liveness properties, replacing the model's: none, or e.g. weak:deliver,strong:heal"))
    .option('--property <name>', 'check only this property (repeatable; `deadlock` names the deadlock check)', collect, [])
    .option('--all', 'keep searching after the first violation and report one per property')
    .option('--symmetry', "identify states up to renamings of the protocol's interchangeable nodes (safety only)")
    .option('--quiet', 'no progress on stderr (a live line on a terminal, otherwise a line every 10 s)');
}

/** The command tree; each action stores its command's exit code in `exit`. */
function program(io: Io, exit: (code: number) => void): Command {
  const cli = new Command('faultline')
    .description('Model checking for distributed protocols under faults')
    .version(version(), '-V, --version', 'print the version')
    .option('--debug', 'print stack traces of errors')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s), outputError: () => {} })
    .showSuggestionAfterError(false);

  withSearchOptions(
    cli
      .command('check')
      .description('explore a model and check its properties')
      .argument('<model>', 'a shipped model name, or a path to a .ts/.js module')
      .option('--param <name=value>', 'set a model parameter (repeatable)', collect, []),
  )
    .option('--json', 'print one JSON object on stdout')
    .addOption(single('--report <dir>', 'write HTML, Markdown and JSON reports of each counterexample into dir'))
    .option('--minimize', 'shrink each counterexample to the fewest faults, then the fewest steps')
    .addOption(single('--workers <n>', "threads of a breadth-first safety search: this one and n - 1 workers (default: the machine's cores; 1: single-threaded)"))
    .addOption(single('--memory <size>', 'memory the search may hold, e.g. 4g or 512m; past it the BFS frontier goes to disk (default: half the RAM)'))
    .addOption(single('--checkpoint <dir>', 'write a checkpoint into dir every --checkpoint-every seconds and on Ctrl-C/SIGTERM'))
    .addOption(single('--checkpoint-every <seconds>', 'seconds between two checkpoints (default 60)'))
    .addOption(single('--resume <dir>', 'continue the search checkpointed in dir (same model, params and options)'))
    .action(async (model, opts) => {
      exit(await (await import('./check.ts')).checkCommand(model, opts, io));
    });

  cli
    .command('replay')
    .description('re-execute a trace file against the current model: 0 reproduces, 1 diverges, 2 bad file')
    .argument('<trace.json>', 'a trace file written by check --report')
    .addOption(single('--model <path>', 'the model module to replay against (default: the shipped model the trace names; a trace file never names code)'))
    .action(async (trace, opts) => {
      exit(await (await import('./replay.ts')).replayCommand(trace, opts, io));
    });

  cli
    .command('report')
    .description('render a trace file as text, Markdown, HTML or JSON')
    .argument('<trace.json>', 'a trace file written by check --report')
    .addOption(single('--format <format>', 'output format', ['text', 'markdown', 'html', 'json']).default('text'))
    .addOption(single('--out <file>', 'write to file instead of stdout'))
    .addOption(single('--model <path>', 'for a model that is not shipped: its module, named in the commands the report suggests (not loaded)'))
    .action(async (trace, opts) => {
      exit((await import('./report.ts')).reportCommand(trace, opts, io));
    });

  cli
    .command('graph')
    .description('export the reachable state graph (initial and violating states marked)')
    .argument('<model>', 'a shipped model name, or a path to a .ts/.js module')
    .addOption(single('--variant <name>', 'model variant (default: the first listed)'))
    .option('--param <name=value>', 'set a model parameter (repeatable)', collect, [])
    .addOption(single('--format <format>', 'graph format', ['graphml', 'gexf', 'dot']).makeOptionMandatory())
    .addOption(single('--max-states <n>', 'refuse models with more states than this (default 10000)'))
    .addOption(single('--out <file>', 'write to file instead of stdout'))
    .action(async (model, opts) => {
      exit(await (await import('./graph.ts')).graphCommand(model, opts, io));
    });

  cli
    .command('explore')
    .description('walk a model in the browser: take steps and inject faults by clicking, go back, find violations, load and export traces')
    .argument('<model>', 'a shipped model name, or a path to a .ts/.js module')
    .option('--variant <name>', 'model variant (default: the first listed)')
    .option('--param <name=value>', 'set a model parameter (repeatable)', collect, [])
    .option('--system <name>', "a named system model of the model (see 'faultline list')")
    .option('--faults <k=v,...>', 'fault budgets and system knobs, e.g. drop=1,crash=1,network=fifo')
    .option('--trace <file>', 'open this trace file, under the variant, params and faults it records')
    .option('--step <n>', 'with --trace: open it at this step (default: its last)')
    .option('--port <n>', 'port to listen on (default: a free one)')
    .option('--host <address>', 'address to listen on (default 127.0.0.1; any other is reachable from other machines, with a warning)')
    .option('--max-states <n>', "bound of Find's breadth-first search (default 1000000)")
    .action(async (model, opts) => {
      exit(await (await import('./explore.ts')).exploreCommand(model, opts, io));
    });

  cli
    .command('reports')
    .description('write the study reports of every shipped variant expected to fail, plus an index')
    .argument('[dir]', 'output directory', 'reports')
    .action(async (dir) => {
      exit((await import('./reports.ts')).reportsCommand(dir, io));
    });

  withSearchOptions(
    cli
      .command('sweep')
      .description('check a model at every cell of a grid of params (n=3..7, order=ATTACK,RETREAT) and print a table')
      .argument('<model>', 'a shipped model name, or a path to a .ts/.js module')
      .option('--param <name=a..b|v1,v2|v>', 'a param to sweep over (an integer range or a list) or to fix (repeatable)', collect, []),
  )
    .option('--json', 'print a JSON array, one object per cell')
    .addOption(single('--report <dir>', "write HTML, Markdown and JSON reports of each cell's counterexample"))
    .action(async (model, opts) => {
      exit(await (await import('./sweep.ts')).sweepCommand(model, opts, io));
    });

  cli
    .command('list')
    .description('list the shipped models, or one model (a name or a path), with params, variants, properties and systems')
    .argument('[model]', 'a shipped model name, or a path to a .ts/.js module')
    .option('--json', 'print JSON: an array of every shipped model, or one object for the model given')
    .action(async (model, opts) => {
      exit(await (await import('./list.ts')).listCommand(model, opts, io));
    });

  cli
    .command('all')
    .description('check every shipped model and variant at its defaults; exit 1 if any verdict is unexpected')
    .option('--json', 'print the table as JSON')
    .addOption(single('--report <dir>', 'also write the study reports of the variants expected to fail (as `faultline reports`)'))
    .action(async (opts) => {
      exit((await import('./all.ts')).allCommand(opts, io));
    });

  return cli;
}

/** Run one command line (the arguments after `faultline`) and return its exit code. */
export async function main(args: readonly string[], io: Io = processIo): Promise<number> {
  const debug = args.includes('--debug');
  let code = 0;
  try {
    await program(io, (c) => (code = c)).parseAsync(args, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      if (e.exitCode !== 0) io.stderr.write(`faultline: ${escapeControls(e.message.replace(/^error: /, ''))}\n`);
      return e.exitCode === 0 ? 0 : 2;
    }
    const known = e instanceof InputError || e instanceof ModelError;
    const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
    io.stderr.write(`faultline: ${known ? '' : 'internal error: '}${escapeControls(message)}\n`);
    if (debug && e instanceof Error) {
      io.stderr.write(`${e.stack}\n`);
      if (e.cause instanceof Error) io.stderr.write(`caused by: ${e.cause.stack}\n`);
    }
    return 2;
  }
}
