import { crc32 } from 'node:zlib';

/**
 * Every line ends with a CRC-32 of its own bytes: `...,"crc":"0a1b2c3d"}`. The hash chain (`prev`) covers
 * each line from the next one, which leaves the last line uncovered; the seal makes any change to any
 * line, the last one included, detectable on its own. It guards against corruption, not against an
 * attacker who rewrites the file (a rewrite can recompute both).
 */
const SEAL_PREFIX = ',"crc":"';
const SEAL_LENGTH = SEAL_PREFIX.length + 8 + 2;

function hex8(value: number): string {
  return value.toString(16).padStart(8, '0');
}

/** `body` is a JSON object missing its closing brace. */
export function sealLine(body: string): string {
  return `${body}${SEAL_PREFIX}${hex8(crc32(body))}"}`;
}

/** Bytes a seal adds to a body. */
export const SEAL_BYTES = SEAL_LENGTH;

/**
 * `sealLine` on bytes: seals the body in `buffer[start, end)` by writing the seal at `end`, where there
 * must be SEAL_BYTES of room; returns the end of the sealed line. The same bytes as `sealLine` of the
 * body's text, without encoding it again.
 */
export function sealInto(buffer: Buffer, start: number, end: number): number {
  return end + buffer.write(`${SEAL_PREFIX}${hex8(crc32(buffer.subarray(start, end)))}"}`, end, 'latin1');
}

const textEncoder = new TextEncoder();

/** True when the line's bytes end with a seal that matches the bytes before it. */
export function checkSeal(line: Uint8Array | string): boolean {
  const bytes = typeof line === 'string' ? textEncoder.encode(line) : line;
  if (bytes.length < SEAL_LENGTH + 2) return false;
  const bodyEnd = bytes.length - SEAL_LENGTH;
  const tail = Buffer.from(bytes.buffer, bytes.byteOffset + bodyEnd, SEAL_LENGTH).toString('latin1');
  if (!tail.startsWith(SEAL_PREFIX) || !tail.endsWith('"}')) return false;
  const expected = tail.slice(SEAL_PREFIX.length, SEAL_PREFIX.length + 8);
  return hex8(crc32(bytes.subarray(0, bodyEnd))) === expected;
}
