import { z } from 'zod';
import { canonicalJson } from '../../events/canonicalJson.js';
import { describeZodError } from '../../domain/trajectoryInput.js';
import { checkSeal, sealLine } from './lineSeal.js';
import { EVENT_TYPES, eventDataSchemas, type EventType, type StoredEvent } from '../../events/catalogue.js';
import { currentVersion, upcast } from '../../events/upcasters.js';

/** One line of the log, as it is on disk. `batchEnd` is the seq of the last event of the append it belongs to. */
export type Envelope = StoredEvent & { prev: string; batchEnd: number };

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

export type DecodeError =
  { kind: 'malformed'; message: string } | { kind: 'future-version'; message: string; type: string; version: number; supported: number };

export type DecodeResult = { ok: true; envelope: Envelope } | { ok: false; error: DecodeError };

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

/**
 * A line up to its data: the envelope's own fields in a fixed, readable order. The line is this, the
 * data's canonical JSON (sorted keys), then the seal; the store's batch encoder writes the three parts
 * straight into the batch's bytes.
 */
export function envelopeHead(seq: number, id: string, type: EventType, v: number, at: string, prev: string, batchEnd: number): string {
  return `{"seq":${seq},"id":${JSON.stringify(id)},"type":${JSON.stringify(type)},"v":${v},"at":${JSON.stringify(at)},"prev":${JSON.stringify(prev)},"batchEnd":${batchEnd},"data":`;
}

const KNOWN_TYPES = new Set<string>(EVENT_TYPES);

/**
 * How much to check beyond the seal. `full` validates the envelope and the data against their schemas
 * (verify, and any line at an older schema version). `sealed` trusts the schema of a current-version line
 * whose seal matches: it was validated when it was written, and the seal proves it is the same bytes. Seq,
 * chain and framing are checked by the reader either way.
 */
export type DecodeMode = 'full' | 'sealed';

function fastEnvelope(raw: unknown): Envelope | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const e = raw as Record<string, unknown>;
  if (
    typeof e.seq !== 'number' ||
    typeof e.id !== 'string' ||
    typeof e.type !== 'string' ||
    !KNOWN_TYPES.has(e.type) ||
    typeof e.v !== 'number' ||
    typeof e.at !== 'string' ||
    typeof e.prev !== 'string' ||
    typeof e.batchEnd !== 'number' ||
    typeof e.data !== 'object' ||
    e.data === null ||
    e.v !== currentVersion(e.type as EventType)
  ) {
    return null;
  }
  return { seq: e.seq, id: e.id, type: e.type, v: e.v, at: e.at, prev: e.prev, batchEnd: e.batchEnd, data: e.data } as Envelope;
}

/** Checks the seal, then parses, validates and upcasts one line (without its newline). Never throws. */
export function decodeLine(line: Uint8Array | string, mode: DecodeMode = 'full'): DecodeResult {
  if (!checkSeal(line)) return { ok: false, error: { kind: 'malformed', message: 'checksum does not match the line' } };
  let raw: unknown;
  try {
    // The seal matched these exact bytes, and only valid UTF-8 is ever sealed: a plain decode is safe.
    raw = JSON.parse(typeof line === 'string' ? line : Buffer.from(line.buffer, line.byteOffset, line.byteLength).toString('utf8'));
  } catch {
    return { ok: false, error: { kind: 'malformed', message: 'not valid JSON' } };
  }
  if (mode === 'sealed') {
    const trusted = fastEnvelope(raw);
    if (trusted) return { ok: true, envelope: trusted };
  }
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
