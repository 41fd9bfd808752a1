import type { StoredEvent } from '../events/catalogue.js';
import { counted } from './plural.js';
import { evidenceLabel } from './evaluation/evidenceName.js';

const short = (id: string) => id.slice(-8);
const clip = (input: string) => (input.length > 50 ? `${input.slice(0, 47)}...` : input);

/** One line per event for the audit trail. */
export function describeEvent(event: StoredEvent): string {
  switch (event.type) {
    case 'RouterRegistered': {
      const { version, activate, reason } = event.data;
      return `${version.label} (${version.kind}) registered: ${reason}${activate ? ', activated' : ''}`;
    }
    case 'DecisionLogged': {
      const { request, route, propensity, decisionId } = event.data;
      return `decision ${short(decisionId)}: "${clip(request.input)}" -> ${route} (propensity ${propensity.toFixed(2)})`;
    }
    case 'TrajectoryRecorded': {
      const { task, decision, outcome } = event.data.trajectory;
      const completes = decision.decisionId ? ` (decision ${short(decision.decisionId)})` : '';
      return `"${clip(task.input)}" -> ${decision.route}, reward ${outcome.reward}${completes}`;
    }
    case 'CycleStarted':
      return `cycle ${short(event.data.cycleId)} started against ${short(event.data.baselineVersionId)} on ${evidenceLabel(event.data.evidence)}, ${counted(event.data.newTrajectories.count, 'new trajectory', 'new trajectories')}${event.data.options.dryRun ? ' (dry run)' : ''}`;
    case 'CycleSkipped': {
      const thin = event.data.thinEvidence;
      if (thin)
        return `cycle ${short(event.data.cycleId)} skipped: ${counted(thin.heldOutCount, 'held-out trajectory', 'held-out trajectories')}, ${thin.requiredCount} needed to judge`;
      return `cycle ${short(event.data.cycleId)} skipped: ${counted(event.data.newTrajectoryCount, 'new trajectory', 'new trajectories')}, ${event.data.minNewTrajectories} needed`;
    }
    case 'ChallengerTrained':
      return `cycle ${short(event.data.cycleId)} trained ${event.data.challenger.label} on ${counted(event.data.trainingSet.count, 'trajectory', 'trajectories')} (${event.data.excluded.length} excluded)`;
    case 'ChallengerEvaluated':
      return `cycle ${short(event.data.cycleId)} evaluated: baseline ${event.data.baseline.metrics.meanReward.toFixed(3)}, challenger ${event.data.challenger.metrics.meanReward.toFixed(3)}`;
    case 'ChallengerPromoted':
      return `cycle ${short(event.data.cycleId)} promoted ${short(event.data.versionId)} (was ${short(event.data.priorVersionId)})`;
    case 'ChallengerRejected': {
      const failed = event.data.reasons.filter((r) => !r.passed).map((r) => r.gate);
      const verdict = event.data.dryRun ? `dry run, would ${event.data.wouldPromote ? '' : 'not '}promote` : `failed ${failed.join(', ')}`;
      return `cycle ${short(event.data.cycleId)} rejected ${short(event.data.challengerVersionId)}: ${verdict}`;
    }
    case 'CycleFailed':
      return `cycle ${short(event.data.cycleId)} failed in ${event.data.stage}: ${event.data.error}`;
    case 'RouterRolledBack':
      return `rolled back from ${short(event.data.fromVersionId)} to ${short(event.data.toVersionId)}${event.data.reason ? `: ${event.data.reason}` : ''}`;
    case 'BenchmarkRegistered': {
      const { name, version, taskCount, hash } = event.data.benchmark;
      return `benchmark ${name} v${version} registered (${taskCount} tasks, sha256 ${hash.slice(0, 12)}, ${event.data.storage.type})`;
    }
    default:
      return event satisfies never;
  }
}
