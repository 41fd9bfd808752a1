import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { exited, runCli, startCli } from '../support/cli.js';
import { tempDir, trajectoryInput } from '../support/fixtures.js';

describe('several writer processes on one PostgreSQL log (--store postgres://)', () => {
  it('lose nothing, skip nothing, and the log verifies', async () => {
    const adminUrl = process.env.MEMABRA_TEST_PG_URL ?? '';
    expect(adminUrl).toMatch(/^postgres/);
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const name = `memabra_p_${process.pid}_${Date.now()}`;
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const store = url.toString();

    expect(runCli(['--store', store, 'init']).code).toBe(0);
    const dir = tempDir();
    const runs = await Promise.all(
      [0, 1, 2, 3].map(async (w) => {
        const file = join(dir, `w${w}.jsonl`);
        writeFileSync(file, [0, 1, 2, 3, 4].map((i) => JSON.stringify(trajectoryInput({ task: { input: `writer ${w} item ${i}` } }))).join('\n'));
        const ids: string[] = [];
        for (let call = 0; call < 5; call++) {
          const result = await exited(startCli(['--store', store, 'record', file, '--json']));
          expect(result.stderr).toBe('');
          expect(result.code).toBe(0);
          ids.push(...JSON.parse(result.stdout).ids);
        }
        return ids;
      }),
    );
    const history = JSON.parse(runCli(['--store', store, 'history', '--json']).stdout).events as { seq: number; type: string }[];
    expect(history.map((e) => e.seq)).toEqual(Array.from({ length: 101 }, (_, i) => i + 1));
    expect(history.filter((e) => e.type === 'TrajectoryRecorded')).toHaveLength(runs.flat().length);
    expect(JSON.parse(runCli(['--store', store, 'verify', '--json']).stdout)).toMatchObject({ ok: true, events: 101 });
    const status = runCli(['--store', store, 'status', '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ trajectoryCount: 100, caseCount: 20 });
  });
});
