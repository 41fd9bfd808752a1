import type { StoredEvent } from '../events/catalogue.js';
import { addId } from './idIndex.js';
import type { StateDraft } from './state.js';

function markConsumed(state: StateDraft, cycleId: string): void {
  const report = state.reports.get(cycleId);
  if (!report || report.dryRun) return; // a dry run changes nothing, so the next real cycle sees the same data
  state.trajectories.seenThroughSeq = Math.max(state.trajectories.seenThroughSeq, report.newTrajectories.toSeq);
}

/** Recorded trajectory ids and which of them completed cycles have consumed. */
export function evolveTrajectories(state: StateDraft, event: StoredEvent): void {
  switch (event.type) {
    case 'TrajectoryRecorded':
      state.trajectories.count += 1;
      addId(state.trajectories.ids, event.data.trajectory.id, event.seq);
      return;
    case 'ChallengerPromoted':
    case 'ChallengerRejected':
      markConsumed(state, event.data.cycleId);
      return;
    case 'RouterRegistered':
    case 'CycleStarted':
    case 'CycleSkipped':
    case 'ChallengerTrained':
    case 'ChallengerEvaluated':
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
