import { handleCommand } from '../app/commandHandler.js';
import { commands } from '../app/commands.js';
import { parseTrajectories } from '../app/parsedInput.js';
import { loadState } from '../app/foldedState.js';
import { judgingNotes } from '../../domain/summaries.js';
import { printDiagnostic, printJson, printLine } from './output.js';
import { openSession, readInput, type GlobalOptions } from './runtime.js';

type Json = { json?: boolean };

export async function initCommand(options: GlobalOptions & Json & { explorationRate?: number; runnerUpShare?: number; benchmark?: string }): Promise<void> {
  const session = await openSession(options);
  const { version, seq } = await handleCommand(session, commands.init, {
    ...(options.explorationRate === undefined ? {} : { explorationRate: options.explorationRate }),
    ...(options.runnerUpShare === undefined ? {} : { runnerUpShare: options.runnerUpShare }),
    ...(options.benchmark === undefined ? {} : { benchmark: options.benchmark }),
  });
  const state = await loadState(session.store);
  const notes = judgingNotes(state);
  if (options.json) return printJson({ location: session.store.location, version, seq, notes });
  printLine(`Initialised ${session.store.location}`);
  printLine(
    `Active router: ${version.label} (${version.kind}, exploration ${version.explorationRate}, ${runnerUpPart(version.runnerUpShare ?? 0)}) ${version.id}`,
  );
  printLine(
    state.benchmark
      ? `Gate: ${state.benchmark.ref.name} v${state.benchmark.ref.version} (${state.benchmark.ref.taskCount} tasks); cycles judge challengers on it`
      : "Gate: this log's own held-out traffic (one in five routed trajectories, judged off-policy); `memabra benchmark use FILE` registers a labelled suite instead",
  );
  for (const note of notes) printLine(`Note: ${note}`);
}

const runnerUpPart = (share: number) => (share === 1 ? 'all of it on the runner-up' : share === 0 ? 'uniform' : `${share} of it on the runner-up`);

export async function recordCommand(file: string | undefined, options: GlobalOptions & Json): Promise<void> {
  const trajectories = parseTrajectories(readInput(file));
  const session = await openSession(options);
  const result = await handleCommand(session, commands.record, trajectories);
  if (options.json) return printJson(result);
  for (const id of result.ids) printLine(id);
  printDiagnostic(`recorded ${result.ids.length} trajector${result.ids.length === 1 ? 'y' : 'ies'} (seq ${result.firstSeq}-${result.lastSeq})`);
}

export async function rollbackCommand(version: string, options: GlobalOptions & Json & { reason?: string }): Promise<void> {
  const session = await openSession(options);
  const result = await handleCommand(session, commands.rollback, { version, reason: options.reason });
  if (options.json) return printJson(result);
  printLine(`rolled back: ${result.fromVersionId} -> ${result.toVersionId} (seq ${result.seq})`);
}
