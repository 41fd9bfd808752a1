import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openJsonlStore } from '../../src/infra/store/jsonlEventStore.js';
import { exited, runCli, startCli } from '../support/cli.js';
import { tempDir, trajectoryInput } from '../support/fixtures.js';

describe('several writer processes at once', () => {
  it('lose nothing and interleave no lines', async () => {
    const dir = tempDir();
    expect(runCli(['--dir', dir, 'init']).code).toBe(0);
    const writers = 4;
    const callsEach = 8;
    const perCall = 5;
    const files = Array.from({ length: writers }, (_, w) => {
      const file = join(dir, `batch-${w}.jsonl`);
      const lines = Array.from({ length: perCall }, (_, i) => JSON.stringify(trajectoryInput({ task: { input: `writer ${w} item ${i}` } })));
      writeFileSync(file, `${lines.join('\n')}\n`);
      return file;
    });
    // Each writer process records its file several times in a row, all writers at once.
    const runs = await Promise.all(
      files.map(async (file) => {
        const ids: string[] = [];
        for (let call = 0; call < callsEach; call++) {
          const result = await exited(startCli(['--dir', dir, 'record', file, '--json']));
          expect(result.stderr).toBe('');
          expect(result.code).toBe(0);
          ids.push(...(JSON.parse(result.stdout) as { ids: string[] }).ids);
        }
        return ids;
      }),
    );
    const acknowledged = runs.flat();
    expect(acknowledged).toHaveLength(writers * callsEach * perCall);

    const store = openJsonlStore(dir);
    expect(await store.verify()).toMatchObject({ ok: true, tornTail: null, events: 1 + acknowledged.length });
    const logged: string[] = [];
    for await (const batch of store.readBatches()) {
      // Each call's five trajectories are one batch: contiguous, never mixed with another call's.
      const trajectories = batch.filter((e) => e.type === 'TrajectoryRecorded');
      if (trajectories.length) expect(trajectories).toHaveLength(perCall);
      for (const e of trajectories) if (e.type === 'TrajectoryRecorded') logged.push(e.data.trajectory.id);
    }
    expect(new Set(logged)).toEqual(new Set(acknowledged));
    expect(logged).toHaveLength(acknowledged.length);
  });
});
