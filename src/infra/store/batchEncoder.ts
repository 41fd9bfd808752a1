import type { StoredEvent } from '../../events/catalogue.js';
import { encodeEnvelope, validateEventData, type Envelope } from '../../events/codec.js';
import { lineHash } from '../../events/hashChain.js';
import { currentVersion } from '../../events/upcasters.js';
import { MemabraError } from '../errors.js';
import type { NewEvent } from './eventStore.js';

export type Tail = { readonly lastSeq: number; readonly lastHash: string; readonly lastAt: string | null };

export type EncodedBatch = { readonly lines: string[]; readonly stored: StoredEvent[]; readonly lastHash: string; readonly at: string };

/**
 * The sealed lines of one append, the same in every store: each event's data validated against its schema
 * (so every sealed line holds valid data), seq and `prev` chained from the tail, one `at` for the whole
 * append that never goes backwards (so "as of a time" is always a prefix), and the size limit per event.
 */
export function encodeBatch(events: readonly NewEvent[], tail: Tail, now: Date, maxEventBytes: number): EncodedBatch {
  const clock = now.toISOString();
  const at = tail.lastAt !== null && tail.lastAt > clock ? tail.lastAt : clock;
  const batchEnd = tail.lastSeq + events.length;
  let prev = tail.lastHash;
  const lines: string[] = [];
  const stored: StoredEvent[] = [];
  events.forEach((event, index) => {
    const valid = validateEventData(event.type, event.data);
    if (!valid.ok) throw new MemabraError('input', `event ${index + 1} of the batch is invalid (${valid.message}); nothing was appended`);
    const seq = tail.lastSeq + index + 1;
    const v = currentVersion(event.type);
    const line = encodeEnvelope({ ...event, seq, v, at, prev, batchEnd } as Envelope);
    const bytes = Buffer.byteLength(line);
    if (bytes > maxEventBytes) {
      throw new MemabraError('input', `event ${index + 1} of the batch (${event.type}) is ${bytes} bytes, over the ${maxEventBytes}-byte limit per event; nothing was appended`);
    }
    lines.push(line);
    prev = lineHash(line);
    stored.push({ ...event, seq, v, at } as StoredEvent);
  });
  return { lines, stored, lastHash: prev, at };
}
