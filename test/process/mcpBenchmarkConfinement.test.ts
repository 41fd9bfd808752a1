import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../support/cli.js';
import { tempDir } from '../support/fixtures.js';
import { smallSuite } from '../support/learningFixtures.js';

let client: Client | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
});

/** A hostile agent: a real MCP client driving the real server in a child process. */
async function connect(dir: string, env: Record<string, string> = {}): Promise<Client> {
  client = new Client({ name: 'hostile-agent', version: '1.0.0' });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, '--dir', dir, 'mcp'],
    env: { ...(process.env as Record<string, string>), MEMABRA_BENCHMARK_DIRS: '', ...env },
    stderr: 'pipe',
  });
  await client.connect(transport);
  return client;
}

/** The text an agent gets back from a cycle call, whether it is refused or fails. */
async function cycleAnswer(mcp: Client, benchmark: string): Promise<string> {
  try {
    const result = await mcp.callTool({ name: 'cycle', arguments: { benchmark, minNewTrajectories: 0, dryRun: true } });
    return JSON.stringify(result);
  } catch (error) {
    return (error as Error).message;
  }
}

describe('benchmark paths an MCP client names', () => {
  it('are confined to the data directory: files elsewhere, symlinks out and devices are refused without a byte of their content', async () => {
    const dir = tempDir();
    expect(runCli(['--dir', dir, 'init']).code).toBe(0);
    symlinkSync('/etc/passwd', join(dir, 'passwd-link.json'));
    const outside = join(tempDir(), 'secret.json');
    writeFileSync(outside, '{"secret-key": "hunter2"}');
    const mcp = await connect(dir);

    const firstLine = readFileSync('/etc/passwd', 'utf8').split('\n')[0]!;
    for (const path of [
      '/etc/passwd',
      '../../../../../../etc/passwd',
      join(dir, 'passwd-link.json'),
      'passwd-link.json',
      outside,
      '/dev/zero',
      '/nonexistent/x.json',
    ]) {
      const answer = await cycleAnswer(mcp, path);
      expect(answer, path).toContain('is not in the data directory or among the registered suites');
      expect(answer, path).not.toContain('root:');
      expect(answer, path).not.toContain(firstLine.slice(0, 8));
      expect(answer, path).not.toContain('hunter2');
      expect(answer, path).not.toContain('secret-key');
    }
    // Nothing was appended for any of them.
    expect(JSON.parse(runCli(['--dir', dir, 'status', '--json']).stdout)).toMatchObject({ lastSeq: 1, reportCount: 0 });
  });

  it('inside the data directory, a file that is not a suite is refused without echoing it, and a real suite runs', async () => {
    const dir = tempDir();
    expect(runCli(['--dir', dir, 'init']).code).toBe(0);
    writeFileSync(join(dir, 'notes.json'), '{"private-key": "s3cr3t"}');
    writeFileSync(join(dir, 'notes.txt'), 'root:x:0:0:not json at all');
    mkdirSync(join(dir, 'suites'));
    writeFileSync(join(dir, 'suites', 'small.json'), JSON.stringify(smallSuite(20)));
    const mcp = await connect(dir);

    for (const path of ['notes.json', join(dir, 'notes.txt')]) {
      const answer = await cycleAnswer(mcp, path);
      expect(answer, path).toMatch(/is not a (valid|JSON) benchmark suite/);
      expect(answer, path).not.toMatch(/private-key|s3cr3t|root:x/);
    }
    expect(await cycleAnswer(mcp, 'suites')).toContain('is not a regular file');
    expect(await cycleAnswer(mcp, 'missing.json')).toContain('no such file');
    expect(JSON.parse(await cycleAnswer(mcp, 'suites/small.json'))).toMatchObject({ structuredContent: { result: { decision: expect.any(String) } } });
  });

  it('reach a directory the operator allows with MEMABRA_BENCHMARK_DIRS, and a suite there past the size cap is refused', async () => {
    const dir = tempDir();
    expect(runCli(['--dir', dir, 'init']).code).toBe(0);
    const shared = tempDir();
    writeFileSync(join(shared, 'small.json'), JSON.stringify(smallSuite(20)));
    // 65 MiB of spaces: valid JSON whitespace around nothing, only its size is wrong.
    writeFileSync(join(shared, 'huge.json'), Buffer.alloc(65 * 1024 * 1024, 0x20));
    const mcp = await connect(dir, { MEMABRA_BENCHMARK_DIRS: shared });

    expect(JSON.parse(await cycleAnswer(mcp, join(shared, 'small.json')))).toMatchObject({ structuredContent: { result: { decision: expect.any(String) } } });
    expect(await cycleAnswer(mcp, join(shared, 'huge.json'))).toContain('larger than the 64 MiB limit');
  });
});
