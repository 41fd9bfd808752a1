import { readSync } from 'node:fs';
import type { Envelope } from './sealedLine.js';
import { decodeStoredLine, needSchemas, SCHEMAS_NEEDED } from './lineDecoder.js';
import { lineHash } from './hashChain.js';
import type { ScanStart } from './logScanner.js';

const NEWLINE = 0x0a;
const PROBE_BYTES = 64 * 1024;
/** Below this span the bisection stops and the newlines of the rest are counted. */
const FORWARD_BYTES = 256 * 1024;

type Line = { readonly start: number; readonly end: number; readonly bytes: Buffer; readonly envelope: Envelope };

/** Reads up to `length` bytes at `position` (fewer at the end of the file). */
function readAt(fd: number, position: number, length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  const read = readSync(fd, bytes, 0, length, position);
  return bytes.subarray(0, read);
}

/**
 * The complete line starting at `start`, decoded with its seal checked; 'unterminated' when the file ends
 * before its newline (the remains of an unfinished append), 'bad' when it does not decode or is longer
 * than `maxLineBytes`.
 */
function lineAt(fd: number, size: number, start: number, maxLineBytes: number): Line | 'unterminated' | 'bad' {
  for (let length = Math.min(PROBE_BYTES, maxLineBytes + 1); ; length = Math.min(length * 4, maxLineBytes + 1)) {
    const bytes = readAt(fd, start, Math.min(length, size - start));
    const newline = bytes.indexOf(NEWLINE);
    if (newline >= 0) {
      const line = bytes.subarray(0, newline);
      // Decoded as the scan from here decodes it (sealed): a line the scan takes is where a read can start.
      const decoded = decodeStoredLine(line, 'sealed');
      if (decoded === SCHEMAS_NEEDED) needSchemas();
      return decoded.ok ? { start, end: start + newline + 1, bytes: Buffer.from(line), envelope: decoded.envelope } : 'bad';
    }
    if (start + bytes.length >= size) return 'unterminated';
    if (length > maxLineBytes) return 'bad';
  }
}

/** The offset of the first line that starts at or after `position` (a line starts after a newline), or null. */
function lineStartFrom(fd: number, size: number, position: number, maxLineBytes: number): number | null {
  if (position === 0) return 0;
  for (let at = position - 1; at < size && at < position + maxLineBytes + 1; at += PROBE_BYTES) {
    const bytes = readAt(fd, at, Math.min(PROBE_BYTES, size - at));
    const newline = bytes.indexOf(NEWLINE);
    if (newline >= 0) return at + newline + 1 < size ? at + newline + 1 : null;
  }
  return null;
}

/**
 * The offset where the line `count` lines after the one starting at `from` starts (`count` newlines on),
 * or null when the file ends first. Only newlines are counted: the lines passed over are not decoded.
 */
function linesOn(fd: number, size: number, from: number, count: number): number | null {
  let left = count;
  for (let at = from; at < size && left > 0; at += PROBE_BYTES) {
    const bytes = readAt(fd, at, Math.min(PROBE_BYTES, size - at));
    for (let newline = bytes.indexOf(NEWLINE); newline >= 0; newline = bytes.indexOf(NEWLINE, newline + 1)) {
      if (--left === 0) return at + newline + 1;
    }
  }
  return left === 0 ? from : null;
}

/**
 * Where a read from `seq` starts in a log file: right after the line holding seq - 1, with that line's hash
 * and time, so the scan checks the chain from there on. Line N of a log holds seq N and seqs grow with the
 * offset, so the line is found by bisecting the file's bytes (a few dozen short reads of a line each), then
 * counting the newlines of the last stretch; the lines before are trusted, as a read from a snapshot's
 * cursor trusts them (`verify` checks them). Undefined when `seq` is 1 or less, or when a line it decodes
 * does not, or is not where its seq says: the caller then reads from the start, which names any bad line.
 */
export function seekSeq(fd: number, size: number, seq: number, maxLineBytes: number): ScanStart | undefined {
  if (seq <= 1) return undefined;
  let low = { seq: 0, end: 0 }; // the line holding low.seq (< seq - 1 or seq - 1) ends at low.end; nothing before the first
  let high = size; // every line starting at or after `high` holds seq - 1 or later
  while (high - low.end > FORWARD_BYTES) {
    const middle = Math.floor((low.end + high) / 2);
    const start = lineStartFrom(fd, size, middle, maxLineBytes);
    if (start === null || start >= high) {
      high = middle;
      continue;
    }
    const line = lineAt(fd, size, start, maxLineBytes);
    if (line === 'unterminated') {
      high = middle;
      continue;
    }
    if (line === 'bad' || line.envelope.seq <= low.seq) return undefined;
    if (line.envelope.seq < seq - 1) low = { seq: line.envelope.seq, end: line.end };
    else high = middle;
  }
  const lineStart = linesOn(fd, size, low.end, seq - 2 - low.seq);
  const previous = lineStart === null ? null : lineAt(fd, size, lineStart, maxLineBytes);
  if (previous === null || typeof previous === 'string' || previous.envelope.seq !== seq - 1) return undefined;
  return { offset: previous.end, seq: seq - 1, hash: lineHash(previous.bytes), at: previous.envelope.at, lines: seq - 1 };
}
