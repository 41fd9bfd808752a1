import { readSync } from 'node:fs';
import type { StoredEvent } from '../../events/catalogue.js';
import type { DecodeMode } from './lineCodec.js';
import { GENESIS_HASH } from './hashChain.js';
import { createLineChecker } from './lineChecker.js';

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
  const checker = createLineChecker({ seq: start.seq, hash: start.hash, at: start.at, lines: start.lines }, fromSeq, mode);
  let carry: Buffer = Buffer.alloc(0);
  let position = start.offset;
  let lineStart = start.offset; // byte offset of the current line
  let committedBytes = start.offset;

  while (position < size) {
    const read = readSync(fd, buffer, 0, Math.min(CHUNK_BYTES, size - position), position);
    if (read === 0) break;
    position += read;
    const data = carry.length ? Buffer.concat([carry, buffer.subarray(0, read)]) : buffer.subarray(0, read);
    let from = 0;
    for (let nl = data.indexOf(NEWLINE, from); nl !== -1; nl = data.indexOf(NEWLINE, from)) {
      const line = data.subarray(from, nl);
      lineStart += line.length + 1;
      const batch = checker.check(line);
      if (batch) {
        committedBytes = lineStart;
        if (batch.length) yield batch;
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
