import { Map as PersistentMap } from 'immutable';
import type { CaseEntry } from '../domain/caseMemory.js';
import { deserialiseIdIndex, serialiseIdIndex, type SerialisedIdIndex } from './idIndex.js';
import type { MemabraState, RewardStats, TrainingReport, VersionEntry } from './state.js';

/** Bumped whenever MemabraState changes shape: a snapshot of another format is ignored and rebuilt. */
export const STATE_FORMAT = 3;

export type SerialisedState = {
  format: number;
  lastSeq: number;
  lastAt: string | null;
  versions: [string, VersionEntry][];
  active: MemabraState['active'];
  reports: [string, TrainingReport][];
  trajectories: { count: number; ids: SerialisedIdIndex; seenThroughSeq: number };
  cases: [string, CaseEntry][];
  liveStats: [string, RewardStats][];
};

/** Plain JSON-able data for a snapshot: maps become entry lists, in their insertion order. */
export function serialiseState(state: MemabraState): SerialisedState {
  return {
    format: STATE_FORMAT,
    lastSeq: state.lastSeq,
    lastAt: state.lastAt,
    versions: [...state.versions],
    active: state.active,
    reports: [...state.reports],
    trajectories: { count: state.trajectories.count, ids: serialiseIdIndex(state.trajectories.ids), seenThroughSeq: state.trajectories.seenThroughSeq },
    cases: [...state.cases.entries()],
    liveStats: [...state.liveStats],
  };
}

export function deserialiseState(data: SerialisedState): MemabraState | null {
  if (data.format !== STATE_FORMAT) return null;
  const ids = deserialiseIdIndex(data.trajectories.ids);
  if (!ids) return null;
  return {
    lastSeq: data.lastSeq,
    lastAt: data.lastAt,
    versions: new Map(data.versions),
    active: data.active,
    reports: new Map(data.reports),
    trajectories: { count: data.trajectories.count, ids, seenThroughSeq: data.trajectories.seenThroughSeq },
    cases: PersistentMap(data.cases),
    liveStats: new Map(data.liveStats),
  };
}
