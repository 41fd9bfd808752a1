import { summariseStatus, summariseVersions } from '../../domain/summaries.js';
import { loadState } from '../app/foldedState.js';
import { verifyLog } from '../app/verifyLog.js';
import { MemabraError } from '../errors.js';
import { counted, formatPercent, formatReward, formatTable, printJson, printLine } from './output.js';
import { openSession, type GlobalOptions } from './runtime.js';

/**
 * The commands that read the log and append nothing: `status`, `versions`, `history`, `verify`. Apart
 * from the commands that write (basicCommands.ts), so a query loads no decider, no registration and no
 * training: a one-shot `status` pays for the store and the fold only.
 */

type Json = { json?: boolean };

export async function statusCommand(options: GlobalOptions & Json): Promise<void> {
  const session = await openSession(options);
  const status = summariseStatus(await loadState(session.store));
  if (options.json) return printJson(status);
  if (!status.active) {
    printLine(`No router yet in ${session.store.location}: run \`memabra init\`.`);
    return;
  }
  const a = status.active;
  printLine(`Active router   ${a.label} (${a.kind}) ${a.id}`);
  printLine(`  since         ${a.since}, ${a.source}${a.priorVersionId ? `; prior ${a.priorVersionId}` : ''}`);
  if (a.benchmark)
    printLine(`  benchmark     ${a.benchmark.name}: reward ${formatReward(a.benchmark.meanReward)}, errors ${formatPercent(a.benchmark.errorRate)}`);
  printLine(`  live          ${counted(a.live.count, 'decision')}, reward ${formatReward(a.live.meanReward)}`);
  printLine(`Versions        ${status.versionCount}`);
  printLine(`Trajectories    ${status.trajectoryCount} (${status.unseenTrajectoryCount} not yet used by a cycle)`);
  printLine(`Reports         ${status.reportCount}`);
  printLine(`Cases           ${status.caseCount}`);
  printLine(`Decisions       ${status.decisions.logged} logged, ${status.decisions.awaitingOutcome} awaiting an outcome`);
  printLine(`Log             seq ${status.lastSeq}${status.lastAt ? ` at ${status.lastAt}` : ''}`);
  const r = status.latestReport;
  if (r) {
    printLine(
      `Latest cycle    ${r.cycleId}: ${r.decision}${r.dryRun ? ' (dry run)' : ''}, baseline ${formatReward(r.baselineMeanReward)} -> challenger ${formatReward(r.challengerMeanReward)}${r.failedGates.length ? `, failed ${r.failedGates.join(', ')}` : ''}`,
    );
  }
  for (const note of status.notes) printLine(`Note            ${note}`);
}

export async function versionsCommand(options: GlobalOptions & Json): Promise<void> {
  const session = await openSession(options);
  const state = await loadState(session.store);
  const versions = summariseVersions(state);
  if (options.json) return printJson(versions);
  const labelOf = (id: string | null) => (id ? (state.versions.get(id)?.version.label ?? id) : null);
  printLine(
    formatTable(
      ['version', 'kind', 'status', 'parent', 'bench reward', 'bench errors', 'live n', 'live reward', 'origin', 'id'],
      versions.map((v) => [
        v.active ? `${v.label}*` : v.label,
        v.kind,
        v.status,
        labelOf(v.parentId),
        v.benchmark ? formatReward(v.benchmark.meanReward) : null,
        v.benchmark ? formatPercent(v.benchmark.errorRate) : null,
        v.live.count,
        formatReward(v.live.meanReward),
        v.origin,
        v.id,
      ]),
    ),
  );
}

export async function historyCommand(options: GlobalOptions & Json & { asOf?: string; limit?: number; type?: string[] }): Promise<void> {
  const session = await openSession(options);
  // Loaded for `history` alone: it reads --as-of and the event types with zod and the event schemas.
  const { readHistory } = await import('../app/history.js');
  const history = await readHistory(session, {
    ...(options.asOf === undefined ? {} : { asOf: options.asOf }),
    ...(options.limit === undefined ? {} : { limit: options.limit }),
    ...(options.type === undefined ? {} : { types: options.type }),
  });
  if (options.json) return printJson(history);
  printLine(
    formatTable(
      ['seq', 'at', 'event', 'what'],
      history.events.map((l) => [l.seq, l.at, l.type, l.description]),
    ),
  );
  if (history.omitted) printLine(`(${counted(history.omitted, 'earlier event')} not shown${options.limit === undefined ? '' : `: --limit ${options.limit}`})`);
  const { asOf, state } = history;
  if (asOf && state) {
    printLine();
    printLine(
      `As of ${'seq' in asOf ? `seq ${asOf.seq}` : asOf.time}: active ${state.active ? `${state.active.label} (${state.active.id})` : 'none'}, ${counted(state.versionCount, 'version')}, ${counted(state.trajectoryCount, 'trajectory', 'trajectories')}, ${counted(state.reportCount, 'report')}`,
    );
  }
}

export async function verifyCommand(options: GlobalOptions & Json & { repair?: boolean }): Promise<void> {
  const session = await openSession(options);
  const dropped = options.repair ? await session.store.repair() : 0;
  const report = await verifyLog(session.store);
  if (options.json) printJson({ ...report, repairedBytes: dropped });
  else if (report.ok) {
    if (dropped) printLine(`dropped ${counted(dropped, 'byte')} of an unfinished append`);
    printLine(`ok: ${counted(report.events, 'event')}, last seq ${report.lastSeq}, head ${report.lastHash}`);
    if (report.snapshot)
      printLine(
        `snapshot at seq ${report.snapshot.seq}: ${report.snapshot.status === 'matches' ? 'matches the log' : 'not used by readers (not of this log or format)'}`,
      );
    if (report.tornTail) {
      printLine(
        `note: line ${report.tornTail.firstLine} on (${counted(report.tornTail.bytes, 'byte')}) is an unfinished append (${report.tornTail.reason}); it was never acknowledged and the next write drops it (or run \`memabra verify --repair\`)`,
      );
    }
  }
  // A torn tail is an append that was never acknowledged, not damage: the log is ok (exit 0), with a note.
  if (!report.ok) throw new MemabraError('corrupt-log', report.error);
}
