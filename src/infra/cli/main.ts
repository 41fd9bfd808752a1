import { packageVersion } from '../packageInfo.js';
import { CYCLE_WINDOW } from '../../domain/windowSize.js';
import { EXPLORATION_HELP } from '../../domain/exploration.js';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { describeSystemError, MemabraError } from '../errors.js';
import { outputFailure, printDiagnostic } from './output.js';
import { closeSessions, committedSeqs, openSession } from './runtime.js';
import { POLICY_FLAGS, policyFlagHelp, policyFlagParser } from './policyFlags.js';

/**
 * Each command's module, imported when its command runs, not with the program: `--version`, `--help` and
 * a usage error load commander and this table only, and a command loads what it uses (`status` no
 * training, no HTTP or MCP stack). Measured in docs/performance.md, "One-shot status".
 */
const basicCommands = () => import('./basicCommands.js');
const queryCommands = () => import('./queryCommands.js');
const routingCommands = () => import('./routingCommands.js');
const cycleCommands = () => import('./cycleCommands.js');
const benchmarkCommands = () => import('./benchmarkCommands.js');
const casesCommands = () => import('./casesCommands.js');

function numberIn(min: number, max: number, integer = false) {
  return (text: string): number => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      throw new InvalidArgumentError(`expected ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got "${text}"`);
    }
    return value;
  };
}
export { numberIn };

/** What the commands are defined with: the program and the options every command takes. */
type Cli = {
  readonly program: Command;
  /** A command of the program with --json, and --dir and --store after its name. */
  readonly command: (name: string, description: string) => Command;
  /** --dir and --store after a command's name (`memabra status --dir X`), where they win. */
  readonly withLocation: (cmd: Command) => Command;
  /** A command's options with the global ones under them. */
  readonly globals: <T extends object>(options: T) => T & { dir?: string; store?: string };
};

export function buildProgram(): Command {
  const program = rootProgram();
  const withLocation = (cmd: Command) => cmd.option('--dir <DIR>', 'data directory').option('--store <URL>', 'event store URL or directory');
  const cli: Cli = {
    program,
    withLocation,
    command: (name, description) =>
      withLocation(program.command(name).description(description).option('--json', 'machine-readable output on stdout').exitOverride()),
    globals: (options) => ({ ...program.opts(), ...options }),
  };
  // In this order in `memabra --help`.
  addLogCommands(cli);
  addRoutingCommands(cli);
  addCycleCommands(cli);
  addServerCommands(cli);
  addBenchmarkCommands(cli);
  addCasesCommands(cli);
  return program;
}

function rootProgram(): Command {
  return (
    new Command('memabra')
      .description('A self-improving, event-sourced context router for AI agents')
      .option('--dir <DIR>', 'data directory (default: $MEMABRA_DIR or ./.memabra)')
      .option('--store <URL>', 'event store: a directory, or a postgres:// URL (default: $MEMABRA_STORE)')
      .version(packageVersion(), '-V, --version', 'print the version')
      // Global options come before the command, as in `memabra [--dir DIR | --store URL] COMMAND`; that also
      // leaves `evaluate --version ID` to mean a router version.
      .enablePositionalOptions()
      .showHelpAfterError('(run `memabra --help` for usage)')
      .exitOverride()
      .configureOutput({ writeErr: (text) => process.stderr.write(text) })
  );
}

function addLogCommands({ command, globals }: Cli): void {
  command('init', 'create the data directory and log, and register and activate the baseline router')
    .addOption(new Option('--exploration-rate <RATE>', EXPLORATION_HELP.explorationRate).argParser(numberIn(0, 1)))
    .addOption(new Option('--runner-up-share <SHARE>', EXPLORATION_HELP.runnerUpShare).argParser(numberIn(0, 1)))
    .option('--benchmark <FILE>', "register this labelled suite as the log's gate (default: none, cycles judge on the log's held-out traffic)")
    .action(async (options) => (await basicCommands()).initCommand(globals(options)));
  command('record', 'append trajectories, or outcomes of logged decisions ({"decisionId", "outcome"}), as JSON or JSON Lines, all or nothing')
    .argument('[file]', 'input file, or - for stdin')
    .action(async (file, options) => (await basicCommands()).recordCommand(file, globals(options)));
  command('status', 'active version, counts, latest report').action(async (options) => (await queryCommands()).statusCommand(globals(options)));
  command('versions', 'every router version with lineage and metrics').action(async (options) => (await queryCommands()).versionsCommand(globals(options)));
  command('history', 'the audit trail; with --as-of, the state as it was then')
    .option('--as-of <SEQ|TIME>', 'a seq number or an ISO time')
    .addOption(new Option('--limit <N>', 'only the last N events (of those --type keeps)').argParser(numberIn(1, Number.MAX_SAFE_INTEGER, true)))
    .option('--type <TYPE>', 'only events of this type (repeat it, or separate types with commas)', (value: string, previous: string[] = []) => [
      ...previous,
      value,
    ])
    .action(async (options) => (await queryCommands()).historyCommand(globals(options)));
  command('verify', 'check the whole log: schemas, sequence, hash chain')
    .option('--repair', 'drop the remains of an unfinished append first')
    .action(async (options) => (await queryCommands()).verifyCommand(globals(options)));
  command('rollback', 'make an earlier router version active')
    .argument('<version>', 'version label (v2), id, or id prefix')
    .option('--reason <TEXT>', 'why, for the audit trail')
    .action(async (version, options) => (await basicCommands()).rollbackCommand(version, globals(options)));
}

