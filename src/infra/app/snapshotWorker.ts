/**
 * A worker thread's entry point (`writeSnapshotsInWorker`): opens the log at `workerData.location`, writes
 * its next snapshot (`catchUpSnapshot`), closes it and ends. It posts the seq written, or null.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../store/openStore.js';
import { catchUpSnapshot } from './snapshotCatchUp.js';

const { location } = workerData as { location: string };
const store = await openStore(location);
try {
  parentPort?.postMessage({ seq: await catchUpSnapshot(store) });
} finally {
  await store.close();
}
