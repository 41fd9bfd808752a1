import { createHash } from 'node:crypto';
import type { ReadCursor, Snapshot } from './eventStore.js';

/** A snapshot as text: a header line (cursor, sha256 of the body), then the body. The same in every store. */
export function encodeSnapshot(snapshot: Snapshot): string {
  const body = JSON.stringify(snapshot.state);
  return `${JSON.stringify({ cursor: snapshot.cursor, sha256: createHash('sha256').update(body).digest('hex') })}\n${body}`;
}

/** The snapshot, or null when the text is damaged or half-written (only a cache miss). */
export function decodeSnapshot(text: string): Snapshot | null {
  try {
    const newline = text.indexOf('\n');
    const header = JSON.parse(text.slice(0, newline)) as { cursor: ReadCursor; sha256: string };
    const body = text.slice(newline + 1);
    if (createHash('sha256').update(body).digest('hex') !== header.sha256) return null;
    return { cursor: header.cursor, state: JSON.parse(body) };
  } catch {
    return null;
  }
}
