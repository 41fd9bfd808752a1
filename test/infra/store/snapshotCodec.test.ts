import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeSnapshot, encodeSnapshot } from '../../../src/infra/store/snapshotCodec.js';
import type { Snapshot } from '../../../src/infra/store/eventStore.js';

const snapshotArb: fc.Arbitrary<Snapshot> = fc.record({
  cursor: fc.record({
    seq: fc.nat(),
    offset: fc.nat(),
    hash: fc.stringMatching(/^[0-9a-f]{64}$/),
    at: fc.option(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      { nil: null },
    ),
  }),
  state: fc.jsonValue(),
  sections: fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 4 }),
});

const plain = (snapshot: Snapshot) => ({ ...snapshot, state: JSON.parse(JSON.stringify(snapshot.state)), sections: snapshot.sections.map((s) => [...s]) });

describe('the snapshot codec', () => {
  it('round-trips any snapshot, binary sections included', () => {
    fc.assert(
      fc.property(snapshotArb, (snapshot) => {
        expect(plain(decodeSnapshot(encodeSnapshot(snapshot))!)).toEqual(plain(snapshot));
      }),
    );
  });

  it('turns any changed byte or any cut into a cache miss, never a wrong snapshot', () => {
    fc.assert(
      fc.property(snapshotArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (snapshot, at, flip) => {
        const bytes = encodeSnapshot(snapshot);
        const changed = Buffer.from(bytes);
        changed[at % bytes.length]! ^= flip;
        expect(decodeSnapshot(changed)).toBeNull();
        expect(decodeSnapshot(bytes.subarray(0, at % bytes.length))).toBeNull();
      }),
    );
  });

  it('reads a snapshot written with the earlier sha256 checksum, and still refuses any changed byte of one', () => {
    fc.assert(
      fc.property(snapshotArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (snapshot, at, flip) => {
        const rest = Buffer.concat([Buffer.from(`${JSON.stringify(snapshot.state)}\n`), ...snapshot.sections]);
        const sections = snapshot.sections.map((section) => section.length);
        const sha256 = createHash('sha256')
          .update(JSON.stringify({ cursor: snapshot.cursor, sections }))
          .update(rest)
          .digest('hex');
        const bytes = Buffer.concat([Buffer.from(`${JSON.stringify({ cursor: snapshot.cursor, sections, sha256 })}\n`), rest]);
        expect(plain(decodeSnapshot(bytes)!)).toEqual(plain(snapshot));
        const changed = Buffer.from(bytes);
        changed[at % bytes.length]! ^= flip;
        expect(decodeSnapshot(changed)).toBeNull();
      }),
    );
  });

  it('refuses a header with no checksum at all', () => {
    const bytes = encodeSnapshot({ cursor: { seq: 1, offset: 10, hash: 'a'.repeat(64), at: null }, state: { format: 1 }, sections: [] });
    const newline = bytes.indexOf(0x0a);
    const { crc32: _crc, ...header } = JSON.parse(bytes.toString('utf8', 0, newline)) as Record<string, unknown>;
    expect(decodeSnapshot(Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), bytes.subarray(newline + 1)]))).toBeNull();
    expect(decodeSnapshot(bytes)).not.toBeNull();
  });
});
