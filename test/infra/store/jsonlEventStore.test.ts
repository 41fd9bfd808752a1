import fc from 'fast-check';
import { appendFileSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../src/events/catalogue.js';
import type { EventStore, NewEvent } from '../../../src/infra/store/eventStore.js';
import { LOG_FILE, openJsonlStore } from '../../../src/infra/store/jsonlEventStore.js';
import { PIECE_EVENTS } from '../../../src/infra/store/logScanner.js';
import { fixedClock, sequentialIds, tempDir } from '../../support/fixtures.js';

function skipped(n: number, newId: () => string): NewEvent {
  return { id: newId(), type: 'CycleSkipped', data: { cycleId: `c${n}`, newTrajectoryCount: n, minNewTrajectories: 10 } };
}

async function readAll(store: EventStore): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for await (const batch of store.readBatches()) out.push(...batch);
  return out;
}

/** A log with the given batch sizes; returns the store and the file. */
async function logWithBatches(sizes: readonly number[]): Promise<{ store: EventStore; file: string }> {
  const dir = tempDir();
  const store = openJsonlStore(dir, { now: fixedClock() });
  const newId = sequentialIds();
  let n = 0;
  for (const size of sizes) {
    await store.append(
      Array.from({ length: size }, () => skipped(n++, newId)),
      { expectedLastSeq: 'any' },
    );
  }
  return { store, file: join(dir, LOG_FILE) };
}

