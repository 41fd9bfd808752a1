/**
 * A worker thread's entry point (`writeSnapshotsInWorker`): opens the log at `workerData.location`, writes
 * its next snapshot (`catchUpSnapshot`), closes it and ends. It posts the seq written, or null.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../store/openStore.js';
import { catchUpSnapshot } from './snapshotCatchUp.js';

// The snapshot is background work: on a busy machine the thread that answers should get the core first.
// On Linux a nice value is a thread's own; elsewhere it would be the whole process's, so it is left alone.
if (process.platform === 'linux') {
  try {
    setPriority(19);
  } catch {
    // Not allowed here (a container's policy): the snapshot is written at the usual priority.
  }
}

const { location } = workerData as { location: string };
const store = await openStore(location);
try {
  parentPort?.postMessage({ seq: await catchUpSnapshot(store) });
} finally {
  await store.close();
}
