import { createDraft, enableMapSet, finishDraft, produce, setAutoFreeze } from 'immer';
import type { StoredEvent } from '../events/catalogue.js';
import { evolveActiveRouter } from './activeRouter.js';
import { evolveCaseIndex } from './caseIndex.js';
import { evolveDecisions } from './decisions.js';
import { evolveEvidence } from './evidence.js';
import { evolveLiveStats } from './liveStats.js';
import { evolveReports } from './reports.js';
import type { MemabraState, StateDraft } from './state.js';
import { openCaseIndex, sealCaseIndex } from './caseTable.js';
import { openIdIndex, sealIdIndex } from './idIndex.js';
import { evolveTrajectories } from './trajectories.js';
import { evolveVersions } from './versions.js';

enableMapSet();
// States are immutable by type (readonly) and by convention; deep-freezing every new object on every fold
// costs more than the whole fold of a trajectory event.
setAutoFreeze(false);

/** Applies one event to every projection. Order matters only in that reports exist before they are consumed. */
export function evolve(state: StateDraft, event: StoredEvent): void {
  evolveVersions(state, event);
  evolveActiveRouter(state, event);
  evolveReports(state, event);
  evolveTrajectories(state, event);
  evolveCaseIndex(state, event);
  evolveLiveStats(state, event);
  evolveDecisions(state, event);
  evolveEvidence(state, event);
  state.lastSeq = event.seq;
  state.lastAt = event.at;
}

/**
 * What every trajectory event changes (the counters, the id and case indexes, the live statistics) is
 * taken out of immer for the length of a fold: plain values and transients the fold owns, updated in place
 * without a proxy per access, sharing nothing they change with the state folded from. They are sealed
 * again at the fold's end. Everything else (versions, reports) goes through immer as usual.
 */
function openIndexes(draft: StateDraft, base: MemabraState): void {
  // Read from the base state: reading them through the draft would make immer drafts of them.
  const { count, ids, seenThroughSeq } = base.trajectories;
  draft.trajectories = { count, ids: openIdIndex(ids), seenThroughSeq };
  draft.liveStats = new Map(base.liveStats);
  draft.cases = openCaseIndex(base.cases);
  const { logged, pending, completed } = base.decisions;
  draft.decisions = { logged, pending: pending.asMutable(), completed: openIdIndex(completed) };
}

function sealIndexes(draft: StateDraft): void {
  (draft.trajectories as { ids: unknown }).ids = sealIdIndex(draft.trajectories.ids);
  (draft as { cases: unknown }).cases = sealCaseIndex(draft.cases);
  (draft.decisions as { completed: unknown }).completed = sealIdIndex(draft.decisions.completed);
  draft.decisions.pending = draft.decisions.pending.asImmutable();
}

/** Folds a batch of events in one immer `produce` (one per event would copy large maps every time). */
export function foldEvents(state: MemabraState, events: Iterable<StoredEvent>): MemabraState {
  return produce(state, (immerDraft) => {
    const draft = immerDraft as unknown as StateDraft;
    openIndexes(draft, state);
    for (const event of events) evolve(draft, event);
    sealIndexes(draft);
  });
}

/** A fold in progress, fed batches as they come from wherever they are read, finished once. */
export type OpenFold = { readonly add: (events: readonly StoredEvent[]) => void; readonly finish: () => MemabraState };

/**
 * One `produce` over many batches, so the large maps are copied once per load, not once per batch (which
 * would make a long replay quadratic).
 */
export function openFold(state: MemabraState): OpenFold {
  const immerDraft = createDraft(state);
  const draft = immerDraft as unknown as StateDraft;
  openIndexes(draft, state);
  return {
    add: (events) => {
      for (const event of events) evolve(draft, event);
    },
    finish: () => {
      sealIndexes(draft);
      return finishDraft(immerDraft) as MemabraState;
    },
  };
}

/** Folds a stream of batches in one `produce` (openFold). */
export async function foldBatches(state: MemabraState, batches: AsyncIterable<readonly StoredEvent[]>): Promise<MemabraState> {
  const fold = openFold(state);
  for await (const batch of batches) fold.add(batch);
  return fold.finish();
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

/**
 * A stream of the log's batches as it was at `asOf`: the prefix `eventsAsOf` keeps, in the batches it was
 * read in, the last one cut short; reading stops there, so the rest of the log is never read.
 */
export async function* batchesAsOf(batches: AsyncIterable<readonly StoredEvent[]>, asOf: AsOf | undefined): AsyncGenerator<readonly StoredEvent[]> {
  for await (const batch of batches) {
    const within = [...eventsAsOf(batch, asOf)];
    if (within.length) yield within;
    if (within.length < batch.length) return;
  }
}
