import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { MemabraError } from '../errors.js';
import {
  historyCommand,
  initCommand,
  recordCommand,
  rollbackCommand,
  statusCommand,
  verifyCommand,
  versionsCommand,
} from './basicCommands.js';
import { printDiagnostic } from './output.js';

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

export function buildProgram(): Command {
  const program = new Command('memabra')
    .description('A self-improving, event-sourced context router for AI agents')
    .option('--dir <DIR>', 'data directory (default: $MEMABRA_DIR or ./.memabra)')
    .option('--store <URL>', 'event store: a directory, or a postgres:// URL (default: $MEMABRA_STORE)')
    .showHelpAfterError('(run `memabra --help` for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  const command = (name: string, description: string) =>
    program.command(name).description(description).option('--json', 'machine-readable output on stdout').exitOverride();
  const globals = <T extends object>(options: T): T & { dir?: string; store?: string } => ({ ...program.opts(), ...options });

  command('init', 'create the data directory and log, and register and activate the baseline router')
    .addOption(new Option('--exploration-rate <RATE>', 'probability of a random route at route time').argParser(numberIn(0, 1)))
    .action((options) => initCommand(globals(options)));
  command('record', 'append trajectories (JSON or JSON Lines), all or nothing').argument('[file]', 'input file, or - for stdin').action((file, options) => recordCommand(file, globals(options)));
  command('status', 'active version, counts, latest report').action((options) => statusCommand(globals(options)));
  command('versions', 'every router version with lineage and metrics').action((options) => versionsCommand(globals(options)));
  command('history', 'the audit trail; with --as-of, the state as it was then')
    .option('--as-of <SEQ|TIME>', 'a seq number or an ISO time')
    .action((options) => historyCommand(globals(options)));
  command('verify', 'check the whole log: schemas, sequence, hash chain')
    .option('--repair', 'drop the remains of an unfinished append first')
    .action((options) => verifyCommand(globals(options)));
  command('rollback', 'make an earlier router version active')
    .argument('<version>', 'version label (v2), id, or id prefix')
    .option('--reason <TEXT>', 'why, for the audit trail')
    .action((version, options) => rollbackCommand(version, globals(options)));
  return program;
}

/** Runs the CLI; user mistakes become one line on stderr and exit 2, failed operations exit 1. */
export async function main(argv: readonly string[]): Promise<void> {
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
      printDiagnostic(`memabra: ${error.message}`);
      process.exitCode = error.exitCode;
      return;
    }
    printDiagnostic(`memabra: internal error (a bug, please report it): ${(error as Error)?.stack ?? String(error)}`);
    process.exitCode = 1;
  }
}
