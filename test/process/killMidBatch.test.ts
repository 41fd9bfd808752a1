import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openJsonlStore } from '../../src/infra/store/jsonlEventStore.js';
import { exited, runCli, startCli } from '../support/cli.js';
import { tempDir, trajectoryInput } from '../support/fixtures.js';

async function trajectoryCount(dir: string): Promise<number> {
  let count = 0;
  for await (const batch of openJsonlStore(dir).readBatches()) count += batch.filter((e) => e.type === 'TrajectoryRecorded').length;
  return count;
}

describe('a writer killed with SIGKILL in the middle of a large batch', () => {
  it('killed once the batch is reaching the file, before it is acknowledged: the log opens, verifies, and holds all of it or none', async () => {
    const batchSize = 20_000;
    const source = tempDir();
    const file = join(source, 'big.jsonl');
    const line = (i: number) => JSON.stringify(trajectoryInput({ task: { input: `request number ${i} ${'padding '.repeat(40)}` } }));
    writeFileSync(file, `${Array.from({ length: batchSize }, (_, i) => line(i)).join('\n')}\n`);

    for (let run = 0; run < 3; run++) {
      const dir = tempDir();
      expect(runCli(['--dir', dir, 'init']).code).toBe(0);
      const log = join(dir, 'events.jsonl');
      const before = readFileSync(log);
      const child = startCli(['--dir', dir, 'record', file]);
      child.stdin?.end();
      const done = exited(child);
      // Measured, not hoped: the kill is sent once the file has grown past what it held, that is while the
      // batch's one write (or its fdatasync) is under way, and before `record` acknowledges anything.
      let grownTo = before.length;
      const deadline = Date.now() + 50_000;
      while (grownTo <= before.length && Date.now() < deadline) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
        grownTo = statSync(log).size;
      }
      child.kill('SIGKILL');
      const result = await done;
      expect(grownTo).toBeGreaterThan(before.length);
      expect(result.signal).toBe('SIGKILL');
      expect(result.stdout).toBe('');

      // A reader (no lock, no repair) sees all or nothing.
      const seen = await trajectoryCount(dir);
      expect([0, batchSize]).toContain(seen);
      // The log still begins with exactly what it held before.
      expect(readFileSync(log).subarray(0, before.length)).toEqual(before);
      // Opening it for writing repairs any torn tail; then it verifies clean and accepts more.
      expect(runCli(['--dir', dir, 'record', '-'], { input: line(-1) }).code).toBe(0);
      expect(JSON.parse(runCli(['--dir', dir, 'verify', '--json']).stdout)).toMatchObject({ ok: true, tornTail: null });
      expect(await trajectoryCount(dir)).toBe(seen + 1);
    }
  });

  it('given a kill while half the batch is on disk, then readers see none of it and the next writer drops the torn half', async () => {
    const dir = tempDir();
    expect(runCli(['--dir', dir, 'init']).code).toBe(0);
    const lines = Array.from({ length: 2000 }, (_, i) => JSON.stringify(trajectoryInput({ task: { input: `torn ${i}` } })));
    const child = startCli(['--dir', dir, 'record', '-'], { env: { MEMABRA_FAULT_PAUSE_MID_WRITE_MS: '30000' } });
    const done = exited(child);
    child.stdin?.end(lines.join('\n'));
    await new Promise<void>((resolve) => child.stderr!.on('data', (chunk: Buffer) => chunk.toString().includes('paused mid-write') && resolve()));
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');

    // A torn tail is an append that was never acknowledged, not damage: verify is ok, and says so.
    const torn = runCli(['--dir', dir, 'verify', '--json']);
    expect(torn.code).toBe(0);
    expect(JSON.parse(torn.stdout)).toMatchObject({ ok: true, lastSeq: 1, tornTail: { firstLine: 2, reason: 'unfinished batch' } });
    expect(await trajectoryCount(dir)).toBe(0);
    expect(JSON.parse(runCli(['--dir', dir, 'status', '--json']).stdout)).toMatchObject({ trajectoryCount: 0 });

    expect(runCli(['--dir', dir, 'record', '-'], { input: lines[0] }).code).toBe(0);
    expect(runCli(['--dir', dir, 'verify']).code).toBe(0);
    expect(await trajectoryCount(dir)).toBe(1);
  });
});
