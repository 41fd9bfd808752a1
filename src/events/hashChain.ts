import { createHash } from 'node:crypto';

/** `prev` of the first line. */
export const GENESIS_HASH = '0'.repeat(64);

/** sha256 of a line's exact bytes, without its terminating newline. */
export function lineHash(line: string | Uint8Array): string {
  return createHash('sha256').update(line).digest('hex');
}
