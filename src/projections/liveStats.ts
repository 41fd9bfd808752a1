import type { StoredEvent } from '../events/catalogue.js';
import { EXTERNAL_DECISIONS, type StateDraft } from './state.js';

/**
 * Rewards of live decisions, per router version that made them. A trajectory that completes a logged
 * decision carries the logged version and propensity (record.ts), never the caller's copy of them.
 */
export function evolveLiveStats(state: StateDraft, event: StoredEvent): void {
  switch (event.type) {
    case 'TrajectoryRecorded': {
      const { decision, outcome } = event.data.trajectory;
      const key = decision.routerVersionId ?? EXTERNAL_DECISIONS;
      const stats = state.liveStats.get(key) ?? { count: 0, rewardSum: 0, errorCount: 0, loggedCount: 0 };
      state.liveStats.set(key, {
        count: stats.count + 1,
        rewardSum: stats.rewardSum + outcome.reward,
        errorCount: stats.errorCount + (outcome.error ? 1 : 0),
        loggedCount: stats.loggedCount + (decision.decisionId !== undefined ? 1 : 0),
      });
      return;
    }
    case 'RouterRegistered':
    case 'CycleStarted':
    case 'CycleSkipped':
    case 'ChallengerTrained':
    case 'ChallengerEvaluated':
    case 'ChallengerPromoted':
    case 'ChallengerRejected':
    case 'CycleFailed':
    case 'RouterRolledBack':
    case 'BenchmarkRegistered':
      return;
    case 'DecisionLogged':
      return;
    default:
      return event satisfies never;
  }
}