function addRoutingCommands({ command, globals }: Cli): void {
  command('route', 'decide with the active router for each request (JSON or JSON Lines) and log it; one answer line each, with its decisionId')
    .argument('[file]', 'input file, or - for stdin')
    .option('--no-log', 'decide without logging (previews, evaluation): the answers carry no decisionId')
    .addHelpText(
      'after',
      "\nEach answer: decisionId (absent with --no-log), route and selected (the decision), routerVersionId, propensity (the probability of that route,\nexploration included), and scores: each route's score under the active router, higher is better. Scores rank\nthe routes within one answer and are not probabilities; the baseline's composite is 2 when its rule fires\n(a memory and a tool both retrieved at least 0.45). See docs/integrations.md.",
    )
    .action(async (file, options) => (await routingCommands()).routeCommand(file, globals(options)));
  command('evaluate', 'score a router version on a benchmark suite (greedy, no exploration)')
    .option('--benchmark <FILE>', 'benchmark suite JSON (default: the bundled CLINC150 suite)')
    .option('--version <ID>', 'version label, id or id prefix (default: the active one)')
    .action(async (options) => (await routingCommands()).evaluateCommand(globals(options)));
}

function addCycleCommands({ command, globals }: Cli): void {
  const cycle = command('cycle', 'run one online-learning cycle and print its report')
    .addOption(
      new Option('--min-new-trajectories <N>', 'skip unless this many unseen trajectories exist (default 100)').argParser(
        numberIn(0, Number.MAX_SAFE_INTEGER, true),
      ),
    )
    .option('--dry-run', 'compute and report everything, promote nothing')
    .option('--baseline-version <ID>', 'compare against this version instead of the active one')
    .option('--benchmark <FILE>', "judge on this suite (default: the suite registered for the log, else the log's held-out traffic)")
    .addOption(
      new Option('--window <N>', `read, train and judge on the latest N trajectories (default ${CYCLE_WINDOW})`).argParser(
        numberIn(1, Number.MAX_SAFE_INTEGER, true),
      ),
    );
  for (const flag of POLICY_FLAGS) cycle.addOption(new Option(`${flag.flag} <${flag.value}>`, policyFlagHelp(flag)).argParser(policyFlagParser(flag)));
  cycle.action(async (options) => (await cycleCommands()).cycleCommand(globals(options)));
  command('reports', 'the training reports, or one')
    .argument('[id]', 'cycle id or prefix')
    .action(async (id, options) => (await cycleCommands()).reportsCommand(id, globals(options)));
  command('demo', 'on a fresh directory: seed trajectories from CLINC150 through route and record, run cycles, show the report')
    .addOption(new Option('--limit <N>', 'seed only N of the train requests (the first N in arrival order)').argParser(numberIn(1, 1_000_000, true)).hideHelp())
    .addOption(new Option('--seed <N>', 'seed of the exploration and of the simulated outcomes (default 1)').argParser(numberIn(0, 2 ** 31, true)))
    .addOption(
      new Option(
        '--rounds <N>',
        'play the agent loop: split the requests into N rounds, each followed by a real cycle (default 1: a dry run, then one cycle)',
      ).argParser(numberIn(1, 1000, true)),
    )
    .action(async (options) => (await import('./demoCommand.js')).demoCommand(globals(options)));
  command('report', 'write a self-contained HTML page: reward per version, metrics per category, the timeline')
    .requiredOption('--html <FILE>', 'the page to write')
    .addOption(
      new Option('--bucket <N>', "decisions per point of the live reward lines (default: the log's trajectories over about 60 points, at least 50)").argParser(
        numberIn(1, 1_000_000, true),
      ),
    )
    .action(async (options) => (await import('./reportCommand.js')).reportCommand(globals(options)));
}

