import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, exited, runCli, startCli } from '../support/cli.js';
import { tempDir, trajectoryInput } from '../support/fixtures.js';
import { spawnMcp } from '../support/mcpChild.js';

const initialised = () => {
  const dir = tempDir();
  expect(runCli(['--dir', dir, 'init']).code).toBe(0);
  return dir;
};
const statusOf = (dir: string) => JSON.parse(runCli(['--dir', dir, 'status', '--json']).stdout);
const resultOf = (response: Awaited<ReturnType<Client['callTool']>>) => JSON.parse((response.content as { text: string }[])[0]!.text);
/** Fails a call the server never answers long before the test's own timeout. */
const soon = { timeout: 20_000 };
const INITIALIZE = {
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

describe('memabra mcp, as a process: end of input, malformed lines, oversized messages', () => {
  it('given an MCP host that closes the server, when its stdin ends, then the server exits 0', async () => {
    const dir = initialised();
    const codeFile = join(dir, 'exit-code');
    // The host's own stdio transport, as Claude Desktop or Cursor use it; the shell only notes the exit code.
    const transport = new StdioClientTransport({
      command: '/bin/sh',
      args: ['-c', `"${process.execPath}" "${BIN}" --dir "${dir}" mcp; echo $? > "${codeFile}"`],
      stderr: 'pipe',
    });
    const client = new Client({ name: 'memabra-test-host', version: '1.0.0' });
    await client.connect(transport);
    expect(resultOf(await client.callTool({ name: 'status', arguments: {} }, undefined, soon))).toMatchObject({ initialised: true });
    await client.close();
    expect(readFileSync(codeFile, 'utf8')).toBe('0\n');
  });

  it('given requests written just before the input ends, then each is answered and done, and the server exits 0', async () => {
    const dir = initialised();
    const child = startCli(['--dir', dir, 'mcp']);
    const done = exited(child);
    const record = {
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'record', arguments: { trajectories: [trajectoryInput(), trajectoryInput()] } },
    };
    child.stdin!.end([INITIALIZE, { jsonrpc: '2.0', method: 'notifications/initialized' }, record].map((m) => JSON.stringify(m)).join('\n'));
    const { code, stdout, stderr } = await done;
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const answers = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(answers.map((a: { id: number }) => a.id)).toEqual([0, 1]);
    expect(JSON.parse(answers[1].result.content[0].text).ids).toHaveLength(2);
    expect(statusOf(dir).trajectoryCount).toBe(2);
  });

  it('given a line that is not JSON, or not JSON-RPC, then it is answered with -32700 or -32600 and the server keeps serving', async () => {
    const dir = initialised();
    const { client, child, nextLine, exit } = await spawnMcp(dir);
    const parseError = nextLine((m) => (m.error as { code?: number } | undefined)?.code === -32700);
    child.stdin!.write('{"jsonrpc": "2.0", "id": 5, "method": \n');
    expect(await parseError).toEqual({ jsonrpc: '2.0', error: { code: -32700, message: expect.stringMatching(/^Parse error: [^\n]+$/) } });
    const invalid = nextLine((m) => m.id === 6);
    child.stdin!.write('{"jsonrpc": "1.0", "id": 6, "method": "ping"}\n');
    expect(await invalid).toEqual({ jsonrpc: '2.0', id: 6, error: { code: -32600, message: 'Invalid Request: field "jsonrpc" must be "2.0"' } });

    expect(resultOf(await client.callTool({ name: 'status', arguments: {} }, undefined, soon))).toMatchObject({ initialised: true });
    child.stdin!.end();
    expect((await exit).code).toBe(0);
  });

  it('given a message over the SDK size limit, then it gets an error answer under its id, nothing of it is done, and the server keeps serving', async () => {
    const dir = initialised();
    const { client, child, exit } = await spawnMcp(dir);
    const huge = trajectoryInput({ task: { input: 'x'.repeat(11 * 1024 * 1024) } });
    await expect(client.callTool({ name: 'record', arguments: { trajectories: [huge] } }, undefined, soon)).rejects.toThrow(
      /^MCP error -32600: message of \d+ bytes is over the limit of 10485760 bytes per message; it was not read, and nothing of it was done$/,
    );
    const recorded = resultOf(await client.callTool({ name: 'record', arguments: { trajectories: [trajectoryInput()] } }, undefined, soon));
    expect(recorded.ids).toHaveLength(1);
    child.stdin!.end();
    const { code, stderr } = await exit;
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(statusOf(dir).trajectoryCount).toBe(1);
  });
});
