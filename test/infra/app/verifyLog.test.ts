import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadState } from '../../../src/infra/app/foldedState.js';
import { settleSnapshots, SNAPSHOT_EVERY } from '../../../src/infra/app/snapshotSchedule.js';
import { verifyLog } from '../../../src/infra/app/verifyLog.js';
import type { EventStore, NewEvent, ReadCursor } from '../../../src/infra/store/eventStore.js';
import { openJsonlStore } from '../../../src/infra/store/jsonlEventStore.js';
import { decodeSnapshot, encodeSnapshot } from '../../../src/infra/store/snapshotCodec.js';
import { openMemabra } from '../../../src/index.js';
import { fixedClock, sequentialIds, tempDir, testEnvironment, trajectoryArb } from '../../support/fixtures.js';

/** Appends `count` trajectory events in batches of 1,000. */
async function appendTrajectories(store: EventStore, count: number, newId: () => string, seed: number): Promise<void> {
  const trajectories = fc.sample(trajectoryArb('01J00000000000000000000000'), { numRuns: count, seed });
  for (let i = 0; i < trajectories.length; i += 1000) {
    const batch: NewEvent[] = trajectories.slice(i, i + 1000).map((t, j) => ({
      id: newId(),
      type: 'TrajectoryRecorded',
      data: { trajectory: { ...t, id: newId(), task: { input: `${t.task.input} ${seed} ${i + j}` } } },
    }));
    await store.append(batch, { expectedLastSeq: 'any' });
  }
}

/** A log with a snapshot at SNAPSHOT_EVERY and 1,500 events after it. */
async function logWithSnapshotAndTail(): Promise<string> {
  const dir = tempDir();
  const store = openJsonlStore(dir, { now: fixedClock() });
  const newId = sequentialIds(1);
  await appendTrajectories(store, SNAPSHOT_EVERY, newId, 1);
  await loadState(store);
  await settleSnapshots(store);
  await appendTrajectories(store, 1500, newId, 2);
  await store.close();
  return dir;
}

/** The store, with every read other than the store's own verify counted. */
function countingReads(store: EventStore): { store: EventStore; fullReads: () => number; readsFrom: () => (ReadCursor | null)[] } {
  let full = 0;
  const from: (ReadCursor | null)[] = [];
  return {
    store: {
      ...store,
      readBatches: (fromSeq) => {
        full += 1;
        return store.readBatches(fromSeq);
      },
      readFrom: (cursor) => {
        from.push(cursor);
        return store.readFrom(cursor);
      },
    },
    fullReads: () => full,
    readsFrom: () => from,
  };
}

describe('verify with a snapshot', () => {
  it('given a log with a snapshot and a tail after it, checks the snapshot against the log in the one pass of the check: no second read but the tail', async () => {
    const dir = await logWithSnapshotAndTail();
    const counted = countingReads(openJsonlStore(dir));
    const report = await verifyLog(counted.store);
    expect(report).toMatchObject({ ok: true, events: SNAPSHOT_EVERY + 1500, snapshot: { seq: SNAPSHOT_EVERY, status: 'matches' } });
    expect(counted.fullReads()).toBe(0);
    expect(counted.readsFrom().map((cursor) => cursor?.seq)).toEqual([SNAPSHOT_EVERY]);
  });

  it('given a forged snapshot (its state changed, its checksum recomputed), is not ok and says so', async () => {
    const dir = await logWithSnapshotAndTail();
    const file = join(dir, 'snapshots', `state-${String(SNAPSHOT_EVERY).padStart(12, '0')}.snap`);
    const snapshot = decodeSnapshot(readFileSync(file))!;
    const state = snapshot.state as { trajectories: { count: number } };
    writeFileSync(file, encodeSnapshot({ ...snapshot, state: { ...state, trajectories: { ...state.trajectories, count: 5 } } }));
    const refusal = {
      ok: false,
      events: SNAPSHOT_EVERY + 1500,
      error: `the newest snapshot (seq ${SNAPSHOT_EVERY}) does not match the log up to seq ${SNAPSHOT_EVERY}: readers answer from it; delete the store's snapshots (they are only a cache) and run verify again`,
    };
    expect(await verifyLog(openJsonlStore(dir))).toEqual(refusal);
    // The library's verify is the same check as the CLI's and MCP's, not the store's lines alone.
    const memabra = await openMemabra({ location: dir, environment: testEnvironment() });
    expect(await memabra.verify()).toEqual(refusal);
    await memabra.close();
  });
});
