import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { MemabraState } from '../../projections/state.js';
import { serialiseState } from '../../projections/stateCodec.js';
import type { EventStore, ReadCursor, SnapshotStore } from '../store/eventStore.js';

/** Events folded past the newest snapshot before a new one is written. */
export const SNAPSHOT_EVERY = 10_000;

const pendingSnapshots = new Map<EventStore, Promise<void>>();

/** The compiled worker that writes a store's snapshot from the log (`snapshotWorker.ts`). */
export const SNAPSHOT_WORKER = new URL('./snapshotWorker.js', import.meta.url);

/** Stores whose snapshots a worker thread writes: the location it opens the log at, and its script. */
const writtenInWorker = new WeakMap<EventStore, { readonly location: string; readonly script: URL }>();

/**
 * Has `store`'s snapshots written by a worker thread, for a process that keeps serving while one is written
 * (the HTTP and MCP servers, the library). Serialising, hashing and writing a million-trajectory state
 * takes about half a second of synchronous work, and so does handing the state to a thread: a structured
 * clone of its case index alone takes longer than the 20 ms a server may pause. So the worker is handed
 * nothing but the log's location (the store's `location` names a file, or hides a password): it opens the
 * log itself, folds it from the newest snapshot (a deterministic fold of the same lines, so the same state)
 * and writes the next one. When the compiled worker is not there (the TypeScript sources run as they are,
 * as in the unit tests), snapshots are written in the thread, as a one-shot process writes them.
 */
export function writeSnapshotsInWorker(store: EventStore, location: string, script: URL = SNAPSHOT_WORKER): void {
  writtenInWorker.set(store, { location, script });
}

/** Serialises `state`, read up to `cursor`, and saves it: synchronous work, then the store's write. */
export function saveSnapshot(snapshots: SnapshotStore, state: MemabraState, cursor: ReadCursor): Promise<void> {
  const { data, sections } = serialiseState(state);
  return snapshots.save({ cursor, state: data, sections });
}

/** Runs the worker to its end; it reports nothing the caller needs (a snapshot it could not write is skipped). */
function inWorker(location: string, script: URL): Promise<void> {
  return new Promise<void>((resolve) => {
    const worker = new Worker(script, { workerData: { location } });
    worker.once('error', () => resolve());
    worker.once('exit', () => resolve());
  });
}

/**
 * Writes a snapshot of `state`, read up to `cursor`, once the caller has its answer: serialising and
 * hashing a million-trajectory state takes longer than opening from the previous snapshot, so it is kept
 * off the path that opens the log; for a store given to `writeSnapshotsInWorker`, off the event loop too.
 * A snapshot is only a cache: one that cannot be written (a full disk) is skipped, never an error. False
 * when none was started (the store keeps none, or one is being written).
 */
export function scheduleSnapshot(store: EventStore, state: MemabraState, cursor: ReadCursor): boolean {
  const snapshots = store.snapshots;
  if (!snapshots || pendingSnapshots.has(store)) return false;
  const worker = writtenInWorker.get(store);
  const offThread = worker && existsSync(fileURLToPath(worker.script)) ? worker : null;
  const saving = new Promise<void>((resolve) => setImmediate(resolve))
    .then(() => (offThread ? inWorker(offThread.location, offThread.script) : saveSnapshot(snapshots, state, cursor)))
    .catch(() => undefined)
    .finally(() => pendingSnapshots.delete(store));
  pendingSnapshots.set(store, saving);
  return true;
}

/** Waits for the snapshot writes started for `store` (or every store); call it before closing a store. */
export async function settleSnapshots(store?: EventStore): Promise<void> {
  await Promise.all(store ? [pendingSnapshots.get(store)] : [...pendingSnapshots.values()]);
}
