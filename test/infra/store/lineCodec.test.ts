import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventDataSchemas } from '../../../src/events/catalogue.js';
import { decodeLine, encodeEnvelope } from '../../../src/infra/store/lineCodec.js';
import { GENESIS_HASH } from '../../../src/infra/store/hashChain.js';
import { domainEventArb, envelopeArb } from '../../support/eventArbitraries.js';

describe('codec', () => {
  it('accepts what the schemas accept: every generated event is valid data', () => {
    fc.assert(
      fc.property(domainEventArb, (event) => {
        expect(eventDataSchemas[event.type].safeParse(event.data).success).toBe(true);
      }),
    );
  });

  it('round-trips every event: decode(encode(e)) = e and encode(decode(line)) = line', () => {
    fc.assert(
      fc.property(envelopeArb, (envelope) => {
        const line = encodeEnvelope(envelope);
        const decoded = decodeLine(line);
        expect(decoded.ok).toBe(true);
        if (!decoded.ok) return;
        expect(decoded.envelope).toEqual(JSON.parse(JSON.stringify(envelope)));
        expect(encodeEnvelope(decoded.envelope)).toBe(line);
      }),
    );
  });

  it('writes one line: no newline inside, whatever the strings hold', () => {
    fc.assert(
      fc.property(envelopeArb, (envelope) => {
        expect(encodeEnvelope(envelope)).not.toContain('\n');
      }),
    );
  });

  it('is canonical: key order of the input does not change the bytes', () => {
    const a = encodeEnvelope({
      seq: 1,
      id: 'x',
      type: 'CycleSkipped',
      v: 1,
      at: '2026-11-25T10:00:00.000Z',
      prev: GENESIS_HASH,
      batchEnd: 1,
      data: { cycleId: 'c', newTrajectoryCount: 1, minNewTrajectories: 2 },
    });
    const b = encodeEnvelope({
      seq: 1,
      id: 'x',
      type: 'CycleSkipped',
      v: 1,
      at: '2026-11-25T10:00:00.000Z',
      prev: GENESIS_HASH,
      batchEnd: 1,
      data: { minNewTrajectories: 2, newTrajectoryCount: 1, cycleId: 'c' },
    });
    expect(a).toBe(b);
  });

  it('rejects any single changed byte of a line', () => {
    fc.assert(
      fc.property(envelopeArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (envelope, at, xor) => {
        const bytes = Buffer.from(encodeEnvelope(envelope));
        const index = at % bytes.length;
        bytes[index] = bytes[index]! ^ xor;
        expect(decodeLine(bytes).ok).toBe(false);
      }),
    );
  });
});
