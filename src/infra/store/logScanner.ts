import { readSync } from 'node:fs';
import type { StoredEvent } from '../../events/catalogue.js';
import type { DecodeMode } from './sealedLine.js';
import { SCHEMAS_NEEDED, unlessSchemasNeeded, type SchemasNeeded } from './lineDecoder.js';
import { GENESIS_HASH } from './hashChain.js';
import { createLineChecker } from './lineChecker.js';
import { findTail } from './logTail.js';

const CHUNK_BYTES = 4 * 1024 * 1024;
const NEWLINE = 0x0a;

/** What follows the last complete append: nothing, or the remains of an append that never finished. */
export type Tail = { kind: 'clean' } | { kind: 'torn'; firstLine: number; bytes: number; reason: 'unterminated line' | 'unfinished batch' };

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

/** Where a scan starts: the log's beginning, or right after a complete append already read and checked. */
export type ScanStart = { offset: number; seq: number; hash: string; at: string | null; lines: number };

const LOG_START: ScanStart = { offset: 0, seq: 0, hash: GENESIS_HASH, at: null, lines: 0 };

/**
 * The events of a long append are handed over in pieces ending at the multiples of this seq, so that a
 * fold takes them while they are young: held until the append's last line (10,000 events of the bench's
 * appends), they outlived the young generation and the garbage collector copied and promoted them, the
 * largest step of a replay's scan. Pieces end at fixed seqs, so a read from any seq cuts the same pieces.
 */
export const PIECE_EVENTS = 256;

/**
 * Where the last complete append ends, found from the end of the file as a writer finds it (logTail.ts),
 * without reading the log; 0 when a line near the end does not decode (the forward scan names it);
 * SCHEMAS_NEEDED when a line there needs the schemas before they are loaded.
 */
function completeAppendsEnd(fd: number, size: number, mode: DecodeMode): number | SchemasNeeded {
  const found = unlessSchemasNeeded(() => findTail(fd, size, mode));
  return found === SCHEMAS_NEEDED ? found : found.ok ? found.tail.validBytes : 0;
}

/**
 * Reads a log from `start`, checking every line (seal, schema, gap-free seq, hash chain, batch framing),
 * and yields the events of complete appends from `fromSeq` on, in order: a short append as one batch, a
 * long one in pieces (PIECE_EVENTS). Memory stays bounded by one chunk plus one piece, or one append in
 * the torn tail. A bad line anywhere throws with its line number; the remains of an unfinished append at
 * the end are reported in the summary, never yielded.
 *
 * Why a piece can be yielded before its append's last line has been checked: only the last append of a
 * log can be unfinished, and the scan knows before it reads where the last complete one ends. Every event
 * before that point belongs to an append whose last line is on disk; if that line, or any line before it,
 * fails its check, the scan throws and the whole read fails, so a reader that drops what a failed read
 * gave it (a fold drops its draft) never keeps part of an append. The lines after that point (the torn
 * tail) are held as before, and never yielded.
 *
 * SCHEMAS_NEEDED is yielded for a line that needs the schemas before they are loaded (lineDecoder.ts):
 * the caller loads them and steps on, and the line is read again.
 */
export function* scanLog(
  fd: number,
  size: number,
  fromSeq = 1,
  start: ScanStart = LOG_START,
  mode: DecodeMode = 'sealed',
): Generator<readonly StoredEvent[] | SchemasNeeded, ScanSummary, undefined> {
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const checker = createLineChecker({ seq: start.seq, hash: start.hash, at: start.at, lines: start.lines }, fromSeq, mode);
  let carry: Buffer = Buffer.alloc(0);
  let position = start.offset;
  let lineStart = start.offset; // byte offset of the current line
  let committedBytes = start.offset;
  let streamableBytes = completeAppendsEnd(fd, size, mode);
  while (streamableBytes === SCHEMAS_NEEDED) {
    yield SCHEMAS_NEEDED;
    streamableBytes = completeAppendsEnd(fd, size, mode);
  }

  while (position < size) {
    const read = readSync(fd, buffer, 0, Math.min(CHUNK_BYTES, size - position), position);
    if (read === 0) break;
    position += read;
    const data = carry.length ? Buffer.concat([carry, buffer.subarray(0, read)]) : buffer.subarray(0, read);
    let from = 0;
    for (let nl = data.indexOf(NEWLINE, from); nl !== -1; nl = data.indexOf(NEWLINE, from)) {
      const line = data.subarray(from, nl);
      lineStart += line.length + 1;
      let batch = checker.check(line);
      // A line that needs the schemas before they are loaded: the reader loads them, then the line is checked.
      while (batch === SCHEMAS_NEEDED) {
        yield SCHEMAS_NEEDED;
        batch = checker.check(line);
      }
      if (batch) {
        committedBytes = lineStart;
        if (batch.length) yield batch;
      } else if (lineStart <= streamableBytes && checker.lastSeq % PIECE_EVENTS === 0) {
        const piece = checker.release();
        if (piece.length) yield piece;
      }
      from = nl + 1;
    }
    carry = Buffer.from(data.subarray(from));
  }

  const { seq, hash, at, lines } = checker.committed;
  const summary = { lastSeq: seq, lastHash: hash, lastAt: at, lines, validBytes: committedBytes };
  const unfinished = checker.unfinished;
  if (unfinished.lines) {
    return { ...summary, tail: { kind: 'torn', firstLine: unfinished.firstLine, bytes: size - committedBytes, reason: 'unfinished batch' } };
  }
  if (carry.length) {
    return { ...summary, tail: { kind: 'torn', firstLine: checker.linesRead + 1, bytes: carry.length, reason: 'unterminated line' } };
  }
  return { ...summary, tail: { kind: 'clean' } };
}
