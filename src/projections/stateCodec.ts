import { PersistentMap } from './persistentMap.js';
import { decodeCaseIndex, encodeCaseIndex } from './caseCodec.js';
import { caseEntries, caseIndexOf, caseIndexOfEntries, emptyCaseIndex } from './caseTable.js';
import type { CaseEntry } from './caseMemory.js';
import { canonicalJson } from '../events/canonicalJson.js';
import { deserialiseIdIndex, emptyIdIndex, sameIdIndex, serialiseIdIndex, type SerialisedIdIndex } from './idIndex.js';
import type { MemabraState, PendingDecision, RewardStats, TrainingReport, VersionEntry } from './state.js';

/**
 * Bumped whenever MemabraState changes shape, or the fold makes something else of the same events (6: a
 * cycle skipped for thin held-out evidence names that gate): a snapshot of another format is ignored and
 * the state folded again, so a snapshot never answers what a fold would not. 7: the case index is a binary
 * section (caseCodec.ts); format 6 held the same state with the case index as JSON, and is still read.
 */
export const STATE_FORMAT = 7;

/**
 * The format before the case index became a section. Its snapshots hold exactly the state a format-7 one
 * does, so reading them spares the first open after an upgrade a fold of the whole log (half a minute at
 * a million events, and in a server a second one in its snapshot worker).
 */
const JSON_CASES_FORMAT = 6;

export type SerialisedState = {
  format: number;
  lastSeq: number;
  lastAt: string | null;
  versions: [string, VersionEntry][];
  active: MemabraState['active'];
  reports: [string, TrainingReport][];
  trajectories: { count: number; ids: SerialisedIdIndex; seenThroughSeq: number };
  /** The section that holds the case index. */
  cases: { section: number };
  liveStats: [string, RewardStats][];
  decisions: { logged: number; pending: [string, PendingDecision][]; completed: SerialisedIdIndex };
  benchmark: MemabraState['benchmark'];
  heldOutRule: MemabraState['heldOutRule'];
};

/** A state of format 6, which held the case index as entries in the JSON. */
export type SerialisedStateWithJsonCases = Omit<SerialisedState, 'format' | 'cases'> & { format: typeof JSON_CASES_FORMAT; cases: [string, CaseEntry][] };

/** A state as a snapshot holds it: JSON-able data, and binary sections that the data refers to by number. */
export type StateImage = { readonly data: SerialisedState; readonly sections: readonly Uint8Array[] };

/** What a snapshot may hold: a state of the current format, or of one that is still read. */
export type StoredStateImage = { readonly data: SerialisedState | SerialisedStateWithJsonCases; readonly sections: readonly Uint8Array[] };

/** Maps become entry lists, in their insertion order; the trajectory id index and the case index go into sections. */
export function serialiseState(state: MemabraState): StateImage {
  const sections: Uint8Array[] = [];
  const attach = (bytes: Uint8Array): number => sections.push(bytes) - 1;
  const data: SerialisedState = {
    format: STATE_FORMAT,
    lastSeq: state.lastSeq,
    lastAt: state.lastAt,
    versions: [...state.versions],
    active: state.active,
    reports: [...state.reports],
    trajectories: { count: state.trajectories.count, ids: serialiseIdIndex(state.trajectories.ids, attach), seenThroughSeq: state.trajectories.seenThroughSeq },
    cases: { section: attach(encodeCaseIndex(state.cases)) },
    liveStats: [...state.liveStats],
    decisions: {
      logged: state.decisions.logged,
      pending: [...state.decisions.pending.entries()],
      completed: serialiseIdIndex(state.decisions.completed, attach),
    },
    benchmark: state.benchmark,
    heldOutRule: state.heldOutRule,
  };
  return { data, sections };
}

/** The state of a snapshot, or null when it is of another format or does not hold together. */
export function deserialiseState({ data, sections }: StoredStateImage): MemabraState | null {
  // Each format with its own layout of the case index: anything else does not hold together.
  if (data.format !== (Array.isArray(data.cases) ? JSON_CASES_FORMAT : STATE_FORMAT)) return null;
  const ids = deserialiseIdIndex(data.trajectories.ids, (section) => sections[section]);
  const completed = deserialiseIdIndex(data.decisions.completed, (section) => sections[section]);
  const snapshotCases = Array.isArray(data.cases) ? null : decodeCaseIndex(sections[data.cases.section]);
  const cases = Array.isArray(data.cases) ? caseIndexOfEntries(data.cases) : snapshotCases && caseIndexOf(snapshotCases);
  if (!ids || !completed || !cases) return null;
  return {
    lastSeq: data.lastSeq,
    lastAt: data.lastAt,
    versions: new Map(data.versions),
    active: data.active,
    reports: new Map(data.reports),
    trajectories: { count: data.trajectories.count, ids, seenThroughSeq: data.trajectories.seenThroughSeq },
    cases,
    liveStats: new Map(data.liveStats),
    decisions: { logged: data.decisions.logged, pending: PersistentMap(data.decisions.pending), completed },
    benchmark: data.benchmark,
    heldOutRule: data.heldOutRule,
  };
}

/**
 * Whether two states hold the same read models, whatever their layout: the id indexes by what they hold, the
 * case index by its entries in key order, everything else by its canonical JSON (maps in fold order, which
 * a snapshot keeps). A state loaded from a snapshot and one folded from the start must be the same.
 */
export function sameState(a: MemabraState, b: MemabraState): boolean {
  const plain = (state: MemabraState) => {
    const { data } = serialiseState({
      ...state,
      trajectories: { ...state.trajectories, ids: emptyIdIndex },
      cases: emptyCaseIndex,
      decisions: { ...state.decisions, completed: emptyIdIndex, pending: PersistentMap() },
    });
    return canonicalJson(data);
  };
  const byKey = ([x]: [string, unknown], [y]: [string, unknown]) => (x < y ? -1 : x > y ? 1 : 0);
  const cases = (state: MemabraState) => canonicalJson([[...caseEntries(state.cases)].sort(byKey), [...state.decisions.pending.entries()].sort(byKey)]);
  return (
    sameIdIndex(a.trajectories.ids, b.trajectories.ids) &&
    sameIdIndex(a.decisions.completed, b.decisions.completed) &&
    plain(a) === plain(b) &&
    cases(a) === cases(b)
  );
}
