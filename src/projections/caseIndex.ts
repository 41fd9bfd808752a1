import { castDraft, type Draft } from 'immer';
import { caseFromTrajectory, isBetterCase, type CaseEntry } from '../domain/caseMemory.js';
import type { StoredEvent } from '../events/catalogue.js';
import type { MemabraState } from './state.js';

/** The best past trajectory per normalised request. */
export function evolveCaseIndex(state: Draft<MemabraState>, event: StoredEvent): void {
  switch (event.type) {
    case 'TrajectoryRecorded': {
      const entry = caseFromTrajectory(event.data.trajectory, event.seq);
      if (entry.key === '') return;
      if (isBetterCase(entry, state.cases.get(entry.key) as CaseEntry | undefined)) state.cases.set(entry.key, castDraft(entry));
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
      return;
    default:
      return event satisfies never;
  }
}
