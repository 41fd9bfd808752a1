import { createHash } from 'node:crypto';
import type { ReadCursor, Snapshot } from './eventStore.js';

type Header = { cursor: ReadCursor; sha256: string; sections: number[] };

/**
 * A snapshot as bytes, the same in every store: a header line (cursor, sha256 of everything after it, the
 * length of each binary section), the state as one line of JSON, then the binary sections back to back.
 * Sections hold what would be slow to parse as JSON: a million trajectory ids load as a copy of bytes.
 */
export function encodeSnapshot(snapshot: Snapshot): Buffer {
  const rest = Buffer.concat([Buffer.from(`${JSON.stringify(snapshot.state)}\n`), ...snapshot.sections]);
  const header: Header = { cursor: snapshot.cursor, sha256: createHash('sha256').update(rest).digest('hex'), sections: snapshot.sections.map((s) => s.length) };
  return Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), rest]);
}

/** The snapshot, or null when the bytes are damaged, half-written or of another layout (only a cache miss). */
export function decodeSnapshot(bytes: Uint8Array): Snapshot | null {
  try {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const newline = buffer.indexOf(0x0a);
    if (newline < 0) return null;
    const header = JSON.parse(buffer.toString('utf8', 0, newline)) as Header;
    if (!Array.isArray(header.sections) || !header.sections.every((n) => Number.isSafeInteger(n) && n >= 0)) return null;
    const rest = buffer.subarray(newline + 1);
    if (createHash('sha256').update(rest).digest('hex') !== header.sha256) return null;
    const stateEnd = rest.length - header.sections.reduce((a, b) => a + b, 0) - 1;
    if (stateEnd < 0 || rest[stateEnd] !== 0x0a) return null;
    const sections: Uint8Array[] = [];
    let at = stateEnd + 1;
    for (const length of header.sections) {
      sections.push(rest.subarray(at, at + length));
      at += length;
    }
    return { cursor: header.cursor, state: JSON.parse(rest.toString('utf8', 0, stateEnd)), sections };
  } catch {
    return null;
  }
}
