import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadState as loadOnly } from '../../../src/infra/app/foldedState.js';
import { settleSnapshots, SNAPSHOT_EVERY } from '../../../src/infra/app/snapshotSchedule.js';
import type { EventStore } from '../../../src/infra/store/eventStore.js';
import type { NewEvent } from '../../../src/infra/store/eventStore.js';
import { LOG_FILE, openJsonlStore } from '../../../src/infra/store/jsonlEventStore.js';
import { foldEvents } from '../../../src/projections/fold.js';
import { initialState, trajectorySeq } from '../../../src/projections/state.js';
import { fixedClock, sequentialIds, stored, tempDir, testEnvironment, trajectoryArb } from '../../support/fixtures.js';
import { openMemabra } from '../../../src/index.js';
import fc from 'fast-check';
import { deserialiseState, sameState, serialiseState } from '../../../src/projections/stateCodec.js';
import { caseEntries } from '../../../src/projections/caseTable.js';
import { decodeSnapshot, encodeSnapshot } from '../../../src/infra/store/snapshotCodec.js';
import { domainEventArb } from '../../support/eventArbitraries.js';

/** A log of SNAPSHOT_EVERY + extra trajectory events, appended in batches of 1,000. */
async function bigLog(extra: number, firstId = 1) {
  const dir = tempDir();
  const store = openJsonlStore(dir, { now: fixedClock() });
  const newId = sequentialIds(firstId);
  const trajectories = fc.sample(trajectoryArb('01J00000000000000000000000'), { numRuns: SNAPSHOT_EVERY + extra, seed: 5 });
  for (let i = 0; i < trajectories.length; i += 1000) {
    const batch: NewEvent[] = trajectories
      .slice(i, i + 1000)
      .map((t, j) => ({ id: newId(), type: 'TrajectoryRecorded', data: { trajectory: { ...t, id: newId(), task: { input: `${t.task.input} ${i + j}` } } } }));
    await store.append(batch, { expectedLastSeq: 'any' });
  }
  return dir;
}

/** Loads as a command does, including the snapshot it writes once it has answered. */
async function loadState(store: EventStore) {
  const state = await loadOnly(store);
  await settleSnapshots(store);
  return state;
}

const snapshotsIn = (dir: string) => {
  try {
    return readdirSync(join(dir, 'snapshots')).filter((n) => n.startsWith('state-'));
  } catch {
    return [];
  }
};

