import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cliLogWith, exited, runCli } from '../support/cli.js';
import { tempDir } from '../support/fixtures.js';

/** A log long enough that the next command that folds it writes a snapshot (10,000 events past none). */
const logDueForSnapshot = () => cliLogWith(10_000, tempDir());

const snapshotFolder = (dir: string) => join(dir, 'snapshots');
const entries = (dir: string) => {
  try {
    return readdirSync(snapshotFolder(dir)).sort();
  } catch {
    return [];
  }
};
const temps = (dir: string) => entries(dir).filter((name) => name.endsWith('.tmp'));

describe('snapshot temp files', () => {
  it('under a file-size limit, a snapshot that cannot be written leaves no partial temp file, command after command', () => {
    const dir = logDueForSnapshot();
    for (let attempt = 0; attempt < 3; attempt++) {
      // 100 blocks of 512 bytes: far less than the 2 MB the snapshot needs; the log is only read.
      const limited = spawnSync('sh', ['-c', `ulimit -f 100 && exec "${process.execPath}" "${BIN}" --dir "${dir}" status --json`], {
        encoding: 'utf8',
        env: { ...process.env, MEMABRA_DIR: '', MEMABRA_STORE: '' },
      });
      expect(limited.status, limited.stderr).toBe(0);
      expect(JSON.parse(limited.stdout)).toMatchObject({ lastSeq: 10_001 });
      expect(temps(dir)).toEqual([]);
    }
    expect(entries(dir)).toEqual([]);
    // Without the limit the snapshot is written: the limit, not something else, was what stopped it.
    expect(runCli(['--dir', dir, 'status']).code).toBe(0);
    expect(entries(dir)).toEqual(['state-000000010001.snap']);
  });

  it("after kill -9 in the middle of a snapshot write, the next writer removes the dead writer's temp file; a live one's stays", async () => {
    const dir = logDueForSnapshot();
    const child = spawn(process.execPath, [BIN, '--dir', dir, 'status'], {
      env: { ...process.env, MEMABRA_DIR: '', MEMABRA_STORE: '', MEMABRA_FAULT_PAUSE_MID_WRITE_MS: '60000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const done = exited(child);
    await new Promise<void>((resolve) => {
      let seen = '';
      child.stderr!.on('data', (chunk) => {
        seen += chunk;
        if (seen.includes('paused mid-snapshot')) resolve();
      });
    });
    // Measured, not hoped: half of the snapshot is on disk under the writer's temp name when it dies.
    const [partial] = temps(dir);
    expect(partial).toBe(`.state-000000010001.snap.${child.pid}.tmp`);
    expect(statSync(join(snapshotFolder(dir), partial!)).size).toBeGreaterThan(0);
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    expect(temps(dir)).toEqual([partial]);

    // A temp file of a process that is still running (this one) is someone's write in progress: kept.
    const live = `.state-000000000001.snap.${process.pid}.tmp`;
    writeFileSync(join(snapshotFolder(dir), live), 'in progress');
    expect(runCli(['--dir', dir, 'status']).code).toBe(0);
    expect(entries(dir)).toEqual([live, 'state-000000010001.snap']);
    expect(runCli(['--dir', dir, 'verify']).code).toBe(0);
  });
});
