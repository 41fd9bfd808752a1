import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { MemabraError } from '../errors.js';

// flock(2) through fs-ext: the kernel drops the lock when its process dies, so a killed writer can never
// leave a stale lock behind, unlike a lock file.
const require = createRequire(import.meta.url);
const fsExt = require('fs-ext') as { flockSync(fd: number, flags: 'exnb' | 'un'): void };

function isBusy(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EAGAIN' || code === 'EWOULDBLOCK' || /EAGAIN|EWOULDBLOCK/.test(String(error));
}

/** Takes an exclusive flock on `fd`, polling until `timeoutMs`. */
export async function lockExclusive(fd: number, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
    try {
      fsExt.flockSync(fd, 'exnb');
      return;
    } catch (error) {
      if (!isBusy(error)) throw error;
    }
    if (Date.now() >= deadline) {
      throw new MemabraError('lock-timeout', `another writer has held the lock on ${what} for more than ${timeoutMs} ms`);
    }
    await sleep(delay);
  }
}

export function unlock(fd: number): void {
  fsExt.flockSync(fd, 'un');
}
