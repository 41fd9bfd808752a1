import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../../src/infra/store/postgresEventStore.js';
import type { EventStore } from '../../../src/infra/store/eventStore.js';
import { loadState } from '../../../src/infra/app/foldedState.js';
import { settleSnapshots, SNAPSHOT_EVERY, writeSnapshotsInWorker } from '../../../src/infra/app/snapshotSchedule.js';
import { deserialiseState, sameState, type SerialisedState } from '../../../src/projections/stateCodec.js';
import { storeConformance } from './storeConformance.js';

/**
 * A real PostgreSQL server: MEMABRA_TEST_PG_URL (.ci/run starts Debian's), else the embedded one that the
 * global setup starts. Without a server these tests fail, never skip.
 */
const ADMIN_URL = process.env.MEMABRA_TEST_PG_URL ?? '';
const admin = new pg.Pool({ connectionString: ADMIN_URL || 'postgres://missing', max: 2 });
let counter = 0;

/** A fresh database per test, so every test starts from an empty log. */
async function freshDatabase(): Promise<string> {
  const name = `memabra_t_${process.pid}_${Date.now()}_${counter++}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

afterAll(() => admin.end());

describe('the PostgreSQL test server', () => {
  it('is configured (MEMABRA_TEST_PG_URL) and answers', async () => {
    expect(ADMIN_URL).toMatch(/^postgres(ql)?:\/\//);
    expect((await admin.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});

storeConformance('PostgreSQL', {
  async create(options = {}) {
    const url = await freshDatabase();
    const store = openPostgresStore(url, options);
    return {
      store,
      open: () => openPostgresStore(url, options),
      async tamper(seq, edit) {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        const { rows } = await client.query<{ line: string }>('SELECT line FROM memabra_events WHERE seq = $1', [seq]);
        await client.query('UPDATE memabra_events SET line = $1 WHERE seq = $2', [edit(rows[0]!.line), seq]);
        await client.end();
      },
    };
  },
});

describe('PostgreSQL store', () => {
  it('catches deleted trailing events through its head row, which a file cannot', async () => {
    const url = await freshDatabase();
    const store = openPostgresStore(url);
    await store.append([{ id: 'E1', type: 'CycleSkipped', data: { cycleId: 'c1', newTrajectoryCount: 1, minNewTrajectories: 2 } }], { expectedLastSeq: 0 });
    await store.append([{ id: 'E2', type: 'CycleSkipped', data: { cycleId: 'c2', newTrajectoryCount: 1, minNewTrajectories: 2 } }], { expectedLastSeq: 1 });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('DELETE FROM memabra_events WHERE seq = 2');
    await client.end();
    expect(await store.verify()).toMatchObject({ ok: false, error: expect.stringMatching(/ends at seq 1 but its head row says seq 2/) });
    await store.close();
  });
});

/** As many small events as a snapshot waits for, in batches of a thousand. */
async function appendUpToASnapshot(store: EventStore): Promise<void> {
  for (let b = 0; b < SNAPSHOT_EVERY / 1000; b++) {
    await store.append(
      Array.from({ length: 1000 }, (_, i) => ({
        id: `E${b}-${i}`,
        type: 'CycleSkipped' as const,
        data: { cycleId: `c${b}-${i}`, newTrajectoryCount: i, minNewTrajectories: 5 },
      })),
      { expectedLastSeq: 'any' },
    );
  }
}

describe('PostgreSQL snapshots', () => {
  it('are written after a long fold, and a new process loads them and folds only the tail', async () => {
    const url = await freshDatabase();
    const store = openPostgresStore(url);
    await appendUpToASnapshot(store);
    const full = await loadState(store);
    await settleSnapshots(store);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    expect((await client.query('SELECT seq FROM memabra_state_snapshots')).rows).toEqual([{ seq: String(SNAPSHOT_EVERY) }]);
    // Change a line only a replay from the start would read: a new process must not read it.
    const { rows } = await client.query<{ line: string }>('SELECT line FROM memabra_events WHERE seq = 5');
    await client.query('UPDATE memabra_events SET line = $1 WHERE seq = 5', [rows[0]!.line.replace('"c0-4"', '"c0-X"')]);
    await client.end();
    const fresh = openPostgresStore(url);
    expect(sameState(await loadState(fresh), full)).toBe(true);
    expect(await fresh.verify()).toMatchObject({ ok: false, error: expect.stringMatching(/^log line 5 is corrupt/) });
    await Promise.all([store.close(), fresh.close()]);
  });

  it('are written by a worker thread that opens the log at its URL, and load back to the fold of this thread', async () => {
    const url = await freshDatabase();
    const store = openPostgresStore(url);
    await appendUpToASnapshot(store);
    const saves: number[] = [];
    const counted = { ...store, snapshots: { load: () => store.snapshots!.load(), save: async () => void saves.push(1) } };
    writeSnapshotsInWorker(counted, url, new URL('../../../dist/infra/app/snapshotWorker.js', import.meta.url));
    const full = await loadState(counted);
    await settleSnapshots(counted);
    expect(saves).toEqual([]);
    const snapshot = (await store.snapshots!.load())!;
    expect(snapshot.cursor.seq).toBe(SNAPSHOT_EVERY);
    expect(sameState(deserialiseState({ data: snapshot.state as SerialisedState, sections: snapshot.sections })!, full)).toBe(true);
    await store.close();
  });
});
