import { z } from 'zod';
import { canonicalJson } from '../../events/canonicalJson.js';
import { describeZodError } from '../../domain/trajectoryInput.js';
import { sealLine } from './lineSeal.js';
import { EVENT_TYPES, eventDataSchemas, type EventType } from '../../events/catalogue.js';
import { currentVersion, upcast } from '../../events/upcasters.js';
import { envelopeHead, parseSealedLine, trustedEnvelope, type DecodeMode, type DecodeResult, type Envelope } from './sealedLine.js';

/*
 * The line codec with the schemas: the envelope's and every event's, through zod. What a sealed
 * current-version line needs without them is in sealedLine.ts (re-exported here, so this stays the
 * codec's one module for its users); the store's read path loads this module only when a line needs it.
 */
export { envelopeHead, type DecodeError, type DecodeMode, type DecodeResult, type Envelope } from './sealedLine.js';

const EnvelopeSchema = z.strictObject({
  seq: z.number().int().min(1),
  id: z.string().min(1),
  type: z.enum(EVENT_TYPES as [EventType, ...EventType[]]),
  v: z.number().int().min(1),
  at: z.iso.datetime(),
  prev: z.string().regex(/^[0-9a-f]{64}$/),
  batchEnd: z.number().int().min(1),
  data: z.unknown(),
  crc: z.string(),
});

/** Validates an event's data before it is written, so that every sealed line holds schema-valid data. */
export function validateEventData(type: EventType, data: unknown): { ok: true } | { ok: false; message: string } {
  const result = eventDataSchemas[type].safeParse(data);
  return result.success ? { ok: true } : { ok: false, message: `${type} data: ${describeZodError(result.error)}` };
}

/** The canonical line of an envelope (no trailing newline). Equal envelopes always give equal lines. */
export function encodeEnvelope(envelope: Envelope): string {
  const { seq, id, type, v, at, prev, batchEnd, data } = envelope;
  return sealLine(`${envelopeHead(seq, id, type, v, at, prev, batchEnd)}${canonicalJson(data)}`);
}

/** Checks the seal, then parses, validates and upcasts one line (without its newline). Never throws. */
export function decodeLine(line: Uint8Array | string, mode: DecodeMode = 'full'): DecodeResult {
  const parsed = parseSealedLine(line);
  if (!parsed.ok) return parsed;
  if (mode === 'sealed') {
    const trusted = trustedEnvelope(parsed.raw);
    if (trusted) return { ok: true, envelope: trusted };
  }
  return decodeWithSchemas(parsed.raw);
}

/** The envelope and the data of a parsed line checked against their schemas, upcast from an older version. */
function decodeWithSchemas(raw: unknown): DecodeResult {
  const envelope = EnvelopeSchema.safeParse(raw);
  if (!envelope.success) {
    return { ok: false, error: { kind: 'malformed', message: `envelope: ${describeZodError(envelope.error)}` } };
  }
  const { type, v } = envelope.data;
  const upcasted = upcast(type, v, envelope.data.data);
  if (!upcasted.ok) {
    const supported = currentVersion(type);
    return upcasted.reason === 'future'
      ? {
          ok: false,
          error: {
            kind: 'future-version',
            type,
            version: v,
            supported,
            message: `${type} v${v} was written by a newer memabra (this one reads up to v${supported}); upgrade memabra to read this log`,
          },
        }
      : { ok: false, error: { kind: 'malformed', message: `${type} v${v} is not a known schema version` } };
  }
  const data = eventDataSchemas[type].safeParse(upcasted.data);
  if (!data.success) {
    return { ok: false, error: { kind: 'malformed', message: `${type} data: ${describeZodError(data.error)}` } };
  }
  const { crc: _seal, ...fields } = envelope.data;
  return { ok: true, envelope: { ...fields, v: currentVersion(type), data: data.data } as Envelope };
}
