import type { MemabraState } from '../../projections/state.js';
import { serialiseState } from '../../projections/stateCodec.js';
import type { EventStore, ReadCursor } from '../store/eventStore.js';

/** Events folded past the newest snapshot before a new one is written. */
export const SNAPSHOT_EVERY = 10_000;

const pendingSnapshots = new Map<EventStore, Promise<void>>();

/**
 * Writes a snapshot of `state`, read up to `cursor`, once the caller has its answer: serialising and
 * hashing a million-trajectory state takes longer than opening from the previous snapshot, so it is kept
 * off the path that opens the log. A snapshot is only a cache: one that cannot be written (a full disk)
 * is skipped, never an error. False when none was started (the store keeps none, or one is being written).
 */
export function scheduleSnapshot(store: EventStore, state: MemabraState, cursor: ReadCursor): boolean {
  const snapshots = store.snapshots;
  if (!snapshots || pendingSnapshots.has(store)) return false;
  const saving = new Promise<void>((resolve) => setImmediate(resolve))
    .then(() => {
      const { data, sections } = serialiseState(state);
      return snapshots.save({ cursor, state: data, sections });
    })
    .catch(() => undefined)
    .finally(() => pendingSnapshots.delete(store));
  pendingSnapshots.set(store, saving);
  return true;
}

/** Waits for the snapshot writes started for `store` (or every store); call it before closing a store. */
export async function settleSnapshots(store?: EventStore): Promise<void> {
  await Promise.all(store ? [pendingSnapshots.get(store)] : [...pendingSnapshots.values()]);
}
