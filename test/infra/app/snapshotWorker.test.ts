import fc from 'fast-check';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadState } from '../../../src/infra/app/foldedState.js';
import { catchUpSnapshot } from '../../../src/infra/app/snapshotCatchUp.js';
import { settleSnapshots, SNAPSHOT_EVERY, writeSnapshotsInWorker } from '../../../src/infra/app/snapshotSchedule.js';
import type { EventStore, NewEvent, Snapshot } from '../../../src/infra/store/eventStore.js';
import { LOG_FILE, openJsonlStore } from '../../../src/infra/store/jsonlEventStore.js';
import { decodeSnapshot } from '../../../src/infra/store/snapshotCodec.js';
import { foldEvents } from '../../../src/projections/fold.js';
import type { StoredEvent } from '../../../src/events/catalogue.js';
import { initialState, type MemabraState } from '../../../src/projections/state.js';
import { deserialiseState, sameState, type SerialisedState } from '../../../src/projections/stateCodec.js';
import { fixedClock, sequentialIds, tempDir, trajectoryArb } from '../../support/fixtures.js';

/** The compiled worker: the tests run the TypeScript sources, and the test setup compiles them to dist/ first. */
const COMPILED_WORKER = new URL('../../../dist/infra/app/snapshotWorker.js', import.meta.url);

/** Appends `count` trajectory events in batches of 1,000 (ids from `firstId`), to a new log or after `dir`'s. */
async function appendTrajectories(count: number, dir = tempDir(), firstId = 1): Promise<string> {
  const store = openJsonlStore(dir, { now: fixedClock() });
  const newId = sequentialIds(firstId);
  const trajectories = fc.sample(trajectoryArb('01J00000000000000000000000'), { numRuns: count, seed: firstId });
  for (let i = 0; i < trajectories.length; i += 1000) {
    const batch: NewEvent[] = trajectories.slice(i, i + 1000).map((t, j) => ({
      id: newId(),
      type: 'TrajectoryRecorded',
      data: { trajectory: { ...t, id: newId(), task: { input: `${t.task.input} ${firstId + i + j}` } } },
    }));
    await store.append(batch, { expectedLastSeq: 'any' });
  }
  return dir;
}

/** The whole log folded from its first line, with no snapshot. */
async function foldedFromStart(dir: string): Promise<MemabraState> {
  const events: StoredEvent[] = [];
  for await (const batch of openJsonlStore(dir).readBatches()) events.push(...batch);
  return foldEvents(initialState, events);
}

const snapshotNames = (dir: string) => readdirSync(join(dir, 'snapshots')).filter((name) => name.startsWith('state-'));
const nameAt = (seq: number) => `state-${String(seq).padStart(12, '0')}.snap`;

function stateIn(dir: string, name: string): MemabraState {
  const snapshot = decodeSnapshot(readFileSync(join(dir, 'snapshots', name)))!;
  expect(snapshot).not.toBeNull();
  return deserialiseState({ data: snapshot.state as SerialisedState, sections: snapshot.sections })!;
}

/** The store, with the snapshots this thread saves counted: a worker's saves are not. */
function countingSaves(store: EventStore): { store: EventStore; saves: Snapshot[] } {
  const saves: Snapshot[] = [];
  const snapshots = store.snapshots!;
  return { saves, store: { ...store, snapshots: { load: () => snapshots.load(), save: (s) => (saves.push(s), snapshots.save(s)) } } };
}

describe('snapshots written by a worker thread', () => {
  it('are written from the log alone, by the worker, and load back to the state this thread folded', async () => {
    const dir = await appendTrajectories(SNAPSHOT_EVERY + 1234);
    const { store, saves } = countingSaves(openJsonlStore(dir));
    writeSnapshotsInWorker(store, dir, COMPILED_WORKER);

    const state = await loadState(store);
    await settleSnapshots(store);

    expect(saves).toEqual([]);
    expect(snapshotNames(dir)).toEqual([nameAt(SNAPSHOT_EVERY + 1234)]);
    expect(sameState(stateIn(dir, nameAt(SNAPSHOT_EVERY + 1234)), state)).toBe(true);
    // And a new process answers from it what a fold from the start answers.
    expect(sameState(await loadState(openJsonlStore(dir)), await foldedFromStart(dir))).toBe(true);
  });

  it('without the compiled worker (the sources run as they are), are written in the thread', async () => {
    const dir = await appendTrajectories(SNAPSHOT_EVERY);
    const { store, saves } = countingSaves(openJsonlStore(dir));
    writeSnapshotsInWorker(store, dir, new URL('./no-such-worker.js', COMPILED_WORKER));

    await loadState(store);
    await settleSnapshots(store);

    expect(saves.map((s) => s.cursor.seq)).toEqual([SNAPSHOT_EVERY]);
    expect(snapshotNames(dir)).toEqual([nameAt(SNAPSHOT_EVERY)]);
  });
});

describe('catchUpSnapshot, the worker job', () => {
  it('folds only the tail after the newest snapshot, and writes one at the end of the log equal to a fold from the start', async () => {
    const dir = await appendTrajectories(SNAPSHOT_EVERY);
    const first = openJsonlStore(dir);
    await loadState(first);
    await settleSnapshots(first);
    await appendTrajectories(3000, dir, 900_000);
    const expected = await foldedFromStart(dir);

    // A line that only a fold from the start would read is damaged (same length, so offsets stay put).
    const log = join(dir, LOG_FILE);
    const text = readFileSync(log, 'utf8');
    const at = text.indexOf('"seq":5,') + '"seq":5,"id":"'.length;
    writeFileSync(log, `${text.slice(0, at)}${text[at] === 'Z' ? 'Y' : 'Z'}${text.slice(at + 1)}`);

    expect(await catchUpSnapshot(openJsonlStore(dir))).toBe(SNAPSHOT_EVERY + 3000);
    expect(snapshotNames(dir)).toEqual([nameAt(SNAPSHOT_EVERY), nameAt(SNAPSHOT_EVERY + 3000)]);
    expect(sameState(stateIn(dir, nameAt(SNAPSHOT_EVERY + 3000)), expected)).toBe(true);
  });

  it('writes from the start when there is no snapshot, and nothing when the newest is at the end', async () => {
    const dir = await appendTrajectories(1500);
    expect(await catchUpSnapshot(openJsonlStore(dir))).toBe(1500);
    expect(sameState(stateIn(dir, nameAt(1500)), await foldedFromStart(dir))).toBe(true);
    expect(await catchUpSnapshot(openJsonlStore(dir))).toBeNull();
    expect(snapshotNames(dir)).toEqual([nameAt(1500)]);
  });

  it('writes nothing for an empty log or a store that keeps no snapshots', async () => {
    const empty = tempDir();
    expect(await catchUpSnapshot(openJsonlStore(empty))).toBeNull();
    const dir = await appendTrajectories(1000);
    expect(await catchUpSnapshot({ ...openJsonlStore(dir), snapshots: undefined })).toBeNull();
    expect(() => readdirSync(join(dir, 'snapshots'))).toThrow();
  });
});
