import type { StoredEvent } from '../events/catalogue.js';
import type { StateDraft } from './state.js';

/** The version list: every router version that entered the log, with its origin and latest benchmark score. */
export function evolveVersions(state: StateDraft, event: StoredEvent): void {
  switch (event.type) {
    case 'RouterRegistered': {
      const { version, reason } = event.data;
      state.versions.set(version.id, {
        version,
        seq: event.seq,
        at: event.at,
        origin: { type: 'registered', reason },
        benchmark: null,
        rejectedBy: null,
        promotedBy: null,
      });
      return;
    }
    case 'ChallengerTrained': {
      const { challenger, cycleId } = event.data;
      state.versions.set(challenger.id, {
        version: challenger,
        seq: event.seq,
        at: event.at,
        origin: { type: 'trained', cycleId },
        benchmark: null,
        rejectedBy: null,
        promotedBy: null,
      });
      return;
    }
    case 'ChallengerEvaluated': {
      const { evidence, baseline, challenger } = event.data;
      for (const side of [baseline, challenger]) {
        const entry = state.versions.get(side.versionId);
        if (entry) entry.benchmark = { evidence, metrics: side.metrics, seq: event.seq };
      }
      return;
    }
    case 'ChallengerPromoted': {
      const entry = state.versions.get(event.data.versionId);
      if (entry) entry.promotedBy = event.data.cycleId;
      return;
    }
    case 'ChallengerRejected': {
      const entry = state.versions.get(event.data.challengerVersionId);
      if (entry) entry.rejectedBy = event.data.cycleId;
      return;
    }
    case 'TrajectoryRecorded':
    case 'CycleStarted':
    case 'CycleSkipped':
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
