import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../../support/cli.js';
import { tempDir, trajectoryInput } from '../../support/fixtures.js';
import { baselineVersion, simulatedTrajectories, smallSuite } from '../../support/learningFixtures.js';

let client: Client | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
});

/** A real MCP client that spawns the real server, as an agent's MCP host does. */
async function connect(dir: string): Promise<Client> {
  client = new Client({ name: 'memabra-test-agent', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, '--dir', dir, 'mcp'], stderr: 'pipe' }));
  return client;
}

const resultOf = (response: Awaited<ReturnType<Client['callTool']>>) => JSON.parse((response.content as { text: string }[])[0]!.text);

describe('memabra mcp', () => {
  it('lists its tools with input schemas, then routes, records, runs a cycle, reads status and versions, and rolls back', async () => {
    const dir = tempDir();
    expect(runCli(['--dir', dir, 'init']).code).toBe(0);
    const benchmark = join(dir, 'bench.json');
    writeFileSync(benchmark, JSON.stringify(smallSuite(150)));
    const mcp = await connect(dir);

    const { tools } = await mcp.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['cycle', 'record', 'reports', 'rollback', 'route', 'status', 'versions']);
    const record = tools.find((t) => t.name === 'record')!;
    expect(record.inputSchema).toMatchObject({ type: 'object', required: ['trajectories'], properties: { trajectories: { type: 'array' } } });
    const route = tools.find((t) => t.name === 'route')!;
    expect(route.inputSchema).toMatchObject({ properties: { candidates: { items: { properties: { metadata: { type: 'object' } } } } } });

    const decision = resultOf(await mcp.callTool({ name: 'route', arguments: { input: 'text my mom that i am late', candidates: trajectoryInput().candidates } }));
    expect(decision).toMatchObject({ route: expect.any(String), routerVersionId: expect.any(String), propensity: expect.any(Number) });

    const seed = simulatedTrajectories(baselineVersion(), 0, 2000, 5);
    const recorded = resultOf(await mcp.callTool({ name: 'record', arguments: { trajectories: seed } }));
    expect(recorded.ids).toHaveLength(2000);

    const report = resultOf(await mcp.callTool({ name: 'cycle', arguments: { benchmark, minNewTrajectories: 1 } }));
    expect(report).toMatchObject({ decision: 'promoted', challengerVersionId: expect.any(String) });

    const status = resultOf(await mcp.callTool({ name: 'status', arguments: {} }));
    expect(status).toMatchObject({ trajectoryCount: 2000, reportCount: 1, active: { label: 'v2', kind: 'learned' } });
    const versions = resultOf(await mcp.callTool({ name: 'versions', arguments: {} }));
    expect(versions.map((v: { label: string }) => v.label)).toEqual(['v1', 'v2']);
    expect(resultOf(await mcp.callTool({ name: 'reports', arguments: {} }))).toHaveLength(1);

    const rolled = resultOf(await mcp.callTool({ name: 'rollback', arguments: { version: 'v1', reason: 'from the agent' } }));
    expect(rolled.toVersionId).toBe(versions[0].id);
    // The CLI sees what the MCP server wrote: one log.
    expect(JSON.parse(runCli(['--dir', dir, 'status', '--json']).stdout).active.label).toBe('v1');
  });

  it('answers bad input with an MCP error carrying the same message as the CLI, and appends nothing', async () => {
    const dir = tempDir();
    expect(runCli(['--dir', dir, 'init']).code).toBe(0);
    const bad = { ...trajectoryInput(), outcome: { reward: 7, latencyMs: 1 } };
    const cli = runCli(['--dir', dir, 'record', '-'], { input: JSON.stringify([bad]) });
    expect(cli.code).toBe(2);
    const cliMessage = cli.stderr.replace(/^memabra: /, '').trim();
    expect(cliMessage).toBe('trajectory 1: field "outcome.reward": must be in [0, 1]');

    const mcp = await connect(dir);
    // The client prefixes "MCP error <code>: " once; the server's message is the CLI's line, as it is.
    await expect(mcp.callTool({ name: 'record', arguments: { trajectories: [bad] } })).rejects.toHaveProperty('message', `MCP error -32602: ${cliMessage}`);
    await expect(mcp.callTool({ name: 'route', arguments: { input: 'x', colour: 'red' } })).rejects.toHaveProperty('message', 'MCP error -32602: request 1: unknown field "colour"');
    // A malformed call (arguments that are not an object, a tool that does not exist) is one line too, never a zod dump.
    await expect(mcp.request({ method: 'tools/call', params: { name: 'route', arguments: [1] } } as never, CallToolResultSchema)).rejects.toHaveProperty(
      'message',
      'MCP error -32602: the arguments of tool "route" must be a JSON object',
    );
    await expect(mcp.callTool({ name: 'nope', arguments: {} })).rejects.toHaveProperty('message', expect.stringMatching(/^MCP error -32602: unknown tool "nope"; the tools are route, record, /));
    const missing = await mcp.callTool({ name: 'rollback', arguments: { version: 'v9' } });
    expect(missing).toMatchObject({ isError: true, content: [{ type: 'text', text: expect.stringMatching(/router version "v9" does not exist/) }] });
    expect(JSON.parse(runCli(['--dir', dir, 'status', '--json']).stdout)).toMatchObject({ trajectoryCount: 0, lastSeq: 1 });
  });
});
