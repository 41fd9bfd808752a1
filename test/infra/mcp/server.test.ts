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
    const benchmark = join(dir, 'bench.json');
    writeFileSync(benchmark, JSON.stringify(smallSuite(150)));
    // Registered, the suite lets the whole log train; otherwise the held-out share, drawn by a hash of the
    // trajectories' random ids, would make whether the challenger is promoted vary from run to run.
    expect(runCli(['--dir', dir, 'init', '--benchmark', benchmark]).code).toBe(0);
    const mcp = await connect(dir);

    const { tools } = await mcp.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'cases',
      'cycle',
      'evaluate',
      'history',
      'init',
      'record',
      'reports',
      'rollback',
      'route',
      'status',
      'verify',
      'versions',
    ]);
    const record = tools.find((t) => t.name === 'record')!;
    expect(record.inputSchema).toMatchObject({ type: 'object', required: ['trajectories'], properties: { trajectories: { type: 'array' } } });
    const route = tools.find((t) => t.name === 'route')!;
    expect(route.inputSchema).toMatchObject({ properties: { candidates: { items: { properties: { metadata: { type: 'object' } } } } } });

    const decision = resultOf(
      await mcp.callTool({ name: 'route', arguments: { input: 'text my mom that i am late', candidates: trajectoryInput().candidates } }),
    );
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

  it('serves init, evaluate, verify, history and cases as the CLI does, and routes many requests in one call', async () => {
    const dir = tempDir();
    const mcp = await connect(dir);
    expect(resultOf(await mcp.callTool({ name: 'status', arguments: {} }))).toMatchObject({ initialised: false });
    const init = resultOf(await mcp.callTool({ name: 'init', arguments: { explorationRate: 0 } }));
    expect(init).toMatchObject({ version: { label: 'v1', kind: 'baseline', explorationRate: 0 }, seq: 1 });
    expect(await mcp.callTool({ name: 'init', arguments: {} })).toMatchObject({
      isError: true,
      content: [{ text: expect.stringMatching(/^already initialised/) }],
    });

    const candidates = trajectoryInput().candidates;
    const many = resultOf(
      await mcp.callTool({ name: 'route', arguments: { requests: [{ input: 'text my mom that i am late', candidates }, { input: 'what is 2 + 2' }] } }),
    );
    expect(many).toHaveLength(2);
    // With no exploration the answers are the CLI's, request for request; each logged decision has its own id.
    const withoutId = ({ decisionId, ...answer }: Record<string, unknown>) => (expect(decisionId).toMatch(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/), answer);
    const cli = runCli(['--dir', dir, 'route', '-', '--no-log'], {
      input: [JSON.stringify({ input: 'text my mom that i am late', candidates }), JSON.stringify({ input: 'what is 2 + 2' })].join('\n'),
    });
    expect(
      cli.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual(many.map(withoutId));
    expect(withoutId(resultOf(await mcp.callTool({ name: 'route', arguments: { input: 'what is 2 + 2' } })))).toEqual(withoutId(many[1]));
    expect(resultOf(await mcp.callTool({ name: 'route', arguments: { input: 'what is 2 + 2', log: false } }))).toEqual(withoutId(many[1]));
    await expect(mcp.callTool({ name: 'route', arguments: { requests: [{ input: 'a' }, { input: 'b', colour: 'red' }] } })).rejects.toHaveProperty(
      'message',
      'MCP error -32602: request 2: unknown field "colour"',
    );

    expect(resultOf(await mcp.callTool({ name: 'record', arguments: { trajectories: [trajectoryInput(), trajectoryInput()] } })).ids).toHaveLength(2);
    expect(resultOf(await mcp.callTool({ name: 'evaluate', arguments: {} }))).toEqual(JSON.parse(runCli(['--dir', dir, 'evaluate', '--json']).stdout));
    writeFileSync(join(dir, 'bench.json'), JSON.stringify(smallSuite(20)));
    expect(resultOf(await mcp.callTool({ name: 'evaluate', arguments: { benchmark: 'bench.json', version: 'v1' } }))).toEqual(
      JSON.parse(runCli(['--dir', dir, 'evaluate', '--benchmark', join(dir, 'bench.json'), '--json']).stdout),
    );
    // An agent is not the operator: as for cycle, a suite outside the data directory is refused.
    await expect(mcp.callTool({ name: 'evaluate', arguments: { benchmark: '/etc/passwd' } })).rejects.toHaveProperty(
      'message',
      expect.stringContaining('is not in the data directory'),
    );
    // init, the three logged decisions (two in one append), then the two trajectories.
    const { repairedBytes, ...verified } = JSON.parse(runCli(['--dir', dir, 'verify', '--json']).stdout);
    expect({ repairedBytes, verified }).toMatchObject({ repairedBytes: 0, verified: { ok: true, events: 6 } });
    expect(resultOf(await mcp.callTool({ name: 'verify', arguments: {} }))).toEqual(verified);

    expect(resultOf(await mcp.callTool({ name: 'history', arguments: {} }))).toEqual(JSON.parse(runCli(['--dir', dir, 'history', '--json']).stdout));
    expect(resultOf(await mcp.callTool({ name: 'history', arguments: { types: ['TrajectoryRecorded'], limit: 1 } }))).toMatchObject({
      events: [{ seq: 6 }],
      omitted: 1,
    });
    expect(resultOf(await mcp.callTool({ name: 'history', arguments: { asOf: 1 } }))).toMatchObject({ events: [{ seq: 1 }], state: { trajectoryCount: 0 } });
    await expect(mcp.callTool({ name: 'history', arguments: { asOf: 9 } })).rejects.toHaveProperty(
      'message',
      'MCP error -32602: --as-of 9 is past the end of the log, whose last seq is 6',
    );
    await expect(mcp.callTool({ name: 'history', arguments: { asOf: '2026-02-30' } })).rejects.toHaveProperty(
      'message',
      expect.stringMatching(/2026-02-30 is not a date in the calendar$/),
    );

    expect(resultOf(await mcp.callTool({ name: 'cases', arguments: {} }))).toEqual(JSON.parse(runCli(['--dir', dir, 'cases', 'list', '--json']).stdout));
    const found = resultOf(await mcp.callTool({ name: 'cases', arguments: { input: 'Text my mom that I am late!' } }));
    // Two equal trajectories: the more recent is the case.
    expect(found).toMatchObject({ key: 'text my mom that i am late', entry: { seq: 6 } });
    expect(await mcp.callTool({ name: 'cases', arguments: { action: 'lookup', input: 'never asked' } })).toMatchObject({
      isError: true,
      content: [{ text: 'no case for "never asked"' }],
    });
    expect(resultOf(await mcp.callTool({ name: 'cases', arguments: { action: 'rebuild' } }))).toMatchObject({ cases: 1, matchesIncremental: true });
    await expect(mcp.callTool({ name: 'cases', arguments: { action: 'list', input: 'x' } })).rejects.toHaveProperty(
      'message',
      'MCP error -32602: arguments: "input" is for lookup, not list',
    );
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
    await expect(mcp.callTool({ name: 'route', arguments: { input: 'x', colour: 'red' } })).rejects.toHaveProperty(
      'message',
      'MCP error -32602: request 1: unknown field "colour"',
    );
    // A malformed call (arguments that are not an object, a tool that does not exist) is one line too, never a zod dump.
    await expect(mcp.request({ method: 'tools/call', params: { name: 'route', arguments: [1] } } as never, CallToolResultSchema)).rejects.toHaveProperty(
      'message',
      'MCP error -32602: the arguments of tool "route" must be a JSON object',
    );
    await expect(mcp.callTool({ name: 'nope', arguments: {} })).rejects.toHaveProperty(
      'message',
      expect.stringMatching(/^MCP error -32602: unknown tool "nope"; the tools are route, record, /),
    );
    const missing = await mcp.callTool({ name: 'rollback', arguments: { version: 'v9' } });
    expect(missing).toMatchObject({ isError: true, content: [{ type: 'text', text: expect.stringMatching(/router version "v9" does not exist/) }] });
    expect(JSON.parse(runCli(['--dir', dir, 'status', '--json']).stdout)).toMatchObject({ trajectoryCount: 0, lastSeq: 1 });
  });
});
