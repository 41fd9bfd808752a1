import type { EventType, StoredEvent } from '../../events/catalogue.js';
import { currentVersion, schemaHistory } from '../../events/upcasters.js';
import { checkSeal } from './lineSeal.js';

/**
 * A line of the log as far as it can be read without the schemas: its seal checked, its JSON parsed, and
 * a current-version line taken as it stands. No zod and no event schema is loaded by this module, so a
 * read of sealed current lines (a one-shot `status` on a log with a snapshot) does not pay for them; the
 * schemas' half of the codec is lineCodec.ts, which the store loads when a line needs it (lineDecoder.ts).
 */

/** One line of the log, as it is on disk. `batchEnd` is the seq of the last event of the append it belongs to. */
export type Envelope = StoredEvent & { prev: string; batchEnd: number };

export type DecodeError =
  { kind: 'malformed'; message: string } | { kind: 'future-version'; message: string; type: string; version: number; supported: number };

export type DecodeResult = { ok: true; envelope: Envelope } | { ok: false; error: DecodeError };

/**
 * How much to check beyond the seal. `full` validates the envelope and the data against their schemas
 * (verify, and any line at an older schema version). `sealed` trusts the schema of a current-version line
 * whose seal matches: it was validated when it was written, and the seal proves it is the same bytes. Seq,
 * chain and framing are checked by the reader either way.
 */
export type DecodeMode = 'full' | 'sealed';

/**
 * A line up to its data: the envelope's own fields in a fixed, readable order. The line is this, the
 * data's canonical JSON (sorted keys), then the seal; the store's batch encoder writes the three parts
 * straight into the batch's bytes.
 */
export function envelopeHead(seq: number, id: string, type: EventType, v: number, at: string, prev: string, batchEnd: number): string {
  return `{"seq":${seq},"id":${JSON.stringify(id)},"type":${JSON.stringify(type)},"v":${v},"at":${JSON.stringify(at)},"prev":${JSON.stringify(prev)},"batchEnd":${batchEnd},"data":`;
}

/** Every event type: the schema history names each exactly once (it is a record over EventType). */
const KNOWN_TYPES = new Set<string>(Object.keys(schemaHistory));

/** The line's JSON value once its seal matches, or why it is not a line at all. */
export function parseSealedLine(line: Uint8Array | string): { ok: true; raw: unknown } | { ok: false; error: DecodeError } {
  if (!checkSeal(line)) return { ok: false, error: { kind: 'malformed', message: 'checksum does not match the line' } };
  try {
    // The seal matched these exact bytes, and only valid UTF-8 is ever sealed: a plain decode is safe.
    return { ok: true, raw: JSON.parse(typeof line === 'string' ? line : Buffer.from(line.buffer, line.byteOffset, line.byteLength).toString('utf8')) };
  } catch {
    return { ok: false, error: { kind: 'malformed', message: 'not valid JSON' } };
  }
}

/**
 * The envelope of a sealed line at its type's current version, its fields of the right kinds; null for
 * anything else (an older version, an unknown type, a field missing or of another kind), which the schemas
 * check and describe.
 */
export function trustedEnvelope(raw: unknown): Envelope | null {
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
