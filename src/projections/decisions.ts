import type { StoredEvent } from '../events/catalogue.js';
import { addId } from './idIndex.js';
import type { StateDraft } from './state.js';

/**
 * The decisions `route` logged: those still awaiting an outcome (with what `record` needs to complete
 * them), and which ones an outcome completed. A completed decision leaves `pending`, so the projection
 * grows with the decisions nobody reported on, not with the log.
 */
export function evolveDecisions(state: StateDraft, event: StoredEvent): void {
  switch (event.type) {
    case 'DecisionLogged':
      state.decisions.logged += 1;
      state.decisions.pending = state.decisions.pending.set(event.data.decisionId, { seq: event.seq, data: event.data });
      return;
    case 'TrajectoryRecorded': {
      const { decisionId } = event.data.trajectory.decision;
      if (decisionId === undefined) return;
      state.decisions.pending = state.decisions.pending.delete(decisionId);
      addId(state.decisions.completed, decisionId, event.seq);
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
    default:
      return event satisfies never;
  }
}