describe('snapshots', () => {
  it('are written after a long fold, and a new process folds only the tail after them', async () => {
    const dir = await bigLog(0);
    const full = await loadState(openJsonlStore(dir));
    expect(snapshotsIn(dir)).toEqual([`state-${String(SNAPSHOT_EVERY).padStart(12, '0')}.snap`]);

    // Damage a line that only a replay from the start would read (same length, so every offset after it
    // stays put): a new process must not read it.
    const log = join(dir, LOG_FILE);
    const text = readFileSync(log, 'utf8');
    const at = text.indexOf('"seq":5,') + '"seq":5,"id":"'.length;
    writeFileSync(log, `${text.slice(0, at)}${text[at] === 'Z' ? 'Y' : 'Z'}${text.slice(at + 1)}`);
    const fromSnapshot = await loadState(openJsonlStore(dir));
    expect(sameState(fromSnapshot, full)).toBe(true);
    expect((await openJsonlStore(dir).verify()).ok).toBe(false);
    writeFileSync(log, text);
  });

  it('are written by a long-running process too, which folds the log a little at a time', async () => {
    const dir = await bigLog(0);
    const store = openJsonlStore(dir, { now: fixedClock() });
    await loadState(store);
    const newId = sequentialIds(900_000);
    // Small appends, each folded on its own, as a server recording one trajectory at a time does.
    const trajectories = fc.sample(trajectoryArb('01J00000000000000000000000'), { numRuns: SNAPSHOT_EVERY, seed: 9 });
    for (let i = 0; i < trajectories.length; i += 500) {
      await store.append(
        trajectories.slice(i, i + 500).map((t) => ({ id: newId(), type: 'TrajectoryRecorded' as const, data: { trajectory: { ...t, id: newId() } } })),
        { expectedLastSeq: 'any' },
      );
      await loadState(store);
    }
    expect(snapshotsIn(dir).sort().at(-1)).toBe(`state-${String(2 * SNAPSHOT_EVERY).padStart(12, '0')}.snap`);
  });

  it('started by the library, are finished by close()', async () => {
    const dir = await bigLog(0);
    const memabra = await openMemabra({ location: dir, environment: testEnvironment() });
    expect((await memabra.state()).lastSeq).toBe(SNAPSHOT_EVERY);
    await memabra.close();
    expect(snapshotsIn(dir)).toEqual([`state-${String(SNAPSHOT_EVERY).padStart(12, '0')}.snap`]);
  });

  it('deleting them never changes an answer', async () => {
    const dir = await bigLog(1234);
    const withSnapshot = await loadState(openJsonlStore(dir));
    expect(snapshotsIn(dir)).toHaveLength(1);
    rmSync(join(dir, 'snapshots'), { recursive: true });
    const withoutSnapshot = await loadState(openJsonlStore(dir));
    expect(withoutSnapshot).toEqual(withSnapshot);
    const replayed: Parameters<typeof foldEvents>[1] = [];
    for await (const batch of openJsonlStore(dir).readBatches()) (replayed as unknown[]).push(...batch);
    expect(foldEvents(initialState, replayed)).toEqual(withSnapshot);
  });

  it('a snapshot that does not match the log is ignored and the log folded from the start', async () => {
    const dir = await bigLog(0);
    await loadState(openJsonlStore(dir));
    // Another log of the same length, written later: same seqs, different lines, so the stamped hash differs.
    const other = await bigLog(0, 500_000);
    expect(readFileSync(join(other, LOG_FILE)).length).toBe(readFileSync(join(dir, LOG_FILE)).length);
    expect(readFileSync(join(other, LOG_FILE))).not.toEqual(readFileSync(join(dir, LOG_FILE)));
    writeFileSync(join(dir, LOG_FILE), readFileSync(join(other, LOG_FILE)));
    const state = await loadState(openJsonlStore(dir));
    expect(state).toEqual(await loadState(openJsonlStore(other)));
    const otherIds = sequentialIds(500_000);
    otherIds(); // the first id went to the event, the second to its trajectory
    expect(trajectorySeq(state, otherIds())).toBeDefined();
  });

  it('a damaged or half-written snapshot is passed over', async () => {
    const dir = await bigLog(0);
    const expected = await loadState(openJsonlStore(dir));
    const [name] = snapshotsIn(dir);
    const file = join(dir, 'snapshots', name!);
    writeFileSync(file, readFileSync(file, 'latin1').replace('"count":', '"count": '), 'latin1');
    writeFileSync(join(dir, 'snapshots', `.${name}.999.tmp`), '{"cursor":');
    expect(sameState(await loadState(openJsonlStore(dir)), expected)).toBe(true);
  });

  it('is a pure cache: any state round-trips through its serialised form', () => {
    fc.assert(
      fc.property(fc.array(domainEventArb, { maxLength: 30 }), (events) => {
        const state = foldEvents(initialState, stored(events));
        const { data, sections } = serialiseState(state);
        const snapshot = decodeSnapshot(encodeSnapshot({ cursor: { seq: state.lastSeq, offset: 0, hash: '', at: null }, state: data, sections }))!;
        expect(sameState(deserialiseState({ data: snapshot.state as typeof data, sections: snapshot.sections })!, state)).toBe(true);
      }),
    );
  });

  it('of format 6, with the case index as JSON, are still read, as the same state', () => {
    fc.assert(
      fc.property(fc.array(domainEventArb, { maxLength: 30 }), (events) => {
        const state = foldEvents(initialState, stored(events));
        const { data, sections } = serialiseState(state);
        // What the build before the binary case index wrote: the same state, its cases as entries (the
        // case index's section left in place, unread, so the other sections keep their numbers).
        const format6 = { ...data, format: 6 as const, cases: [...caseEntries(state.cases)] };
        const snapshot = decodeSnapshot(encodeSnapshot({ cursor: { seq: state.lastSeq, offset: 0, hash: '', at: null }, state: format6, sections }))!;
        expect(sameState(deserialiseState({ data: snapshot.state as typeof format6, sections: snapshot.sections })!, state)).toBe(true);
        // A format-6 layout stamped with the current format (or the reverse) does not hold together.
        expect(deserialiseState({ data: { ...format6, format: data.format } as never, sections })).toBeNull();
        expect(deserialiseState({ data: { ...data, format: 6 } as never, sections })).toBeNull();
      }),
    );
  });
});
