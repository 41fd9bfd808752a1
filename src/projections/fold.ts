import { enableMapSet, produce, type Draft } from 'immer';
import type { StoredEvent } from '../events/catalogue.js';
import { evolveActiveRouter } from './activeRouter.js';
import { evolveCaseIndex } from './caseIndex.js';
import { evolveLiveStats } from './liveStats.js';
import { evolveReports } from './reports.js';
import type { MemabraState } from './state.js';
import { evolveTrajectories } from './trajectories.js';
import { evolveVersions } from './versions.js';

enableMapSet();

/** Applies one event to every projection. Order matters only in that reports exist before they are consumed. */
export function evolve(state: Draft<MemabraState>, event: StoredEvent): void {
  evolveVersions(state, event);
  evolveActiveRouter(state, event);
  evolveReports(state, event);
  evolveTrajectories(state, event);
  evolveCaseIndex(state, event);
  evolveLiveStats(state, event);
  state.lastSeq = event.seq;
  state.lastAt = event.at;
}

/** Folds a batch of events in one immer `produce` (one per event would copy large maps every time). */
export function foldEvents(state: MemabraState, events: Iterable<StoredEvent>): MemabraState {
  return produce(state, (draft) => {
    for (const event of events) evolve(draft, event);
  });
}

/** "As of" a seq (inclusive) or a time (every event stamped at or before it; `at` never decreases). */
export type AsOf = { readonly seq: number } | { readonly time: string };

export function isWithin(event: StoredEvent, asOf: AsOf | undefined): boolean {
  if (!asOf) return true;
  return 'seq' in asOf ? event.seq <= asOf.seq : Date.parse(event.at) <= Date.parse(asOf.time);
}

/** The events of the log as it was at `asOf`: a prefix, since seq and `at` only grow. */
export function* eventsAsOf(events: Iterable<StoredEvent>, asOf: AsOf | undefined): Generator<StoredEvent> {
  for (const event of events) {
    if (!isWithin(event, asOf)) return;
    yield event;
  }
}
