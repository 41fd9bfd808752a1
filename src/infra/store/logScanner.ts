import { readSync } from 'node:fs';
import type { StoredEvent } from '../../events/catalogue.js';
import { decodeLine, type DecodeMode, type Envelope } from '../../events/codec.js';
import { GENESIS_HASH, lineHash } from '../../events/hashChain.js';
import { MemabraError } from '../errors.js';

const CHUNK_BYTES = 4 * 1024 * 1024;
const NEWLINE = 0x0a;

/** What follows the last complete append: nothing, or the remains of an append that never finished. */
export type Tail =
  | { kind: 'clean' }
  | { kind: 'torn'; firstLine: number; bytes: number; reason: 'unterminated line' | 'unfinished batch' };

export type ScanSummary = {
  lastSeq: number;
  lastHash: string;
  lastAt: string | null;
  /** Lines in complete appends. */
  lines: number;
  /** Bytes of the log up to the end of the last complete append. */
  validBytes: number;
  tail: Tail;
};

function corrupt(lineNo: number, message: string): never {
  throw new MemabraError('corrupt-log', `log line ${lineNo} is corrupt: ${message}`);
}

function toStored(envelope: Envelope): StoredEvent {
  const { prev: _prev, batchEnd: _batchEnd, ...event } = envelope;
  return event as StoredEvent;
}

/**
 * Reads a log from its start, checking every line (seal, schema, gap-free seq, hash chain, batch framing),
 * and yields each complete append as one batch of events from `fromSeq` on. Memory stays bounded by one
 * chunk plus one batch. A bad line anywhere before the tail throws with its line number; the remains of an
 * unfinished append at the end are reported in the summary, never yielded.
 */
/** Where a scan starts: the log's beginning, or right after a complete append already read and checked. */
export type ScanStart = { offset: number; seq: number; hash: string; at: string | null; lines: number };

const LOG_START: ScanStart = { offset: 0, seq: 0, hash: GENESIS_HASH, at: null, lines: 0 };

export function* scanLog(
  fd: number,
  size: number,
  fromSeq = 1,
  start: ScanStart = LOG_START,
  mode: DecodeMode = 'sealed',
): Generator<readonly StoredEvent[], ScanSummary, undefined> {
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let carry: Buffer = Buffer.alloc(0);
  let position = start.offset;
  let lineNo = start.lines;
  let lineStart = start.offset; // byte offset of the current line
  let prevHash = start.hash;
  let lastSeq = start.seq;
  let lastAt: string | null = start.at;
  let pending: StoredEvent[] = [];
  let pendingCount = 0; // lines of the current batch, including those before fromSeq
  let pendingFirstLine = 0;
  let pendingBatchEnd = 0;
  let committed = { seq: start.seq, hash: start.hash, at: start.at, lines: start.lines, bytes: start.offset };

  while (position < size) {
    const read = readSync(fd, buffer, 0, Math.min(CHUNK_BYTES, size - position), position);
    if (read === 0) break;
    position += read;
    const data = carry.length ? Buffer.concat([carry, buffer.subarray(0, read)]) : buffer.subarray(0, read);
    let start = 0;
    for (let nl = data.indexOf(NEWLINE, start); nl !== -1; nl = data.indexOf(NEWLINE, start)) {
      const line = data.subarray(start, nl);
      lineNo += 1;
      const decoded = decodeLine(line, mode);
      if (!decoded.ok) {
        if (decoded.error.kind === 'future-version') {
          throw new MemabraError('future-schema', `log line ${lineNo}: ${decoded.error.message}`);
        }
        corrupt(lineNo, decoded.error.message);
      }
      const envelope = decoded.envelope;
      if (envelope.seq !== lastSeq + 1) corrupt(lineNo, `seq ${envelope.seq} where ${lastSeq + 1} was expected`);
      if (envelope.prev !== prevHash) corrupt(lineNo, 'prev does not match the hash of the line before it');
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
      lineStart += line.length + 1;
      pendingCount += 1;
      if (envelope.seq >= fromSeq) pending.push(toStored(envelope));
      if (envelope.seq === pendingBatchEnd) {
        const batch = pending;
        committed = { seq: lastSeq, hash: prevHash, at: lastAt, lines: lineNo, bytes: lineStart };
        pending = [];
        pendingCount = 0;
        if (batch.length) yield batch;
      }
      start = nl + 1;
    }
    carry = Buffer.from(data.subarray(start));
  }

  const summary = {
    lastSeq: committed.seq,
    lastHash: committed.hash,
    lastAt: committed.at,
    lines: committed.lines,
    validBytes: committed.bytes,
  };
  if (pendingCount) {
    return { ...summary, tail: { kind: 'torn', firstLine: pendingFirstLine, bytes: size - committed.bytes, reason: 'unfinished batch' } };
  }
  if (carry.length) {
    return { ...summary, tail: { kind: 'torn', firstLine: lineNo + 1, bytes: carry.length, reason: 'unterminated line' } };
  }
  return { ...summary, tail: { kind: 'clean' } };
}
