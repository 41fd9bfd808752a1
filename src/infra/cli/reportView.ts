import type { OffPolicyEstimate } from '../../events/catalogue.js';
import type { MemabraState, TrainingReport } from '../../projections/state.js';
import { ROUTES } from '../../events/model/vocabulary.js';
import type { Metrics } from '../../events/model/metrics.js';
import { counted, formatPercent, formatReward, formatTable } from './output.js';
import { evidenceName } from '../../domain/evaluation/evidenceName.js';
import { notYetShown } from './notYetShown.js';

const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(3)}`;
const trajectories = (n: number) => counted(n, 'trajectory', 'trajectories');

function label(state: MemabraState, id: string | null): string {
  if (!id) return '-';
  const entry = state.versions.get(id);
  return entry ? `${entry.version.label} (${entry.version.kind})` : id;
}

function headline(report: TrainingReport, state: MemabraState): string {
  switch (report.decision) {
    case 'promoted':
      return `PROMOTED ${label(state, report.promotedVersionId)}`;
    case 'rejected':
      return report.dryRun ? `DRY RUN: would ${report.wouldPromote ? '' : 'not '}promote` : 'REJECTED: the active router is unchanged';
    case 'skipped': {
      const thin = report.thinEvidence;
      if (thin) {
        return `SKIPPED: too little held-out evidence to judge a challenger: ${thin.heldOutCount} held-out trajectories with a propensity, ${thin.requiredCount} needed; record about ${thin.moreTrajectoriesNeeded} more routed by memabra (or register a labelled suite with \`memabra benchmark use FILE\`)`;
      }
      return `SKIPPED: ${trajectories(report.newTrajectories.count)} new, ${report.minNewTrajectories} needed`;
    }
    case 'failed':
      return `FAILED: ${report.error}`;
    case 'running':
      return 'RUNNING (no terminal event yet)';
    default:
      return report.decision satisfies never;
  }
}

function estimates(list: readonly OffPolicyEstimate[]): string {
  return list.map((e) => `${e.estimator.toUpperCase()} ${e.value.toFixed(3)} [${e.lower.toFixed(3)}, ${e.upper.toFixed(3)}]`).join('  ');
}

/** The before and after of a scored cycle: per category, errors, latency, the paired differences. */
function comparisonLines(report: TrainingReport, before: Metrics, after: Metrics): string[] {
  const lines: string[] = [];
  lines.push('');
  const rows: (string | number | null)[][] = ROUTES.filter((r) => before.byCategory[r]).map((r) => {
    const b = before.byCategory[r]!;
    const a = after.byCategory[r];
    return [r, b.taskCount, formatReward(b.meanReward), formatReward(a?.meanReward), signed((a?.meanReward ?? 0) - b.meanReward)];
  });
  rows.push(['overall', before.taskCount, formatReward(before.meanReward), formatReward(after.meanReward), signed(after.meanReward - before.meanReward)]);
  lines.push(formatTable(['category', 'tasks', 'baseline', 'challenger', 'change'], rows).replace(/^/gm, '  '));
  lines.push(
    `  errors ${formatPercent(before.errorRate)} -> ${formatPercent(after.errorRate)}; mean latency ${before.meanLatencyMs.toFixed(0)} -> ${after.meanLatencyMs.toFixed(0)} ms; p95 ${before.p95LatencyMs} -> ${after.p95LatencyMs} ms`,
  );
  if (report.paired) {
    const p = report.paired;
    const unit = p.method === 'paired-bootstrap' ? (['task', 'tasks'] as const) : (['held-out trajectory', 'held-out trajectories'] as const);
    lines.push(
      `  paired: ${counted(p.wins, unit[0], unit[1])} better, ${p.losses} worse, ${p.ties} same; mean ${signed(p.meanDelta)} (${(p.confidenceLevel * 100).toFixed(0)}% bootstrap CI ${signed(p.lower)} to ${signed(p.upper)})`,
    );
  }
  const c = report.comparison;
  if (c) {
    const level = `${(c.confidenceLevel * 100).toFixed(0)}% CI`;
    const pts = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}`;
    const ms = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(0)}`;
    lines.push(
      `  paired errors ${pts(c.errorRate.meanDelta)} points (${level} ${pts(c.errorRate.lower)} to ${pts(c.errorRate.upper)}); latency ${ms(c.latencyMs.meanDelta)} ms (${level} ${ms(c.latencyMs.lower)} to ${ms(c.latencyMs.upper)})`,
    );
  }
  return lines;
}

/** A training report as a person reads it: the decision, every gate with its numbers, before and after. */
export function renderReport(report: TrainingReport, state: MemabraState): string {
  const lines: string[] = [];
  lines.push(`Cycle ${report.cycleId}${report.dryRun ? ' (dry run)' : ''} at ${report.startedAt}: ${headline(report, state)}`);
  lines.push(`  baseline    ${label(state, report.baselineVersionId)}`);
  if (report.challengerVersionId) {
    const heldOut = report.heldOut ? `, ${report.heldOut.count} held out` : '';
    lines.push(
      `  challenger  ${label(state, report.challengerVersionId)}, trained on ${trajectories(report.trainingSet?.count ?? 0)} (${report.excludedCount} excluded: same input as a benchmark task${heldOut})`,
    );
  }
  lines.push(`  data        ${trajectories(report.newTrajectories.count)} new (seq ${report.newTrajectories.fromSeq}-${report.newTrajectories.toSeq})`);
  const evidence = report.evidence;
  lines.push(
    evidence.type === 'suite'
      ? `  judged on   ${evidenceName(evidence)}: ${counted(evidence.benchmark.taskCount, 'task')}, sha256 ${evidence.benchmark.hash.slice(0, 12)}`
      : `  judged on   ${evidenceName(evidence)}${report.judged ? `: ${trajectories(report.judged.count)} (seq ${report.judged.fromSeq}-${report.judged.toSeq}), doubly robust and self-normalised estimates` : ''}`,
  );
  if (report.reasons.length) {
    lines.push('');
    lines.push(
      formatTable(
        ['gate', 'result', 'detail'],
        report.reasons.map((r) => [r.gate, r.passed ? 'pass' : 'FAIL', r.message]),
      ).replace(/^/gm, '  '),
    );
    const hint = notYetShown(report);
    if (hint) lines.push(`  ${hint}`);
  }
  const before = report.baselineMetrics;
  const after = report.challengerMetrics;
  if (before && after) lines.push(...comparisonLines(report, before, after));
  if (report.offPolicy && report.offPolicy.sampleCount > 0) {
    const heldOut = report.evidence.type === 'held-out';
    lines.push(
      `  off-policy on ${counted(report.offPolicy.sampleCount, heldOut ? 'held-out decision' : 'logged decision')} (${heldOut ? 'greedy routers' : 'with exploration'}, 95% CI):`,
    );
    lines.push(`    baseline    ${estimates(report.offPolicy.baseline)}`);
    lines.push(
      `    challenger  ${estimates(report.offPolicy.challenger)}${heldOut ? '  (out of sample: held out of its training)' : '  (in-sample: it was trained on these logs)'}`,
    );
    const unsupported = report.offPolicy.unsupported ?? 0;
    if (unsupported > 0) {
      lines.push(
        `  on ${counted(unsupported, 'held-out decision')} the challenger chooses a route their routers never try there, which the log cannot show: counted at the worst outcome (reward 0, an error, the slowest latency held out)`,
      );
    }
  }
  return lines.join('\n');
}
