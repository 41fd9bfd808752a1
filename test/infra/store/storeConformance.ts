import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../src/events/catalogue.js';
import type { EventStore, NewEvent } from '../../../src/infra/store/eventStore.js';
import { sequentialIds } from '../../support/fixtures.js';

export type StoreFactory = {
  /** A new, empty log; `open` gives further handles on the same log, as other processes would have. */
  create(options?: {
    maxEventBytes?: number;
    now?: () => Date;
  }): Promise<{ store: EventStore; open: () => EventStore; tamper: (seq: number, edit: (line: string) => string) => Promise<void> }>;
};

const skipped = (n: number, id: string): NewEvent => ({ id, type: 'CycleSkipped', data: { cycleId: `c${n}`, newTrajectoryCount: n, minNewTrajectories: 10 } });

async function readAll(store: EventStore): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for await (const batch of store.readBatches()) out.push(...batch);
  return out;
}

/** The behaviour every event store must have, whatever it keeps the log in. */
export function storeConformance(name: string, factory: StoreFactory): void {
  describe(`${name} store conformance`, () => {
    it('appends batches with gap-free seqs, a hash chain and one `at` per batch, and reads them back in order', async () => {
      const { store } = await factory.create();
      const ids = sequentialIds();
      expect(await store.append([skipped(1, ids())], { expectedLastSeq: 0 })).toMatchObject({ firstSeq: 1, lastSeq: 1 });
      expect(await store.append([skipped(2, ids()), skipped(3, ids())], { expectedLastSeq: 1 })).toMatchObject({ firstSeq: 2, lastSeq: 3 });
      const events = await readAll(store);
      expect(events.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(events[1]!.at).toBe(events[2]!.at);
      expect(await store.head()).toMatchObject({ lastSeq: 3 });
      expect(await store.verify()).toMatchObject({ ok: true, events: 3, lastSeq: 3, tornTail: null });
      await store.close();
    });

    it('verify hands over every event once, in order, as it checks, the same events a read gives', async () => {
      const { store } = await factory.create();
      const ids = sequentialIds();
      for (let n = 0; n < 5; n++) await store.append([skipped(n, ids()), skipped(n, ids())], { expectedLastSeq: 'any' });
      const handed: StoredEvent[] = [];
      expect(await store.verify((batch) => handed.push(...batch))).toMatchObject({ ok: true, events: 10 });
      expect(handed).toEqual(await readAll(store));
      await store.close();
    });

    it('verify hands over no event past the first bad line', async () => {
      const { store, tamper } = await factory.create();
      const ids = sequentialIds();
      for (let n = 0; n < 4; n++) await store.append([skipped(n, ids())], { expectedLastSeq: 'any' });
      await tamper(3, (line) => line.replace('"c2"', '"c9"'));
      const handed: number[] = [];
      expect(await store.verify((batch) => handed.push(...batch.map((e) => e.seq)))).toMatchObject({ ok: false });
      expect(handed.every((seq) => seq < 3)).toBe(true);
      await store.close();
    });

    it('refuses an append whose expected seq is stale as a lost race (append-conflict), appending nothing', async () => {
      const { store } = await factory.create();
      await store.append([skipped(1, 'E1')], { expectedLastSeq: 0 });
      await expect(store.append([skipped(2, 'E2')], { expectedLastSeq: 0 })).rejects.toThrow(/expected last seq 0, found 1/);
      await expect(store.append([skipped(2, 'E2')], { expectedLastSeq: 0 })).rejects.toMatchObject({ kind: 'append-conflict' });
      expect((await readAll(store)).map((e) => e.id)).toEqual(['E1']);
      await store.close();
    });

    it('refuses a whole batch when one event is too large or invalid', async () => {
      const { store } = await factory.create({ maxEventBytes: 400 });
      await expect(
        store.append([skipped(1, 'E1'), { id: 'E2', type: 'CycleFailed', data: { cycleId: 'c', stage: 'training', error: 'x'.repeat(500) } }], {
          expectedLastSeq: 0,
        }),
      ).rejects.toThrow(/event 2 of the batch \(CycleFailed\) is \d+ bytes, over the 400-byte limit/);
      await expect(
        store.append([skipped(1, 'E1'), { id: 'E2', type: 'CycleSkipped', data: { cycleId: 'c' } } as unknown as NewEvent], { expectedLastSeq: 0 }),
      ).rejects.toThrow(/event 2 of the batch is invalid/);
      expect(await readAll(store)).toEqual([]);
      await store.close();
    });

    it('seals the same bytes whether it validates the data or the caller says it already has', async () => {
      const clock = () => new Date('2026-11-25T10:00:00.000Z');
      const events = [
        skipped(1, 'E1'),
        { id: 'E2', type: 'CycleFailed', data: { stage: 'training', error: 'é\u{1F600}"\n', cycleId: 'c' } } as NewEvent,
        skipped(3, 'E3'),
      ];
      const checked = (await factory.create({ now: clock })).store;
      const trusted = (await factory.create({ now: clock })).store;
      await checked.append(events, { expectedLastSeq: 0 });
      await trusted.append(events, { expectedLastSeq: 0, validated: true });
      expect((await trusted.head()).lastHash).toBe((await checked.head()).lastHash);
      expect(await readAll(trusted)).toEqual(await readAll(checked));
      expect(await trusted.verify()).toMatchObject({ ok: true, events: 3 });
      await checked.close();
      await trusted.close();
    });

    it('several writers at once lose nothing, leave no gap, and never interleave batches', async () => {
      const { store, open } = await factory.create();
      const writers = Array.from({ length: 4 }, () => open());
      await Promise.all(
        writers.map(async (writer, w) => {
          for (let b = 0; b < 10; b++) {
            await writer.append(
              [0, 1, 2].map((i) => skipped(i, `W${w}-${b}-${i}`)),
              { expectedLastSeq: 'any' },
            );
          }
        }),
      );
      const events = await readAll(store);
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
      expect(new Set(events.map((e) => e.id)).size).toBe(120);
      for (let i = 0; i < 120; i += 3) expect(new Set(events.slice(i, i + 3).map((e) => e.id.split('-').slice(0, 2).join('-'))).size).toBe(1);
      expect(await store.verify()).toMatchObject({ ok: true, events: 120 });
      await Promise.all([store, ...writers].map((s) => s.close()));
    });

    it('resumes reading after a cursor, and starts over when the log no longer matches it', async () => {
      const { store, tamper } = await factory.create();
      await store.append([skipped(1, 'E1'), skipped(2, 'E2')], { expectedLastSeq: 0 });
      const first = await store.readFrom(null);
      let step = await first.batches.next();
      while (!step.done) step = await first.batches.next();
      const cursor = step.value;
      expect(cursor.seq).toBe(2);
      await store.append([skipped(3, 'E3')], { expectedLastSeq: 2 });
      const next = await store.readFrom(cursor);
      expect(next.resumed).toBe(true);
      const batch = await next.batches.next();
      expect(!batch.done && batch.value.map((e) => e.seq)).toEqual([3]);
      await tamper(2, (line) => line.replace('"c2"', '"c9"'));
      expect((await store.readFrom(cursor)).resumed).toBe(false);
      await store.close();
    });

    it('reads from a seq: exactly the events of a full read from that seq on, the first batch the rest of its append', async () => {
      const { store } = await factory.create();
      const ids = sequentialIds();
      let n = 0;
      for (const size of [1, 3, 1, 4, 2])
        await store.append(
          Array.from({ length: size }, () => skipped(++n, ids())),
          { expectedLastSeq: 'any' },
        );
      const whole: (readonly StoredEvent[])[] = [];
      for await (const batch of store.readBatches()) whole.push(batch);
      for (let fromSeq = 1; fromSeq <= n + 1; fromSeq++) {
        const read: number[][] = [];
        for await (const batch of store.readBatches(fromSeq)) read.push(batch.map((e) => e.seq));
        const expected = whole.map((batch) => batch.filter((e) => e.seq >= fromSeq).map((e) => e.seq)).filter((batch) => batch.length > 0);
        expect(read, `from seq ${fromSeq}`).toEqual(expected);
      }
      await store.close();
    });

    it('starts a read from a seq there: a line before it is trusted, not read (verify names it), and every line from it is checked', async () => {
      const { store, tamper } = await factory.create();
      await store.append([skipped(1, 'E1'), skipped(2, 'E2')], { expectedLastSeq: 0 });
      await store.append([skipped(3, 'E3'), skipped(4, 'E4')], { expectedLastSeq: 2 });
      await store.append([skipped(5, 'E5')], { expectedLastSeq: 4 });
      await tamper(2, (line) => line.replace('"c2"', '"c7"'));
      const read: string[] = [];
      for await (const batch of store.readBatches(4)) read.push(...batch.map((e) => e.id));
      expect(read).toEqual(['E4', 'E5']);
      expect(await store.verify()).toMatchObject({ ok: false, error: expect.stringMatching(/^log line 2 is corrupt/) });
      await tamper(5, (line) => line.replace('"c5"', '"c8"'));
      await expect(
        (async () => {
          for await (const _ of store.readBatches(4));
        })(),
      ).rejects.toThrow(/log line 5 is corrupt/);
      await store.close();
    });

    it('names the first bad line when a stored line was changed', async () => {
      const { store, tamper } = await factory.create();
      await store.append([skipped(1, 'E1')], { expectedLastSeq: 0 });
      await store.append([skipped(2, 'E2')], { expectedLastSeq: 1 });
      await store.append([skipped(3, 'E3')], { expectedLastSeq: 2 });
      await tamper(2, (line) => line.replace('"c2"', '"c7"'));
      expect(await store.verify()).toMatchObject({ ok: false, error: expect.stringMatching(/^log line 2 is corrupt: checksum/) });
      await expect(readAll(store)).rejects.toThrow(/log line 2 is corrupt/);
      await store.close();
    });

    it('never extends a log it has not checked from its last checked point: damage added since refuses the append', async () => {
      const { store: writer, open, tamper } = await factory.create();
      await writer.append([skipped(1, 'E1'), skipped(2, 'E2')], { expectedLastSeq: 0 });
      await readAll(writer); // this writer has checked seq 1-2
      await open().append([skipped(3, 'E3'), skipped(4, 'E4')], { expectedLastSeq: 2 });
      await tamper(3, (line) => line.replace('"c3"', '"cX"'));
      await expect(writer.append([skipped(5, 'E5')], { expectedLastSeq: 'any' })).rejects.toThrow(/^log line 3 is corrupt: checksum/);
      // A handle that has read nothing has checked nothing: it checks from the start before its first append.
      const fresh = open();
      await expect(fresh.append([skipped(6, 'E6')], { expectedLastSeq: 'any' })).rejects.toThrow(/^log line 3 is corrupt/);
      expect(await writer.head()).toMatchObject({ lastSeq: 4 });
      await Promise.all([writer.close(), fresh.close()]);
    });

    it('stamps `at` from its clock and never lets it go backwards, so "as of a time" is a prefix', async () => {
      const times = ['2026-11-25T10:00:05.000Z', '2026-11-25T10:00:01.000Z', '2026-11-25T10:00:09.000Z'];
      const { store } = await factory.create({ now: () => new Date(times.shift()!) });
      for (const n of [1, 2, 3]) await store.append([skipped(n, `E${n}`)], { expectedLastSeq: n - 1 });
      expect((await readAll(store)).map((e) => e.at)).toEqual(['2026-11-25T10:00:05.000Z', '2026-11-25T10:00:05.000Z', '2026-11-25T10:00:09.000Z']);
      await store.close();
    });
  });
}
