import type { StoredEvent } from '../../events/catalogue.js';
import { batchesAsOf, foldBatches, type AsOf } from '../../projections/fold.js';
import { initialState, type MemabraState } from '../../projections/state.js';
import { deserialiseState, type SerialisedState } from '../../projections/stateCodec.js';
import type { EventStore, ReadCursor } from '../store/eventStore.js';
import { scheduleSnapshot, SNAPSHOT_EVERY } from './snapshotSchedule.js';

/** A fold of the log, where its read stopped, and the seq of the newest snapshot of this store. */
export type FoldedLog = { state: MemabraState; cursor: ReadCursor; snapshotSeq: number };

/**
 * The latest fold of each open store and where its read stopped: a long-lived process (the demo, the MCP
 * server, an agent embedding the library) folds only what was appended since. States are immutable, so
 * sharing them is safe; a log that no longer matches the cursor is read again from the start.
 */
const folded = new WeakMap<EventStore, FoldedLog>();

/** The newest snapshot of the store that holds together, as a fold to go on from; null when there is none. */
export async function snapshotStart(store: EventStore): Promise<FoldedLog | null> {
  const snapshot = await store.snapshots?.load();
  const state = snapshot ? deserialiseState({ data: snapshot.state as SerialisedState, sections: snapshot.sections }) : null;
  return snapshot && state && state.lastSeq === snapshot.cursor.seq ? { state, cursor: snapshot.cursor, snapshotSeq: state.lastSeq } : null;
}

/** Folds what the log holds after `start` (all of it when null, or when the log no longer matches `start`). */
export async function foldFrom(store: EventStore, start: FoldedLog | null): Promise<FoldedLog> {
  const reader = await store.readFrom(start?.cursor ?? null);
  // A log that no longer matches the cursor (rewritten, restored) is folded again from the start.
  const from = start && reader.resumed ? start : null;
  let cursor: ReadCursor | undefined;
  async function* untilDone(): AsyncGenerator<readonly StoredEvent[]> {
    for (let step = await reader.batches.next(); ; step = await reader.batches.next()) {
      if (step.done) {
        cursor = step.value;
        return;
      }
      yield step.value;
    }
  }
  const state = await foldBatches(from?.state ?? initialState, untilDone());
  return { state, cursor: cursor!, snapshotSeq: from?.snapshotSeq ?? 0 };
}

async function loadLatest(store: EventStore): Promise<MemabraState> {
  const log = await foldFrom(store, folded.get(store) ?? (await snapshotStart(store)));
  folded.set(store, log);
  if (log.cursor.seq - log.snapshotSeq >= SNAPSHOT_EVERY && scheduleSnapshot(store, log.state, log.cursor)) log.snapshotSeq = log.cursor.seq;
  return log.state;
}

/** Folds the log (or its prefix as of a seq or time) into the projections, in one fold of its batches. */
export async function loadState(store: EventStore, asOf?: AsOf): Promise<MemabraState> {
  if (!asOf) return loadLatest(store);
  return foldBatches(initialState, batchesAsOf(store.readBatches(), asOf));
}
