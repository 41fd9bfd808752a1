import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeSnapshot } from '../../src/infra/store/snapshotCodec.js';
import { cliLogWith, runCli, sampleTrajectory } from '../support/cli.js';
import { tempDir } from '../support/fixtures.js';
import { call, startServer, stopServers } from '../support/httpServer.js';
import { spawnMcp } from '../support/mcpChild.js';

afterEach(stopServers);

const entries = (dir: string) => readdirSync(join(dir, 'snapshots')).sort();

/**
 * A log of 20,001 events whose newest snapshot is at 10,001: the next process that folds it is 10,000
 * events past its snapshot, so it writes a new one.
 */
function logDueForSecondSnapshot(): string {
  const dir = cliLogWith(10_000, tempDir());
  expect(runCli(['--dir', dir, 'status']).code).toBe(0); // a one-shot command writes the first, before it exits
  const lines = Array.from({ length: 10_000 }, (_, i) => JSON.stringify(sampleTrajectory(`later request ${i}`)));
  expect(runCli(['--dir', dir, 'record', '-'], { input: lines.join('\n') }).code).toBe(0);
  expect(entries(dir)).toEqual(['state-000000010001.snap']);
  return dir;
}

/** Waits until `seen()` holds, checking every 50 ms; fails after 90 s. */
async function until(seen: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !seen(); waited += 50) {
    if (waited > 90_000) throw new Error(`waited 90 s for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Each test builds a 20,001-event log through the CLI and runs five or six processes on it: 30 s on the
// shared machine at a load of 10, over 60 s at a load of 15. The limit only guards against a hang.
describe('a server writes its snapshots in a worker thread', { timeout: 180_000 }, () => {
  it('writes the next snapshot from the log, and it matches the log', async () => {
    const dir = logDueForSecondSnapshot();
    const server = await startServer(dir);
    expect(await call(server.url, 'GET', '/v1/status')).toMatchObject({ status: 200, body: { lastSeq: 20_001 } });
    await until(() => entries(dir).includes('state-000000020001.snap'), 'the snapshot at seq 20001');
    expect((await server.stop()).code).toBe(0);

    const verified = runCli(['--dir', dir, 'verify', '--json']);
    expect(verified.code, verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, snapshot: { seq: 20_001, status: 'matches' } });
  });

  it('as an MCP server too: the snapshot is written off its thread, it answers meanwhile, and the snapshot matches the log', async () => {
    const dir = logDueForSecondSnapshot();
    // The writer sleeps 5 s in the middle of its write (blocking its thread): long enough to be asked, short enough to finish.
    const mcp = await spawnMcp(dir, { MEMABRA_FAULT_PAUSE_MID_WRITE_MS: '5000' });
    let stderr = '';
    mcp.child.stderr!.on('data', (chunk) => (stderr += chunk));
    const lastSeq = async () => JSON.parse(((await mcp.client.callTool({ name: 'status', arguments: {} })).content as { text: string }[])[0]!.text).lastSeq;
    expect(await lastSeq()).toBe(20_001);
    await until(() => stderr.includes('paused mid-snapshot'), 'the worker to pause mid-snapshot');
    // Answered while the write is still half done: it is not on the thread that answers.
    expect(await lastSeq()).toBe(20_001);
    expect(entries(dir).filter((name) => name.endsWith('.tmp'))).toHaveLength(1);

    await until(() => entries(dir).includes('state-000000020001.snap'), 'the snapshot at seq 20001');
    mcp.child.stdin!.end();
    expect((await mcp.exit).code).toBe(0);
    expect(entries(dir)).toEqual(['state-000000010001.snap', 'state-000000020001.snap']);
    const verified = runCli(['--dir', dir, 'verify', '--json']);
    expect(verified.code, verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, snapshot: { seq: 20_001, status: 'matches' } });
  });

  it('killed in the middle of the write, leaves the previous snapshot whole, and the next command cleans up', async () => {
    const dir = logDueForSecondSnapshot();
    const previous = readFileSync(join(dir, 'snapshots', 'state-000000010001.snap'));
    const server = await startServer(dir, [], { MEMABRA_FAULT_PAUSE_MID_WRITE_MS: '60000' });
    let stderr = '';
    server.child.stderr!.on('data', (chunk) => (stderr += chunk));
    expect(await call(server.url, 'GET', '/v1/status')).toMatchObject({ status: 200 });
    await until(() => stderr.includes('paused mid-snapshot'), 'the worker to pause mid-snapshot');

    // The writer sleeps in the middle of its write, and the server still answers: the write is not on its thread.
    expect(await call(server.url, 'GET', '/v1/status')).toMatchObject({ status: 200, body: { lastSeq: 20_001 } });
    const partial = entries(dir).filter((name) => name.endsWith('.tmp'));
    expect(partial).toEqual([expect.stringMatching(new RegExp(`^\\.state-000000020001\\.snap\\.${server.child.pid}-\\d+\\.tmp$`))]);

    server.child.kill('SIGKILL');
    expect((await server.exit).signal).toBe('SIGKILL');
    expect(entries(dir)).toEqual([...partial, 'state-000000010001.snap']);
    expect(readFileSync(join(dir, 'snapshots', 'state-000000010001.snap'))).toEqual(previous);
    expect(decodeSnapshot(previous)).not.toBeNull();

    // The next command answers from the previous snapshot, writes the new one and removes the dead writer's temp.
    const status = runCli(['--dir', dir, 'status', '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ lastSeq: 20_001 });
    expect(entries(dir)).toEqual(['state-000000010001.snap', 'state-000000020001.snap']);
    expect(JSON.parse(runCli(['--dir', dir, 'verify', '--json']).stdout)).toMatchObject({ ok: true, snapshot: { seq: 20_001, status: 'matches' } });
  });
});
