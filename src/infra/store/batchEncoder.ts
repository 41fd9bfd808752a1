import { canonicalJson } from '../../events/canonicalJson.js';
import type { StoredEvent } from '../../events/catalogue.js';
import { envelopeHead, validateEventData } from './lineCodec.js';
import { lineHash } from './hashChain.js';
import { SEAL_BYTES, sealInto } from './lineSeal.js';
import { currentVersion } from '../../events/upcasters.js';
import { MemabraError } from '../errors.js';
import type { NewEvent } from './eventStore.js';

export type Tail = { readonly lastSeq: number; readonly lastHash: string; readonly lastAt: string | null };

/** `bytes` holds the sealed lines of the batch, each followed by a newline: what is written, as it is. */
export type EncodedBatch = { readonly bytes: Buffer; readonly stored: StoredEvent[]; readonly lastHash: string; readonly at: string };

const NEWLINE = 0x0a;
/** UTF-8 takes at most 3 bytes per UTF-16 code unit (a surrogate pair, 2 units, takes 4). */
const MAX_UTF8_PER_UNIT = 3;
/**
 * The most a batch reserves ahead from its first line's size. A first line near the size limit followed
 * by thousands of small ones would otherwise ask for gigabytes (past Buffer's maximum length, a crash);
 * beyond this the buffer doubles as it fills.
 */
const MAX_RESERVED_BYTES = 64 * 1024 * 1024;

/**
 * The sealed lines of one append, the same in every store: each event's data valid against its schema
 * (so every sealed line holds valid data), seq and `prev` chained from the tail, one `at` for the whole
 * append that never goes backwards (so "as of a time" is always a prefix), and the size limit per event.
 * Each line is encoded once, straight into the batch's bytes, and sealed and hashed there.
 */
export function encodeBatch(events: readonly NewEvent[], tail: Tail, now: Date, maxEventBytes: number, validated = false): EncodedBatch {
  const clock = now.toISOString();
  const at = tail.lastAt !== null && tail.lastAt > clock ? tail.lastAt : clock;
  const batchEnd = tail.lastSeq + events.length;
  let prev = tail.lastHash;
  let bytes: Buffer = Buffer.allocUnsafe(4096);
  let used = 0;
  const stored: StoredEvent[] = [];
  for (let index = 0; index < events.length; index++) {
    const event = events[index]!;
    // `validated`: the caller vouches that the data was already checked against these schemas (AppendOptions).
    if (!validated) {
      const valid = validateEventData(event.type, event.data);
      if (!valid.ok) throw new MemabraError('input', `event ${index + 1} of the batch is invalid (${valid.message}); nothing was appended`);
    }
    const seq = tail.lastSeq + index + 1;
    const v = currentVersion(event.type);
    const head = envelopeHead(seq, event.id, event.type, v, at, prev, batchEnd);
    const data = canonicalJson(event.data);
    // Every UTF-16 unit is at least one byte: a line this long is over the limit whatever it holds.
    if (head.length + data.length + SEAL_BYTES > maxEventBytes)
      tooLarge(index, event, Buffer.byteLength(head) + Buffer.byteLength(data) + SEAL_BYTES, maxEventBytes);
    const room = (head.length + data.length) * MAX_UTF8_PER_UNIT + SEAL_BYTES + 1;
    bytes = grown(bytes, used, room);
    const start = used;
    used += bytes.write(head, used);
    used += bytes.write(data, used);
    used = sealInto(bytes, start, used);
    if (used - start > maxEventBytes) tooLarge(index, event, used - start, maxEventBytes);
    prev = lineHash(bytes.subarray(start, used));
    bytes[used++] = NEWLINE;
    // Room for the rest at the first line's size, so a large batch is copied into a larger buffer once.
    if (index === 0 && events.length > 1) bytes = grown(bytes, used, Math.min(Math.ceil(used * (events.length - 1) * 1.1), MAX_RESERVED_BYTES));
    stored.push({ seq, id: event.id, type: event.type, v, at, data: event.data } as StoredEvent);
  }
  return { bytes: bytes.subarray(0, used), stored, lastHash: prev, at };
}

/** The lines of an encoded batch, as text (a store that keeps one row per line). */
export function batchLines(batch: EncodedBatch): string[] {
  // No line holds a newline byte: JSON escapes it in strings, and UTF-8 never uses 0x0a inside a character.
  return batch.bytes.toString('utf8', 0, batch.bytes.length - 1).split('\n');
}

function grown(bytes: Buffer, used: number, room: number): Buffer {
  if (bytes.length - used >= room) return bytes;
  const larger = Buffer.allocUnsafe(Math.max(bytes.length * 2, used + room));
  bytes.copy(larger, 0, 0, used);
  return larger;
}

function tooLarge(index: number, event: NewEvent, bytes: number, maxEventBytes: number): never {
  throw new MemabraError(
    'input',
    `event ${index + 1} of the batch (${event.type}) is ${bytes} bytes, over the ${maxEventBytes}-byte limit per event; nothing was appended`,
  );
}
