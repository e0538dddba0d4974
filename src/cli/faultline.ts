/**
 * The `faultline` command line. Exit codes: 0 every property holds on the complete bounded
 * space · 1 a property is violated · 2 bad usage, bad model or bad input (one line on stderr,
 * a stack trace only with --debug) · 3 no violation found but the search was cut: by a bound,
 * the time limit, an interrupt (Ctrl-C, SIGTERM) or a nearly full heap.
 */
import { Command, CommanderError, Option } from 'commander';
import { InputError, ModelError } from '../model/errors.ts';
import { escapeControls } from '../report/escape.ts';
import { allCommand } from './all.ts';
import { checkCommand } from './check.ts';
import { graphCommand } from './graph.ts';
import { listCommand } from './list.ts';
import { replayCommand } from './replay.ts';
import { REPORT_FORMATS, reportCommand } from './report.ts';
import { reportsCommand } from './reports.ts';
import { sweepCommand } from './sweep.ts';

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
    .option('--all', 'keep searching after the first violation and report one per property')
    .option('--no-progress', 'no live progress on stderr');
}

function program(): Command {
  const cli = new Command('faultline')
    .description('Model checking for distributed protocols under faults')
    .option('--debug', 'print stack traces of errors')
    .exitOverride()
    .configureOutput({ outputError: () => {} })
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
    .action(async (model, opts) => {
      process.exitCode = await checkCommand(model, opts);
    });

  cli
    .command('replay')
    .description('re-execute a trace file against the current model: 0 reproduces, 1 diverges, 2 bad file')
    .argument('<trace.json>', 'a trace file written by check --report')
    .addOption(single('--model <path>', 'the model module to replay against (default: the shipped model the trace names; a trace file never names code)'))
    .action(async (trace, opts) => {
      process.exitCode = await replayCommand(trace, opts);
    });

  cli
    .command('report')
    .description('render a trace file as text, Markdown, HTML or JSON')
    .argument('<trace.json>', 'a trace file written by check --report')
    .addOption(single('--format <format>', 'output format', REPORT_FORMATS).default('text'))
    .addOption(single('--out <file>', 'write to file instead of stdout'))
    .addOption(single('--model <path>', 'for a model that is not shipped: its module, named in the commands the report suggests (not loaded)'))
    .action((trace, opts) => {
      process.exitCode = reportCommand(trace, opts);
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
      process.exitCode = await graphCommand(model, opts);
    });

  cli
    .command('reports')
    .description('write the study reports of every shipped variant expected to fail, plus an index')
    .argument('[dir]', 'output directory', 'reports')
    .action((dir) => {
      process.exitCode = reportsCommand(dir);
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
      process.exitCode = await sweepCommand(model, opts);
    });

  cli
    .command('list')
    .description('list the shipped models, their params, variants and properties')
    .option('--json', 'print a JSON array')
    .action((opts) => {
      process.exitCode = listCommand(opts);
    });

  cli
    .command('all')
    .description('check every shipped model and variant at its defaults; exit 1 if any verdict is unexpected')
    .option('--json', 'print the table as JSON')
    .addOption(single('--report <dir>', 'also write the study reports of the variants expected to fail (as `faultline reports`)'))
    .action((opts) => {
      process.exitCode = allCommand(opts);
    });

  return cli;
}

const quieted = new WeakSet<NodeJS.WriteStream>();

/**
 * A reader that goes away (`faultline check … | head -1`) ends the output quietly: later writes
 * are dropped, and the exit code is still the verdict's.
 */
function quietWhenClosed(stream: NodeJS.WriteStream): void {
  if (quieted.has(stream)) return;
  quieted.add(stream);
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
    stream.write = () => true;
  });
}

/** Run the command line `argv` (as `process.argv`); the exit code is left in `process.exitCode`. */
export async function main(argv: string[]): Promise<void> {
  quietWhenClosed(process.stdout);
  quietWhenClosed(process.stderr);
  const debug = argv.includes('--debug');
  try {
    await program().parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      if (e.exitCode !== 0) process.stderr.write(`faultline: ${escapeControls(e.message.replace(/^error: /, ''))}\n`);
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    const known = e instanceof InputError || e instanceof ModelError;
    const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
    process.stderr.write(`faultline: ${known ? '' : 'internal error: '}${escapeControls(message)}\n`);
    if (debug && e instanceof Error) {
      process.stderr.write(`${e.stack}\n`);
      if (e.cause instanceof Error) process.stderr.write(`caused by: ${e.cause.stack}\n`);
    }
    process.exitCode = 2;
  }
}
