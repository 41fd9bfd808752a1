import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LOG_FILE, openJsonlStore } from '../../src/infra/store/jsonlEventStore.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/fixtures.js';

const holder = fileURLToPath(new URL('./lockHolder.mjs', import.meta.url));
// The compiled lock module (the global setup builds dist/), so the holder takes exactly the CLI's lock.
const lockModule = new URL('../../dist/infra/store/fileLock.js', import.meta.url).href;

/** A real process that takes the writer lock on the log and holds it until killed. */
async function holdLock(file: string) {
  const child = spawn(process.execPath, [holder, lockModule, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  expect(chunk.toString()).toContain('locked');
  return child;
}

describe('the writer lock', () => {
  it('makes a second writer wait, and reports a clear timeout when the holder never lets go', async () => {
    const dir = tempDir();
    expect(runCli(['--dir', dir, 'init']).code).toBe(0);
    const child = await holdLock(join(dir, LOG_FILE));
    try {
      const store = openJsonlStore(dir, { lockTimeoutMs: 300 });
      const started = Date.now();
      await expect(
        store.append([{ id: 'E', type: 'CycleSkipped', data: { cycleId: 'c', newTrajectoryCount: 0, minNewTrajectories: 1 } }], { expectedLastSeq: 'any' }),
      ).rejects.toThrow(/another writer has held the lock .* for more than 300 ms/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    } finally {
      child.kill('SIGKILL');
      await once(child, 'close');
    }
  });

  it('is released by the kernel when its holder is killed: no stale lock', async () => {
    const dir = tempDir();
    expect(runCli(['--dir', dir, 'init']).code).toBe(0);
    const child = await holdLock(join(dir, LOG_FILE));
    child.kill('SIGKILL');
    await once(child, 'close');
    const store = openJsonlStore(dir, { lockTimeoutMs: 1000 });
    await expect(
      store.append([{ id: 'E', type: 'CycleSkipped', data: { cycleId: 'c', newTrajectoryCount: 0, minNewTrajectories: 1 } }], { expectedLastSeq: 1 }),
    ).resolves.toMatchObject({ lastSeq: 2 });
  });
});
