import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { RouteAnswer } from '../../src/events/model/vocabulary.js';
import { BIN, runCli } from '../support/cli.js';
import { tempDir } from '../support/fixtures.js';
import { call, startServer, stopServers } from '../support/httpServer.js';
import { feedback, feedbackArb, outcomeArb, routeRequestArb } from '../support/loopArbitraries.js';

/** Runs of several turns each; every run feeds each answer back by id or whole, logged or not. */
const turnsArb = fc.tuple(fc.array(fc.tuple(routeRequestArb, outcomeArb, feedbackArb), { minLength: 1, maxLength: 5 }), fc.boolean());

function initialised(): string {
  const dir = tempDir();
  // Exploring half the time, so every route (and every selection rule) is answered and fed back.
  expect(runCli(['--dir', dir, 'init', '--exploration-rate', '0.5']).code).toBe(0);
  return dir;
}

let client: Client | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
  await stopServers();
});

describe('route, then record what it answered, over MCP (a real client and server process)', () => {
  it('accepts the answers fed back, by id or whole, logged or not, for any request and any case hit', { timeout: 300_000 }, async () => {
    const dir = initialised();
    client = new Client({ name: 'memabra-test-agent', version: '1.0.0' });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, '--dir', dir, 'mcp'], stderr: 'pipe' }));
    const mcp = client;
    const resultOf = (response: Awaited<ReturnType<Client['callTool']>>) => {
      expect(response.isError).toBeFalsy();
      return JSON.parse((response.content as { text: string }[])[0]!.text);
    };
    let caseHits = 0;
    let recorded = 0;
    await fc.assert(
      fc.asyncProperty(turnsArb, async ([turns, log]) => {
        const requests = turns.map(([request]) => request);
        const answers: RouteAnswer[] = resultOf(await mcp.callTool({ name: 'route', arguments: { requests, log } }));
        expect(answers).toHaveLength(requests.length);
        for (const answer of answers) expect(answer.decisionId !== undefined).toBe(log);
        caseHits += answers.filter((answer) => answer.caseMemory).length;
        const trajectories = turns.map(([request, outcome, how], i) => feedback(request, answers[i]!, outcome, how));
        expect(resultOf(await mcp.callTool({ name: 'record', arguments: { trajectories } })).ids).toHaveLength(trajectories.length);
        recorded += trajectories.length;
      }),
      { numRuns: 25, seed: 5 },
    );
    expect(resultOf(await mcp.callTool({ name: 'status', arguments: {} }))).toMatchObject({ trajectoryCount: recorded, decisions: { awaitingOutcome: 0 } });
    expect(caseHits).toBeGreaterThan(5);
  });
});

describe('route, then record what it answered, over HTTP (a real client and server process)', () => {
  it('accepts the answers fed back, by id or whole, logged or not, for any request and any case hit', { timeout: 300_000 }, async () => {
    const server = await startServer(initialised());
    let caseHits = 0;
    let recorded = 0;
    await fc.assert(
      fc.asyncProperty(turnsArb, async ([turns, log]) => {
        const requests = turns.map(([request]) => request);
        const routed = await call<{ decisions: RouteAnswer[] }>(server.url, 'POST', '/v1/route', { requests, log });
        expect(routed.status).toBe(200);
        const answers = routed.body.decisions;
        expect(answers).toHaveLength(requests.length);
        for (const answer of answers) expect(answer.decisionId !== undefined).toBe(log);
        caseHits += answers.filter((answer) => answer.caseMemory).length;
        const trajectories = turns.map(([request, outcome, how], i) => feedback(request, answers[i]!, outcome, how));
        const result = await call<{ ids: string[] }>(server.url, 'POST', '/v1/record', { trajectories });
        expect(result).toMatchObject({ status: 200, body: { ids: expect.any(Array) } });
        expect(result.body.ids).toHaveLength(trajectories.length);
        recorded += trajectories.length;
      }),
      { numRuns: 25, seed: 5 },
    );
    // One request alone takes the option beside its own fields, as many do.
    const single = await call<RouteAnswer>(server.url, 'POST', '/v1/route', { input: 'what is 2 + 2', log: false });
    expect(single.status).toBe(200);
    expect(single.body.decisionId).toBeUndefined();
    expect(await call(server.url, 'POST', '/v1/route', { input: 'what is 2 + 2', log: 'no' })).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining('log') },
    });
    expect(await call(server.url, 'GET', '/v1/status')).toMatchObject({ status: 200, body: { trajectoryCount: recorded, decisions: { awaitingOutcome: 0 } } });
    expect(caseHits).toBeGreaterThan(5);
  });
});
