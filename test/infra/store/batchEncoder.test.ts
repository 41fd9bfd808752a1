import { describe, expect, it } from 'vitest';
import { decodeLine } from '../../../src/infra/store/lineCodec.js';
import { lineHash } from '../../../src/infra/store/hashChain.js';
import type { NewEvent } from '../../../src/infra/store/eventStore.js';
import { batchLines, encodeBatch } from '../../../src/infra/store/batchEncoder.js';

/** A line as the encoder before the single-pass one wrote it: unicode, escapes, index-like and "__proto__" keys, -0. */
const WRITTEN_BEFORE =
  '{"seq":5,"id":"E1","type":"TrajectoryRecorded","v":2,"at":"2026-11-25T10:00:00.000Z","prev":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","batchEnd":5,"data":{"trajectory":{"candidates":[{"id":"mem-1","kind":"memory","name":"m","score":0.5}],"decision":{"propensity":0.9,"route":"memory","selected":["mem-1"]},"id":"01JD0000000000000000000000","outcome":{"error":null,"latencyMs":12.5,"reward":1},"recordedAt":"2026-11-25T10:00:00.000Z","source":"import","task":{"input":"café 😀 \\"quoted\\"\\n","metadata":{"9":false,"10":true,"__proto__":{"x":2,"y":1},"z":[1,0,{"a":1,"b":2}]}}}},"crc":"d72cafc2"}';

const data = JSON.parse(
  '{"trajectory":{"id":"01JD0000000000000000000000","recordedAt":"2026-11-25T10:00:00.000Z","source":"import","task":{"input":"caf\\u00e9 \\ud83d\\ude00 \\"quoted\\"\\n","metadata":{"z":[1,-0,{"b":2,"a":1}],"__proto__":{"y":1,"x":2},"10":true,"9":false}},"candidates":[{"id":"mem-1","kind":"memory","name":"m","score":0.5}],"decision":{"route":"memory","selected":["mem-1"],"propensity":0.9},"outcome":{"reward":1,"error":null,"latencyMs":12.5}}}',
);
const event = { id: 'E1', type: 'TrajectoryRecorded', data } as NewEvent;
const tail = { lastSeq: 4, lastHash: 'a'.repeat(64), lastAt: null };
const now = new Date('2026-11-25T10:00:00.000Z');

describe('batch encoder', () => {
  it('writes exactly the bytes earlier versions wrote, so existing logs keep verifying and chaining', () => {
    const batch = encodeBatch([event], tail, now, 1 << 20);
    expect(batch.bytes.toString('utf8')).toBe(`${WRITTEN_BEFORE}\n`);
    expect(batch.lastHash).toBe(lineHash(WRITTEN_BEFORE));
    expect(encodeBatch([event], tail, now, 1 << 20, true).bytes).toEqual(batch.bytes);
  });

  it('chains every line of a batch to the one before and seals each, one newline after each line', () => {
    const second = { ...event, id: 'E2' };
    const batch = encodeBatch([event, second, event], tail, now, 1 << 20);
    const lines = batchLines(batch);
    expect(lines).toHaveLength(3);
    expect(batch.bytes.toString('utf8')).toBe(`${lines.join('\n')}\n`);
    let prev = tail.lastHash;
    for (const [index, line] of lines.entries()) {
      const decoded = decodeLine(line);
      expect(decoded).toMatchObject({ ok: true, envelope: { seq: 5 + index, prev, batchEnd: 7 } });
      prev = lineHash(line);
    }
    expect(batch.lastHash).toBe(prev);
    expect(batch.stored.map((e) => [e.seq, e.id, e.at])).toEqual([
      [5, 'E1', now.toISOString()],
      [6, 'E2', now.toISOString()],
      [7, 'E1', now.toISOString()],
    ]);
  });

  it('counts the limit in bytes of the sealed line: multi-byte characters count as UTF-8 has them', () => {
    const exact = Buffer.byteLength(WRITTEN_BEFORE);
    expect(encodeBatch([event], tail, now, exact).bytes.length).toBe(exact + 1);
    expect(() => encodeBatch([event], tail, now, exact - 1)).toThrow(
      `event 1 of the batch (TrajectoryRecorded) is ${exact} bytes, over the ${exact - 1}-byte limit per event`,
    );
    const wide = { ...event, data: { trajectory: { ...data.trajectory, task: { input: '\u{1F600}'.repeat(3000) } } } } as NewEvent;
    const wideBytes = Buffer.byteLength(batchLines(encodeBatch([wide], tail, now, 1 << 20))[0]!);
    // Within the limit in UTF-16 units, over it in bytes.
    expect(() => encodeBatch([wide], tail, now, wideBytes - 1)).toThrow(`is ${wideBytes} bytes, over the ${wideBytes - 1}-byte limit`);
    expect(encodeBatch([wide], tail, now, wideBytes).bytes.length).toBe(wideBytes + 1);
  });

  it('encodes a batch whose first line is near the limit and whose thousands of others are small (it reserves ahead from the first line, within bounds)', () => {
    const large = { ...event, data: { trajectory: { ...data.trajectory, task: { input: 'x'.repeat(900_000) } } } } as NewEvent;
    const small = { ...event, id: 'E2' };
    const batch = encodeBatch([large, ...Array.from({ length: 5000 }, () => small)], tail, now, 1 << 20);
    const lines = batchLines(batch);
    expect(lines).toHaveLength(5001);
    let prev = tail.lastHash;
    for (const [index, line] of lines.entries()) {
      expect(decodeLine(line)).toMatchObject({ ok: true, envelope: { seq: 5 + index, prev, batchEnd: 5005 } });
      prev = lineHash(line);
    }
    expect(batch.bytes.length).toBe(lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0));
  });
});
