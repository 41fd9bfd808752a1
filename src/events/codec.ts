import { z } from 'zod';
import { canonicalJson } from './canonicalJson.js';
import { checkSeal, sealLine } from './lineSeal.js';
import { EVENT_TYPES, eventDataSchemas, type EventType, type StoredEvent } from './catalogue.js';
import { currentVersion, upcast } from './upcasters.js';

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
  | { kind: 'malformed'; message: string }
  | { kind: 'future-version'; message: string; type: string; version: number; supported: number };

export type DecodeResult = { ok: true; envelope: Envelope } | { ok: false; error: DecodeError };

/** The canonical line of an envelope (no trailing newline). Equal envelopes always give equal lines. */
export function encodeEnvelope(envelope: Envelope): string {
  // The envelope's own fields in a fixed, readable order; the data canonical (sorted keys).
  const { seq, id, type, v, at, prev, batchEnd, data } = envelope;
  return sealLine(
    `{"seq":${seq},"id":${JSON.stringify(id)},"type":${JSON.stringify(type)},"v":${v},` +
      `"at":${JSON.stringify(at)},"prev":${JSON.stringify(prev)},"batchEnd":${batchEnd},"data":${canonicalJson(data)}`,
  );
}

function describeIssues(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.length ? issue.path.join('.') : '(root)';
  return `${path}: ${issue.message}`;
}

const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** Checks the seal, then parses, validates and upcasts one line (without its newline). Never throws. */
export function decodeLine(line: Uint8Array | string): DecodeResult {
  if (!checkSeal(line)) return { ok: false, error: { kind: 'malformed', message: 'checksum does not match the line' } };
  let raw: unknown;
  try {
    raw = JSON.parse(typeof line === 'string' ? line : textDecoder.decode(line));
  } catch {
    return { ok: false, error: { kind: 'malformed', message: 'not valid JSON' } };
  }
  const envelope = EnvelopeSchema.safeParse(raw);
  if (!envelope.success) {
    return { ok: false, error: { kind: 'malformed', message: `envelope ${describeIssues(envelope.error)}` } };
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
    return { ok: false, error: { kind: 'malformed', message: `${type} data ${describeIssues(data.error)}` } };
  }
  const { crc: _seal, ...fields } = envelope.data;
  return { ok: true, envelope: { ...fields, v: currentVersion(type), data: data.data } as Envelope };
}
