import * as crypto from 'node:crypto';

/** `prev` of the first line. */
export const GENESIS_HASH = '0'.repeat(64);

/** sha256 of a line's exact bytes, without its terminating newline. */
export function lineHash(line: string | Uint8Array): string {
  // One-shot hashing (Node >= 20.12) skips a Hash object per line, which shows in a long replay.
  return oneShot ? oneShot('sha256', line, 'hex') : crypto.createHash('sha256').update(line).digest('hex');
}

const oneShot = (crypto as { hash?: (algorithm: string, data: string | Uint8Array, encoding: 'hex') => string }).hash;
