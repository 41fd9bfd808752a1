import { caseFromTrajectory, isBetterCase, normaliseInput } from './caseMemory.js';
import { caseOf, setCase } from './caseTable.js';
import type { StoredEvent } from '../events/catalogue.js';
import type { StateDraft } from './state.js';

/** The best past trajectory per normalised request. */
export function evolveCaseIndex(state: StateDraft, event: StoredEvent): void {
  switch (event.type) {
    case 'TrajectoryRecorded': {
      const { trajectory } = event.data;
      const key = normaliseInput(trajectory.task.input);
      if (key === '') return;
      const rank = { reward: trajectory.outcome.reward, latencyMs: trajectory.outcome.latencyMs, seq: event.seq };
      // The summary is built only for a case that wins: most trajectories repeat a known request.
      if (isBetterCase(rank, caseOf(state.cases, key))) setCase(state.cases, key, caseFromTrajectory(trajectory, event.seq));
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
