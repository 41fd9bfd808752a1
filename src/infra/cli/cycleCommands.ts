import { summariseReport } from '../../domain/summaries.js';
import { runCycle } from '../app/cycle.js';
import { loadState } from '../app/foldedState.js';
import { MemabraError } from '../errors.js';
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
  } & Record<string, unknown>;

export async function cycleCommand(flags: CycleFlags): Promise<void> {
  const session = await openSession(flags);
  const policy = policyOverrides(flags);
  const { report } = await runCycle(session, {
    dryRun: flags.dryRun ?? false,
    ...(flags.minNewTrajectories === undefined ? {} : { minNewTrajectories: flags.minNewTrajectories }),
    ...(flags.baselineVersion === undefined ? {} : { baselineVersion: flags.baselineVersion }),
    ...(flags.benchmark === undefined ? {} : { benchmark: flags.benchmark }),
    policy,
  });
  if (flags.json) return printJson(report);
  printLine(renderReport(report, await loadState(session.store)));
}

export async function reportsCommand(id: string | undefined, flags: GlobalOptions & Json): Promise<void> {
  const session = await openSession(flags);
  const state = await loadState(session.store);
  const reports = [...state.reports.values()];
  if (id) {
    const matches = reports.filter((r) => r.cycleId === id || r.cycleId.startsWith(id));
    if (matches.length !== 1) {
      throw new MemabraError(matches.length ? 'input' : 'not-found', matches.length ? `report "${id}" is ambiguous` : `no report "${id}" (see \`memabra reports\`)`);
    }
    const report = matches[0]!;
    if (flags.json) return printJson(report);
    return printLine(renderReport(report, state));
  }
  if (flags.json) return printJson(reports.map(summariseReport));
  const labelOf = (versionId: string | null) => (versionId ? (state.versions.get(versionId)?.version.label ?? versionId) : null);
  printLine(
    formatTable(
      ['cycle', 'started', 'decision', 'baseline', 'challenger', 'samples', 'baseline reward', 'challenger reward', 'failed gates'],
      reports.map(summariseReport).map((r) => [
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
