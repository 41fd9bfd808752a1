import type { EventStore } from '../store/eventStore.js';
import { foldFrom, snapshotStart } from './foldedState.js';
import { saveSnapshot } from './snapshotSchedule.js';

/**
 * Brings a store's snapshots up to the end of its log: folds the log from the newest snapshot (from the
 * start when there is none) and saves a snapshot there. What a snapshot worker does, with nothing of the
 * process that asked for it but the log's location. The seq of the snapshot written, or null when the
 * newest one is already at the end or the store keeps none.
 */
export async function catchUpSnapshot(store: EventStore): Promise<number | null> {
  const snapshots = store.snapshots;
  if (!snapshots) return null;
  const log = await foldFrom(store, await snapshotStart(store));
  if (log.cursor.seq === 0 || log.cursor.seq === log.snapshotSeq) return null;
  await saveSnapshot(snapshots, log.state, log.cursor);
  return log.cursor.seq;
}
