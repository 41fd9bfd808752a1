import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openJsonlStore } from '../../src/infra/store/jsonlEventStore.js';
import { seededRandom } from '../../src/domain/random.js';
import { exited, runCli, startCli } from '../support/cli.js';
import { tempDir, trajectoryInput } from '../support/fixtures.js';

async function trajectoryCount(dir: string): Promise<number> {
  let count = 0;
  for await (const batch of openJsonlStore(dir).readBatches()) count += batch.filter((e) => e.type === 'TrajectoryRecorded').length;
  return count;
}

describe('a writer killed with SIGKILL in the middle of a large batch', () => {
  it('leaves a log that opens, verifies, and holds all of that batch or none of it', async () => {
    const batchSize = 20_000;
    const source = tempDir();
    const file = join(source, 'big.jsonl');
    const line = (i: number) => JSON.stringify(trajectoryInput({ task: { input: `request number ${i} ${'padding '.repeat(40)}` } }));
    writeFileSync(file, `${Array.from({ length: batchSize }, (_, i) => line(i)).join('\n')}\n`);

    const random = seededRandom(42);
    const outcomes: number[] = [];
    for (let run = 0; run < 6; run++) {
      const dir = tempDir();
      expect(runCli(['--dir', dir, 'init']).code).toBe(0);
      const before = readFileSync(join(dir, 'events.jsonl'));
      const child = startCli(['--dir', dir, 'record', file]);
      child.stdin?.end();
      const done = exited(child);
      setTimeout(() => child.kill('SIGKILL'), 100 + Math.floor(random() * 900));
      const result = await done;

      // A reader (no lock, no repair) sees all or nothing.
      const seen = await trajectoryCount(dir);
      expect([0, batchSize]).toContain(seen);
      if (result.signal === null) expect(seen).toBe(batchSize); // acknowledged: must be there
      // The log still begins with exactly what it held before.
      expect(readFileSync(join(dir, 'events.jsonl')).subarray(0, before.length)).toEqual(before);
      // Opening it for writing repairs any torn tail; then it verifies clean and accepts more.
      expect(runCli(['--dir', dir, 'record', '-'], { input: line(-1) }).code).toBe(0);
      expect(runCli(['--dir', dir, 'verify']).code).toBe(0);
      expect(await trajectoryCount(dir)).toBe(seen + 1);
      outcomes.push(seen);
    }
    expect(outcomes).toHaveLength(6);
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

    const torn = runCli(['--dir', dir, 'verify', '--json']);
    expect(torn.code).toBe(1);
    expect(JSON.parse(torn.stdout)).toMatchObject({ ok: true, lastSeq: 1, tornTail: { firstLine: 2, reason: 'unfinished batch' } });
    expect(await trajectoryCount(dir)).toBe(0);
    expect(JSON.parse(runCli(['--dir', dir, 'status', '--json']).stdout)).toMatchObject({ trajectoryCount: 0 });

    expect(runCli(['--dir', dir, 'record', '-'], { input: lines[0] }).code).toBe(0);
    expect(runCli(['--dir', dir, 'verify']).code).toBe(0);
    expect(await trajectoryCount(dir)).toBe(1);
  });
});
