import { readSync } from 'node:fs';
import { decodeStoredLine, needSchemas, SCHEMAS_NEEDED } from './lineDecoder.js';
import type { DecodeMode } from './sealedLine.js';
import { GENESIS_HASH, lineHash } from './hashChain.js';

const CHUNK_BYTES = 256 * 1024;
const NEWLINE = 0x0a;

export type LogTail = { lastSeq: number; lastHash: string; lastAt: string | null; validBytes: number };

export type TailResult = { ok: true; tail: LogTail } | { ok: false };

/**
 * Finds the end of the last complete append by reading backwards from the end of the file, so a writer
 * need not replay the log to append to it. Lines of an unfinished append (a crash mid-write) are passed
 * over. `ok: false` means a line near the end does not decode: the caller should run a full scan, which
 * names the bad line. Lines are decoded as the scan that follows decodes them (`mode`; a writer's scan is
 * sealed), so the tail found is the one that scan would find. A line that needs the schemas before they
 * are loaded ends the read (needSchemas).
 */
export function findTail(fd: number, size: number, mode: DecodeMode = 'sealed'): TailResult {
  let windowStart = size; // bytes [windowStart, size) are in `window`
  let window = Buffer.alloc(0);
  let lineEnd = -1; // index in window of the newline ending the line under consideration

  const grow = (): boolean => {
    if (windowStart === 0) return false;
    const take = Math.min(CHUNK_BYTES, windowStart);
    const chunk = Buffer.allocUnsafe(take);
    readSync(fd, chunk, 0, take, windowStart - take);
    windowStart -= take;
    window = Buffer.concat([chunk, window]);
    if (lineEnd >= 0) lineEnd += take;
    return true;
  };

  // Skip an unterminated fragment at the very end.
  for (;;) {
    const last = window.lastIndexOf(NEWLINE);
    if (last >= 0) {
      lineEnd = last;
      break;
    }
    if (!grow()) return { ok: true, tail: { lastSeq: 0, lastHash: GENESIS_HASH, lastAt: null, validBytes: 0 } };
  }

  for (;;) {
    const previousNewline = lineEnd === 0 ? -1 : window.lastIndexOf(NEWLINE, lineEnd - 1);
    if (previousNewline < 0 && windowStart > 0) {
      grow();
      continue;
    }
    const line = window.subarray(previousNewline + 1, lineEnd);
    const decoded = decodeStoredLine(line, mode);
    if (decoded === SCHEMAS_NEEDED) needSchemas();
    if (!decoded.ok) return { ok: false };
    const { seq, batchEnd, at } = decoded.envelope;
    if (seq === batchEnd) {
      return { ok: true, tail: { lastSeq: seq, lastHash: lineHash(line), lastAt: at, validBytes: windowStart + lineEnd + 1 } };
    }
    if (previousNewline < 0) {
      return { ok: true, tail: { lastSeq: 0, lastHash: GENESIS_HASH, lastAt: null, validBytes: 0 } };
    }
    lineEnd = previousNewline;
  }
}
