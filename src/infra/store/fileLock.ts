import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { MemabraError } from '../errors.js';

// A kernel lock on the whole file through fs-native-extensions (prebuilt binaries, nothing to compile): on
// Linux an open file description lock (fcntl F_OFD_SETLK), on macOS flock(2), on Windows LockFileEx. It is
// exclusive between processes and between two opens in one process, and the kernel drops it when its
// process dies, so a killed writer can never leave a stale lock behind, unlike a lock file.
const require = createRequire(import.meta.url);
const nativeFs = require('fs-native-extensions') as {
  tryLock(fd: number, offset?: number, length?: number, options?: { shared?: boolean }): boolean;
  unlock(fd: number, offset?: number, length?: number): void;
};

/** Takes an exclusive lock on the whole of `fd` (opened for writing), polling until `timeoutMs`. */
export async function lockExclusive(fd: number, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
    // Offset 0 and length 0 cover the whole file, however far it grows; false means another holder.
    if (nativeFs.tryLock(fd, 0, 0, { shared: false })) return;
    if (Date.now() >= deadline) {
      throw new MemabraError('lock-timeout', `another writer has held the lock on ${what} for more than ${timeoutMs} ms`);
    }
    await sleep(delay);
  }
}

export function unlock(fd: number): void {
  nativeFs.unlock(fd, 0, 0);
}