describe('JSONL event store', () => {
  it('appends batches with gap-free seqs and reads them back in order', async () => {
    const { store } = await logWithBatches([1, 3, 2]);
    const events = await readAll(store);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await store.head()).lastSeq).toBe(6);
    expect((await store.verify()).ok).toBe(true);
  });

  it('given a stale expected seq, when appending, then it conflicts and appends nothing', async () => {
    const { store, file } = await logWithBatches([2]);
    const before = readFileSync(file);
    await expect(store.append([skipped(9, sequentialIds(99))], { expectedLastSeq: 1 })).rejects.toThrow(/expected last seq 1, found 2/);
    expect(readFileSync(file)).toEqual(before);
  });

  it('refuses an event over the size limit with a clear error and appends nothing of its batch', async () => {
    const dir = tempDir();
    const store = openJsonlStore(dir, { maxEventBytes: 300 });
    const newId = sequentialIds();
    await expect(
      store.append([skipped(1, newId), { id: newId(), type: 'CycleFailed', data: { cycleId: 'c', stage: 'training', error: 'x'.repeat(400) } }], {
        expectedLastSeq: 0,
      }),
    ).rejects.toThrow(/event 2 of the batch \(CycleFailed\) is \d+ bytes, over the 300-byte limit/);
    expect(await readAll(store)).toEqual([]);
  });

  it('never yields half a batch: an unfinished append at the end is invisible, and the next writer drops it', async () => {
    const { store, file } = await logWithBatches([2, 3]);
    const lines = readFileSync(file, 'utf8').split('\n');
    // Keep the first batch and two whole lines plus half a line of the second: a writer that died mid-write.
    writeFileSync(file, `${lines.slice(0, 4).join('\n')}\n${lines[4]!.slice(0, 20)}`);
    expect((await readAll(store)).map((e) => e.seq)).toEqual([1, 2]);
    const report = await store.verify();
    expect(report.ok && report.tornTail).toMatchObject({ firstLine: 3, reason: 'unfinished batch' });
    await store.append([skipped(7, sequentialIds(50))], { expectedLastSeq: 2 });
    expect((await readAll(store)).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(await store.verify()).toMatchObject({ ok: true, tornTail: null });
  });

  it('hands a long append over in pieces ending at multiples of PIECE_EVENTS, and nothing of a long append torn before its last line', async () => {
    const complete = 2 * PIECE_EVENTS + 37;
    const { store, file } = await logWithBatches([1, complete, PIECE_EVENTS + 50]);
    const lines = readFileSync(file, 'utf8').split('\n');
    // The last append lost its last line: a writer that died before writing it.
    writeFileSync(file, `${lines.slice(0, -2).join('\n')}\n`);
    const batches: number[][] = [];
    for await (const batch of store.readBatches()) batches.push(batch.map((e) => e.seq));
    expect(batches.flat()).toEqual(Array.from({ length: 1 + complete }, (_, i) => i + 1));
    const appendEnds = new Set([1, 1 + complete]);
    for (const batch of batches) {
      expect(batch.length).toBeLessThanOrEqual(PIECE_EVENTS);
      expect(batch.at(-1)! % PIECE_EVENTS === 0 || appendEnds.has(batch.at(-1)!), `batch ending at ${batch.at(-1)}`).toBe(true);
    }
    const reader = await store.readFrom(null);
    let step = await reader.batches.next();
    while (!step.done) step = await reader.batches.next();
    expect(step.value.seq).toBe(1 + complete);
    const report = await store.verify();
    expect(report).toMatchObject({ ok: true, events: 1 + complete, lastSeq: 1 + complete, tornTail: { firstLine: 2 + complete, reason: 'unfinished batch' } });
  });

  it('appends after its own last append without reading back, yet notices that line changed in place at the same length', async () => {
    const { store, file } = await logWithBatches([1, 2]);
    writeFileSync(file, readFileSync(file, 'utf8').replace('"c2"', '"c8"'));
    const newId = sequentialIds(100);
    await expect(store.append([skipped(9, newId)], { expectedLastSeq: 'any' })).rejects.toThrow(/log line 3 is corrupt/);
    // Another writer's append since: found from the file, and this writer's next append follows it.
    const { store: other, file: otherFile } = await logWithBatches([2]);
    await openJsonlStore(join(otherFile, '..'), { now: fixedClock() }).append([skipped(5, newId)], { expectedLastSeq: 2 });
    expect(await other.append([skipped(6, newId)], { expectedLastSeq: 3 })).toMatchObject({ firstSeq: 4 });
    expect(await other.verify()).toMatchObject({ ok: true, events: 4 });
  });

  it('reads from any seq of a large log, lines of every length and a torn tail included, as a full read from that seq on', async () => {
    const dir = tempDir();
    const store = openJsonlStore(dir, { now: fixedClock() });
    const newId = sequentialIds();
    const sizes = [1, 7, 1, 40, 3, 120, 2, 60, 1, 15, 90, 5];
    let n = 0;
    for (const size of sizes) {
      const events = Array.from({ length: size }, (): NewEvent => {
        n += 1;
        return { id: newId(), type: 'CycleFailed', data: { cycleId: `c${n}`, stage: 'training', error: 'x'.repeat((n * 7919) % 9000) } };
      });
      await store.append(events, { expectedLastSeq: 'any' });
    }
    const file = join(dir, LOG_FILE);
    expect(statSync(file).size).toBeGreaterThan(1_000_000); // several rounds of bisection
    appendFileSync(file, '{"seq":346,"id":"torn'); // a writer that died mid-write
    const whole: (readonly StoredEvent[])[] = [];
    for await (const batch of store.readBatches()) whole.push(batch);
    const readFromSeq = async (fromSeq: number) => {
      const read: number[][] = [];
      for await (const batch of store.readBatches(fromSeq)) read.push(batch.map((e) => e.seq));
      return read;
    };
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: n + 2 }), async (fromSeq) => {
        const expected = whole.map((batch) => batch.filter((e) => e.seq >= fromSeq).map((e) => e.seq)).filter((batch) => batch.length > 0);
        expect(await readFromSeq(fromSeq)).toEqual(expected);
      }),
      { numRuns: 60, examples: [[2], [n], [n + 1], [Math.floor(n / 2)]] },
    );
    // It starts there: a damaged line far before the start is left to verify.
    writeFileSync(file, readFileSync(file, 'utf8').replace('"c2"', '"c9"'));
    expect((await readFromSeq(n - 10)).flat()).toEqual(Array.from({ length: 11 }, (_, i) => n - 10 + i));
    await expect(readAll(store)).rejects.toThrow(/log line 2 is corrupt/);
  });

  it('repair drops an unterminated last line', async () => {
    const { store, file } = await logWithBatches([1]);
    appendFileSync(file, '{"seq":2,"id":');
    expect(await store.repair()).toBe(14);
    expect(await store.verify()).toMatchObject({ ok: true, tornTail: null, lastSeq: 1 });
  });

  it('detects any single-byte change, line deletion, duplication or reordering (verify is not clean)', async () => {
    const { store, file } = await logWithBatches([1, 2, 1, 3]);
    const original = readFileSync(file);
    const lines = original.toString('utf8').split('\n').slice(0, -1);
    const tamper = fc.oneof(
      fc.record({ kind: fc.constant('byte' as const), at: fc.nat(original.length - 1), xor: fc.integer({ min: 1, max: 255 }) }),
      // Deleting the log's last batch whole leaves a valid shorter log: only an outside anchor (the head hash
      // that verify prints) can tell, so deletions are of lines before it.
      fc.record({ kind: fc.constant('delete' as const), line: fc.nat(lines.length - 2) }),
      fc.record({ kind: fc.constant('duplicate' as const), line: fc.nat(lines.length - 1) }),
      fc.record({ kind: fc.constant('swap' as const), line: fc.nat(lines.length - 2) }),
    );
    await fc.assert(
      fc.asyncProperty(tamper, async (t) => {
        let bytes: Buffer;
        if (t.kind === 'byte') {
          bytes = Buffer.from(original);
          bytes[t.at] = bytes[t.at]! ^ t.xor;
        } else {
          const edited = [...lines];
          if (t.kind === 'delete') edited.splice(t.line, 1);
          if (t.kind === 'duplicate') edited.splice(t.line, 0, edited[t.line]!);
          if (t.kind === 'swap') [edited[t.line], edited[t.line + 1]] = [edited[t.line + 1]!, edited[t.line]!];
          bytes = Buffer.from(`${edited.join('\n')}\n`);
        }
        writeFileSync(file, bytes);
        const report = await store.verify();
        expect(report.ok === false || report.tornTail !== null).toBe(true);
      }),
      { numRuns: 300 },
    );
    writeFileSync(file, original);
    expect(await store.verify()).toMatchObject({ ok: true, tornTail: null });
  });

  it('names the first bad line when a line in the middle is corrupt, and refuses to read it', async () => {
    const { store, file } = await logWithBatches([1, 1, 1]);
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[1] = lines[1]!.replace('"c1"', '"cX"');
    writeFileSync(file, lines.join('\n'));
    expect(await store.verify()).toMatchObject({ ok: false, error: expect.stringMatching(/^log line 2 is corrupt: checksum/) });
    await expect(readAll(store)).rejects.toThrow(/log line 2 is corrupt/);
  });

  it('keeps `at` from going backwards even when the clock does', async () => {
    const dir = tempDir();
    const times = ['2026-11-25T10:00:05.000Z', '2026-11-25T10:00:01.000Z'];
    const store = openJsonlStore(dir, { now: () => new Date(times.shift()!) });
    const newId = sequentialIds();
    await store.append([skipped(1, newId)], { expectedLastSeq: 0 });
    await store.append([skipped(2, newId)], { expectedLastSeq: 1 });
    expect((await readAll(store)).map((e) => e.at)).toEqual(['2026-11-25T10:00:05.000Z', '2026-11-25T10:00:05.000Z']);
  });

  it('makes the batch durable as one write: the file grows by exactly the batch', async () => {
    const { store, file } = await logWithBatches([1]);
    const before = statSync(file).size;
    const result = await store.append([skipped(2, sequentialIds(30)), skipped(3, sequentialIds(40))], { expectedLastSeq: 1 });
    expect(result).toMatchObject({ firstSeq: 2, lastSeq: 3 });
    const added = readFileSync(file).subarray(before).toString('utf8');
    expect(added.split('\n')).toHaveLength(3);
    truncateSync(file, before);
    expect((await store.head()).lastSeq).toBe(1);
  });
});