function addServerCommands({ program, command, withLocation, globals }: Cli): void {
  withLocation(program.command('mcp'))
    .description('serve init, route, record, cycle, evaluate, status, versions, reports, rollback, history, cases and verify to agents over MCP (stdio)')
    .exitOverride()
    .action(async (options) => {
      const { serveStdio } = await import('../mcp/server.js');
      await serveStdio(await openSession(globals(options), { serving: true }));
    });
  command('serve', 'serve route, record, cycle, status, versions, reports and rollback as JSON over HTTP')
    .option('--host <H>', 'address to bind (default 127.0.0.1; any other than loopback needs a token)')
    .addOption(new Option('--port <P>', 'port to listen on; 0 picks a free one (default 8321)').argParser(numberIn(0, 65535, true)))
    .option('--token <T>', 'require "Authorization: Bearer T" on every request (default: $MEMABRA_TOKEN)')
    .action(async (options) => {
      const { serveCommand } = await import('./serveCommand.js');
      await serveCommand(globals(options));
    });
}

function addBenchmarkCommands({ program, withLocation, globals }: Cli): void {
  const benchmark = program.command('benchmark').description("labelled suites: build one from labelled tasks, or register one as this log's gate");
  withLocation(benchmark.command('build'))
    .description("turn labelled tasks (input, candidates, the route each needs) into a suite with the reward model's outcomes")
    .argument('[file]', 'labelled tasks (JSON or JSON Lines), or - for stdin')
    .option('--name <NAME>', 'the suite name, for tasks given as a list (default: the file name)')
    .addOption(
      new Option('--suite-version <N>', 'the suite version, for tasks given as a list (default 1)').argParser(numberIn(1, Number.MAX_SAFE_INTEGER, true)),
    )
    .option('--out <FILE>', 'write the suite here instead of standard output')
    .option('--json', 'machine-readable output on stdout')
    .exitOverride()
    .action(async (file: string | undefined, options) => (await benchmarkCommands()).benchmarkBuildCommand(file, globals(options)));
  withLocation(benchmark.command('use'))
    .description("register a suite as this log's gate: later cycles judge challengers on it")
    .argument('<file>', 'the suite (JSON)')
    .option('--json', 'machine-readable output on stdout')
    .exitOverride()
    .action(async (file: string, options) => (await benchmarkCommands()).benchmarkUseCommand(file, globals(options)));
}

function addCasesCommands({ program, withLocation, globals }: Cli): void {
  const cases = program.command('cases').description('the case index: the best past trajectory per normalised request');
  withLocation(cases.command('lookup'))
    .description('the case for a request (exit 1 when there is none, with or without --json)')
    .argument('<text...>', 'the request')
    .option('--json', 'machine-readable output on stdout')
    .exitOverride()
    .action(async (text: string[], options) => (await casesCommands()).casesLookupCommand(text.join(' '), globals(options)));
  withLocation(cases.command('list'))
    .description('every case, oldest first: its route, reward, latency, trajectory and normalised request')
    .addOption(new Option('--limit <N>', 'only the last N cases').argParser(numberIn(1, Number.MAX_SAFE_INTEGER, true)))
    .option('--json', 'machine-readable output on stdout')
    .exitOverride()
    .action(async (options) => (await casesCommands()).casesListCommand(globals(options)));
  withLocation(cases.command('rebuild'))
    .description('replay the whole log into a fresh case index and check it against the incremental one')
    .option('--json', 'machine-readable output on stdout')
    .exitOverride()
    .action(async (options) => (await casesCommands()).casesRebuildCommand(globals(options)));
}

/**
 * One line on stderr and the exit code. A failure after this process committed events (its output could
 * not be written, for example) says the write stands: the exit code is then 1 although the log holds the
 * events, and a caller that retries must deduplicate by the ids it gave (see docs/operations.md).
 */
function report(error: MemabraError): void {
  const done = committedSeqs();
  const committed = done ? `the log was written (seq ${done.firstSeq}-${done.lastSeq}) and stays written, but then: ` : '';
  printDiagnostic(`memabra: ${committed}${error.message}`);
  process.exitCode = error.exitCode;
}

/** Runs the CLI; user mistakes become one line on stderr and exit 2, failed operations exit 1. */
export async function main(argv: readonly string[]): Promise<void> {
  // A reader that goes away (`memabra history | head`) is not an error: stop quietly, as Unix tools do.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    report(outputFailure(error));
    process.exit(1);
  });
  // A stderr that fails has nowhere to report to; the exit code still tells.
  process.stderr.on('error', () => undefined);
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; everything else commander rejects is bad usage.
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    if (error instanceof MemabraError) {
      report(error);
      return;
    }
    // An ordinary condition of the machine (no permission, a file in the way) is one line, not a trace.
    const system = describeSystemError(error);
    if (system) {
      report(new MemabraError('io', system));
      return;
    }
    printDiagnostic(`memabra: internal error (a bug, please report it): ${(error as Error)?.stack ?? String(error)}`);
    process.exitCode = 1;
  } finally {
    // After the answer is out: a snapshot started by this command is written before the store closes.
    await closeSessions();
  }
}
