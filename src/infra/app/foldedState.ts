import type { StoredEvent } from '../../events/catalogue.js';
import { batchesAsOf, foldBatches, foldEvents, type AsOf } from '../../projections/fold.js';
import { initialState, type MemabraState } from '../../projections/state.js';
import { deserialiseState, type SerialisedState } from '../../projections/stateCodec.js';
import type { EventStore, ReadCursor } from '../store/eventStore.js';
import { scheduleSnapshot, SNAPSHOT_EVERY } from './snapshotSchedule.js';

/** A fold of the log, where its read stopped, and the seq of the newest snapshot of this store. */
type FoldedLog = { state: MemabraState; cursor: ReadCursor; snapshotSeq: number };

/**
 * The latest fold of each open store and where its read stopped: a long-lived process (the demo, the MCP
 * server, an agent embedding the library) folds only what was appended since. States are immutable, so
 * sharing them is safe; a log that no longer matches the cursor is read again from the start.
 */
const folded = new WeakMap<EventStore, FoldedLog>();

async function startingPoint(store: EventStore): Promise<FoldedLog | null> {
  const cached = folded.get(store);
  if (cached) return cached;
  const snapshot = await store.snapshots?.load();
  const state = snapshot ? deserialiseState({ data: snapshot.state as SerialisedState, sections: snapshot.sections }) : null;
  return snapshot && state && state.lastSeq === snapshot.cursor.seq ? { state, cursor: snapshot.cursor, snapshotSeq: state.lastSeq } : null;
}

async function loadLatest(store: EventStore): Promise<MemabraState> {
  const start = await startingPoint(store);
  const reader = await store.readFrom(start?.cursor ?? null);
  // A log that no longer matches the cursor (rewritten, restored) is folded again from the start.
  const from = start && reader.resumed ? start.state : initialState;
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
  const state = await foldBatches(from, untilDone());
  const log: FoldedLog = { state, cursor: cursor!, snapshotSeq: start && reader.resumed ? start.snapshotSeq : 0 };
  folded.set(store, log);
  if (log.cursor.seq - log.snapshotSeq >= SNAPSHOT_EVERY && scheduleSnapshot(store, log.state, log.cursor)) log.snapshotSeq = log.cursor.seq;
  return state;
}

/** Folds the log (or its prefix as of a seq or time) into the projections, batch by batch. */
export async function loadState(store: EventStore, asOf?: AsOf): Promise<MemabraState> {
  if (!asOf) return loadLatest(store);
  let state = initialState;
  for await (const batch of batchesAsOf(store.readBatches(), asOf)) state = foldEvents(state, batch);
  return state;
}
