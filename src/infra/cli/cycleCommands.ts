import { summariseReports } from '../../domain/summaries.js';
import { handleCommand } from '../app/commandHandler.js';
import { commands } from '../app/commands.js';
import { loadState } from '../app/foldedState.js';
import { findReport } from '../app/reports.js';
import { formatReward, formatTable, printJson, printLine } from './output.js';
import { renderReport } from './reportView.js';
import { openSession, type GlobalOptions } from './runtime.js';
import { policyOverrides } from './policyFlags.js';

type Json = { json?: boolean };

export type CycleFlags = GlobalOptions &
  Json & {
    minNewTrajectories?: number;
    dryRun?: boolean;
    baselineVersion?: string;
    benchmark?: string;
    window?: number;
  } & Record<string, unknown>;

export async function cycleCommand(flags: CycleFlags): Promise<void> {
  const session = await openSession(flags);
  const policy = policyOverrides(flags);
  const { report } = await handleCommand(session, commands.cycle, {
    dryRun: flags.dryRun ?? false,
    ...(flags.minNewTrajectories === undefined ? {} : { minNewTrajectories: flags.minNewTrajectories }),
    ...(flags.baselineVersion === undefined ? {} : { baselineVersion: flags.baselineVersion }),
    ...(flags.benchmark === undefined ? {} : { benchmark: flags.benchmark }),
    ...(flags.window === undefined ? {} : { window: flags.window }),
    policy,
  });
  if (flags.json) return printJson(report);
  printLine(renderReport(report, await loadState(session.store)));
}

export async function reportsCommand(id: string | undefined, flags: GlobalOptions & Json): Promise<void> {
  const session = await openSession(flags);
  const state = await loadState(session.store);
  if (id) {
    const report = findReport(state.reports, id, '`memabra reports`');
    if (flags.json) return printJson(report);
    return printLine(renderReport(report, state));
  }
  const reports = summariseReports(state);
  if (flags.json) return printJson(reports);
  const labelOf = (versionId: string | null) => (versionId ? (state.versions.get(versionId)?.version.label ?? versionId) : null);
  printLine(
    formatTable(
      ['cycle', 'started', 'decision', 'baseline', 'challenger', 'samples', 'baseline reward', 'challenger reward', 'failed gates'],
      reports.map((r) => [
        r.cycleId,
        r.startedAt,
        r.dryRun ? `${r.decision} (dry run)` : r.decision,
        labelOf(r.baselineVersionId),
        labelOf(r.challengerVersionId),
        r.sampleCount,
        formatReward(r.baselineMeanReward),
        formatReward(r.challengerMeanReward),
        r.failedGates.join(', ') || null,
      ]),
    ),
  );
}
