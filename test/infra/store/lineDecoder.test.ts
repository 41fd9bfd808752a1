import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currentVersion } from '../../../src/events/upcasters.js';
import { GENESIS_HASH } from '../../../src/infra/store/hashChain.js';
import { decodeLine, encodeEnvelope, type Envelope } from '../../../src/infra/store/lineCodec.js';
import { decodeStoredLine, loadLineSchemas, needSchemas, SCHEMAS_NEEDED, withLineSchemas } from '../../../src/infra/store/lineDecoder.js';
import { sealLine } from '../../../src/infra/store/lineSeal.js';
import { envelopeArb } from '../../support/eventArbitraries.js';

/** A sealed line of the envelope with one field replaced, sealed again: what only the schemas can judge. */
const resealed = (envelope: Envelope, field: string, value: unknown): string => {
  const line = JSON.parse(encodeEnvelope(envelope)) as Record<string, unknown>;
  const { crc: _crc, ...fields } = { ...line, [field]: value };
  return sealLine(JSON.stringify(fields).slice(0, -1));
};

/**
 * Lines of every kind a reader meets: current-version lines, the same at an older, a future or an unknown
 * version, with an unknown type, a field of the wrong kind or data the schema refuses, a changed byte, and
 * sealed text that is not JSON.
 */
const lineArb: fc.Arbitrary<Uint8Array> = fc
  .tuple(envelopeArb, fc.constantFrom('current', 'v1', 'future', 'v0', 'type', 'seq', 'at', 'data', 'byte', 'json'), fc.nat(), fc.integer({ min: 1, max: 255 }))
  .map(([envelope, kind, at, xor]) => {
    switch (kind) {
      case 'current':
        return Buffer.from(encodeEnvelope(envelope));
      case 'v1':
        return Buffer.from(encodeEnvelope({ ...envelope, v: 1 }));
      case 'future':
        return Buffer.from(encodeEnvelope({ ...envelope, v: currentVersion(envelope.type) + 1 }));
      case 'v0':
        return Buffer.from(resealed(envelope, 'v', 0));
      case 'type':
        return Buffer.from(resealed(envelope, 'type', 'NoSuchEvent'));
      case 'seq':
        return Buffer.from(resealed(envelope, 'seq', String(envelope.seq)));
      case 'at':
        return Buffer.from(resealed(envelope, 'at', 'yesterday'));
      case 'data':
        return Buffer.from(resealed({ ...envelope, v: 1 }, 'data', { unexpected: true }));
      case 'byte': {
        const bytes = Buffer.from(encodeEnvelope(envelope));
        const index = at % bytes.length;
        bytes[index] = bytes[index]! ^ xor;
        return bytes;
      }
      case 'json':
        return Buffer.from(sealLine('{"seq":1,'));
    }
  });

// The order matters: the first tests run before this file's module loads the schemas, the last after.
describe('the store’s line decoder, which loads the schemas only for a line that needs them', () => {
  it('given the schemas not loaded, decodes a sealed line as the codec does, or hands it back as needing them', () => {
    fc.assert(
      fc.property(lineArb, (line) => {
        const decoded = decodeStoredLine(line, 'sealed');
        if (decoded !== SCHEMAS_NEEDED) expect(decoded).toEqual(decodeLine(line, 'sealed'));
      }),
      { numRuns: 300 },
    );
  });

  it('given the schemas not loaded, takes every current-version line without them, and hands back every line that needs them', () => {
    fc.assert(
      fc.property(envelopeArb, (envelope) => {
        const line = Buffer.from(encodeEnvelope(envelope));
        expect(decodeStoredLine(line, 'sealed')).toEqual({ ok: true, envelope });
        expect(decodeStoredLine(line, 'full')).toBe(SCHEMAS_NEEDED);
        // An older version (where the type has one), a future one: only the schemas and upcasters read them.
        if (envelope.v > 1) expect(decodeStoredLine(encodeEnvelope({ ...envelope, v: 1 }), 'sealed')).toBe(SCHEMAS_NEEDED);
        expect(decodeStoredLine(encodeEnvelope({ ...envelope, v: envelope.v + 1 }), 'sealed')).toBe(SCHEMAS_NEEDED);
        expect(decodeStoredLine(resealed(envelope, 'seq', 'one'), 'sealed')).toBe(SCHEMAS_NEEDED);
      }),
      { numRuns: 100 },
    );
  });

  it('given a read that meets a line needing the schemas, withLineSchemas loads them and runs the read again', async () => {
    const line = encodeEnvelope({
      seq: 1,
      id: 'E1',
      type: 'RouterRolledBack',
      v: 1,
      at: '2026-11-25T10:00:00.000Z',
      prev: GENESIS_HASH,
      batchEnd: 1,
      data: { from: 'A', to: 'B' },
    } as unknown as Envelope);
    let runs = 0;
    const decoded = await withLineSchemas(() => {
      runs += 1;
      const result = decodeStoredLine(line, 'sealed');
      return result === SCHEMAS_NEEDED ? needSchemas() : result;
    });
    expect(runs).toBe(2);
    expect(decoded).toEqual(decodeLine(line, 'sealed'));
    expect(decoded).toMatchObject({ ok: true, envelope: { v: 2, data: { fromVersionId: 'A', toVersionId: 'B', reason: null } } });
    const failing = (): never => {
      throw new Error('not a schema problem');
    };
    await expect(withLineSchemas(failing)).rejects.toThrow('not a schema problem');
  });

  it('given the schemas loaded, decodes every line exactly as the codec does, in both modes', async () => {
    await loadLineSchemas();
    fc.assert(
      fc.property(lineArb, (line) => {
        expect(decodeStoredLine(line, 'sealed')).toEqual(decodeLine(line, 'sealed'));
        expect(decodeStoredLine(line, 'full')).toEqual(decodeLine(line, 'full'));
      }),
      { numRuns: 300 },
    );
  });
});
