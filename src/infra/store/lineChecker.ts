import type { StoredEvent } from '../../events/catalogue.js';
import type { DecodeMode, DecodeResult, Envelope } from './sealedLine.js';
import { decodeStoredLine, SCHEMAS_NEEDED, type SchemasNeeded } from './lineDecoder.js';
import { GENESIS_HASH, lineHash } from './hashChain.js';
import { MemabraError } from '../errors.js';

/** The last complete append a checker has passed: where a reader can resume. */
export type Committed = { seq: number; hash: string; at: string | null; lines: number };

export const LOG_BEGINNING: Committed = { seq: 0, hash: GENESIS_HASH, at: null, lines: 0 };

function corrupt(lineNo: number, message: string): never {
  throw new MemabraError('corrupt-log', `log line ${lineNo} is corrupt: ${message}`);
}

/** ISO times of one layout compare as text (fast); mixed precisions ("...:00Z", "...:00.000Z") as times. */
function isBefore(a: string, b: string): boolean {
  return a.length === b.length ? a < b : Date.parse(a) < Date.parse(b);
}

/** The envelope of a decoded line; a line that did not decode throws with its line number. */
function envelopeOf(decoded: DecodeResult, lineNo: number): Envelope {
  if (!decoded.ok) {
    if (decoded.error.kind === 'future-version') throw new MemabraError('future-schema', `log line ${lineNo}: ${decoded.error.message}`);
    corrupt(lineNo, decoded.error.message);
  }
  return decoded.envelope;
}

function toStored(envelope: Envelope): StoredEvent {
  const { prev: _prev, batchEnd: _batchEnd, ...event } = envelope;
  return event as StoredEvent;
}

/**
 * The checks every store applies to its lines, in order: the seal, the schema (see DecodeMode), a gap-free
 * seq, the hash chain, a time `at` that never decreases, and the framing of appends. Fed one complete line at a time; returns the events of
 * an append once its last line has been checked (an empty list when they are all before `fromSeq`), null
 * while the append is unfinished. A bad line throws with its line number. SCHEMAS_NEEDED: the line was
 * not taken, and is to be offered again once the schemas are loaded (lineDecoder.ts).
 */
export function createLineChecker(start: Committed, fromSeq: number, mode: DecodeMode) {
  let lineNo = start.lines;
  let prevHash = start.hash;
  let lastSeq = start.seq;
  let lastAt = start.at;
  let pending: StoredEvent[] = [];
  let pendingCount = 0; // lines of the current append, including those before fromSeq
  let pendingFirstLine = 0;
  let pendingBatchEnd = 0;
  let committed: Committed = start;

  return {
    check(line: Uint8Array): StoredEvent[] | null | SchemasNeeded {
      const decoded = decodeStoredLine(line, mode);
      if (decoded === SCHEMAS_NEEDED) return decoded;
      lineNo += 1;
      const envelope = envelopeOf(decoded, lineNo);
      if (envelope.seq !== lastSeq + 1) corrupt(lineNo, `seq ${envelope.seq} where ${lastSeq + 1} was expected`);
      if (envelope.prev !== prevHash) corrupt(lineNo, 'prev does not match the hash of the line before it');
      // "As of a time" is a prefix of the log only while `at` never goes back (encodeBatch keeps it so).
      if (lastAt !== null && isBefore(envelope.at, lastAt)) corrupt(lineNo, `at ${envelope.at} is before the ${lastAt} of the line before it`);
      if (pendingCount === 0) {
        pendingFirstLine = lineNo;
        pendingBatchEnd = envelope.batchEnd;
        if (envelope.batchEnd < envelope.seq) corrupt(lineNo, `batchEnd ${envelope.batchEnd} is before its own seq`);
      } else if (envelope.batchEnd !== pendingBatchEnd) {
        corrupt(lineNo, `batchEnd ${envelope.batchEnd} differs from its batch's ${pendingBatchEnd}`);
      }
      prevHash = lineHash(line);
      lastSeq = envelope.seq;
      lastAt = envelope.at;
      pendingCount += 1;
      if (envelope.seq >= fromSeq) pending.push(toStored(envelope));
      if (envelope.seq !== pendingBatchEnd) return null;
      const batch = pending;
      committed = { seq: lastSeq, hash: prevHash, at: lastAt, lines: lineNo };
      pending = [];
      pendingCount = 0;
      return batch;
    },
    /**
     * Hands over the events checked so far of the append being read (those from `fromSeq` on), while its
     * framing goes on being checked line by line: for a reader that already knows this append ends before
     * the log does (logScanner.ts). The append's remaining events come with its last line.
     */
    release(): StoredEvent[] {
      const events = pending;
      pending = [];
      return events;
    },
    get committed(): Committed {
      return committed;
    },
    /** The seq of the last line checked. */
    get lastSeq(): number {
      return lastSeq;
    },
    /** Lines read of an append that has not finished (0 when every append read is complete). */
    get unfinished(): { lines: number; firstLine: number } {
      return { lines: pendingCount, firstLine: pendingFirstLine };
    },
    get linesRead(): number {
      return lineNo;
    },
  };
}
