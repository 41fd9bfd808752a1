import type { StoredEvent } from '../events/catalogue.js';
import type { StateDraft } from './state.js';

/** Which version routes now, how it got there, and what was active before it. */
export function evolveActiveRouter(state: StateDraft, event: StoredEvent): void {
  switch (event.type) {
    case 'RouterRegistered':
      if (!event.data.activate) return;
      state.active = {
        versionId: event.data.version.id,
        seq: event.seq,
        at: event.at,
        source: { type: 'registered', reason: event.data.reason },
        priorVersionId: state.active?.versionId ?? null,
      };
      return;
    case 'ChallengerPromoted':
      state.active = {
        versionId: event.data.versionId,
        seq: event.seq,
        at: event.at,
        source: { type: 'promoted', cycleId: event.data.cycleId },
        priorVersionId: event.data.priorVersionId,
      };
      return;
    case 'RouterRolledBack':
      state.active = {
        versionId: event.data.toVersionId,
        seq: event.seq,
        at: event.at,
        source: { type: 'rolled-back', reason: event.data.reason },
        priorVersionId: event.data.fromVersionId,
      };
      return;
    case 'TrajectoryRecorded':
    case 'CycleStarted':
    case 'CycleSkipped':
    case 'ChallengerTrained':
    case 'ChallengerEvaluated':
    case 'ChallengerRejected':
    case 'CycleFailed':
    case 'BenchmarkRegistered':
      return;
    case 'DecisionLogged':
      return;
    default:
      return event satisfies never;
  }
}
