import { createHash } from 'node:crypto';
import type { ReadCursor, Snapshot } from './eventStore.js';

type Header = { cursor: ReadCursor; sections: number[]; sha256: string };

/** sha256 of the header's other fields and of everything after the header: no byte goes unchecked. */
function checksum(cursor: ReadCursor, sections: readonly number[], rest: Uint8Array): string {
  return createHash('sha256').update(JSON.stringify({ cursor, sections })).update(rest).digest('hex');
}

/**
 * A snapshot as bytes, the same in every store: a header line (cursor, the length of each binary section,
 * and a sha256 of those and of everything after the header), the state as one line of JSON, then the binary sections back to back.
 * Sections hold what would be slow to parse as JSON: a million trajectory ids load as a copy of bytes.
 */
export function encodeSnapshot(snapshot: Snapshot): Buffer {
  const rest = Buffer.concat([Buffer.from(`${JSON.stringify(snapshot.state)}\n`), ...snapshot.sections]);
  const sections = snapshot.sections.map((section) => section.length);
  const header: Header = { cursor: snapshot.cursor, sections, sha256: checksum(snapshot.cursor, sections, rest) };
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
    if (checksum(header.cursor, header.sections, rest) !== header.sha256) return null;
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
