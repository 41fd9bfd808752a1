import type { StoredEvent } from '../events/catalogue.js';
import type { StateDraft } from './state.js';

/**
 * What judges this log's challengers: the registered suite (the latest registration replaces any before
 * it), and the held-out rule as the first cycle that kept a share out recorded it, so later cycles keep
 * the same share even if a newer memabra defaults to another.
 */
export function evolveEvidence(state: StateDraft, event: StoredEvent): void {
  switch (event.type) {
    case 'BenchmarkRegistered': {
      const { benchmark, storage } = event.data;
      // An embedded suite stays in its event: the state (and every snapshot) holds only where to find it.
      state.benchmark = { ref: benchmark, storage: storage.type === 'embedded' ? { type: 'embedded' } : storage, seq: event.seq, at: event.at };
      return;
    }
    case 'ChallengerTrained':
      if (event.data.heldOut && !state.heldOutRule) state.heldOutRule = event.data.heldOut.rule;
      return;
    case 'RouterRegistered':
    case 'DecisionLogged':
    case 'TrajectoryRecorded':
    case 'CycleStarted':
    case 'CycleSkipped':
    case 'ChallengerEvaluated':
    case 'ChallengerPromoted':
    case 'ChallengerRejected':
    case 'CycleFailed':
    case 'RouterRolledBack':
      return;
    default:
      return event satisfies never;
  }
}
