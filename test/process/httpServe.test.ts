import { readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import pg from 'pg';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/events/model/promotionPolicy.js';
import { ROUTES } from '../../src/events/model/vocabulary.js';
import { runCli, startCli, exited } from '../support/cli.js';
import { tempDir, trajectoryInput } from '../support/fixtures.js';
import { call, startServer, stopServers } from '../support/httpServer.js';
import { baselineVersion, simulatedTrajectories, smallSuite } from '../support/learningFixtures.js';

afterEach(stopServers);

type Status = { lastSeq: number; trajectoryCount: number; active: { label: string } | null };
type Recorded = { ids: string[]; firstSeq: number; lastSeq: number };

function initialised(): string {
  const dir = tempDir();
  expect(runCli(['--dir', dir, 'init']).code).toBe(0);
  return dir;
}

/** The trajectory ids in the log, read from the file itself. */
function loggedTrajectoryIds(dir: string): string[] {
  return readFileSync(join(dir, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { type: string; data: { trajectory?: { id: string } } })
    .filter((event) => event.type === 'TrajectoryRecorded')
    .map((event) => event.data.trajectory!.id);
}

const cliMessage = (stderr: string) => stderr.replace(/^memabra: /, '').trim();

describe('memabra serve', () => {
  it('prints where it listens, and serves route, record, cycle, status, versions, reports and rollback over the one log', async () => {
    const dir = initialised();
    const server = await startServer(dir);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url).not.toMatch(/:0$/);

    const health = await call(server.url, 'GET', '/v1/health');
    expect(health).toMatchObject({ status: 200, body: { ok: true, lastSeq: 1 } });

    const { candidates } = trajectoryInput();
    const one = await call(server.url, 'POST', '/v1/route', { input: 'text my mom that i am late', candidates });
    expect(one).toMatchObject({
      status: 200,
      body: { route: expect.any(String), selected: expect.any(Array), routerVersionId: expect.any(String), propensity: expect.any(Number) },
    });
    const many = await call<{ decisions: unknown[] }>(server.url, 'POST', '/v1/route', { requests: [{ input: 'a' }, { input: 'b', candidates }] });
    expect(many.status).toBe(200);
    expect(many.body.decisions).toHaveLength(2);

    // Each route logged its decisions (seq 2, then 3 and 4); the first is completed later by its id.
    const single = await call<Recorded>(server.url, 'POST', '/v1/record', trajectoryInput());
    expect(single).toMatchObject({ status: 200, body: { ids: [expect.any(String)], firstSeq: 5, lastSeq: 5 } });
    const decisionId = (one.body as { decisionId: string }).decisionId;
    const outcome = { reward: 1, error: null, latencyMs: 900 };
    expect(await call<Recorded>(server.url, 'POST', '/v1/record', { decisionId, outcome })).toMatchObject({ status: 200, body: { firstSeq: 6, lastSeq: 6 } });
    expect(await call(server.url, 'POST', '/v1/record', { decisionId, outcome })).toMatchObject({
      body: { error: expect.stringContaining(`decision ${decisionId} already has its outcome`) },
    });
    const seed = simulatedTrajectories(baselineVersion(), 0, 400, 5);
    const batch = await call<Recorded>(server.url, 'POST', '/v1/record', { trajectories: seed });
    expect(batch.status).toBe(200);
    expect(batch.body.ids).toHaveLength(400);

    const status = await call<Status>(server.url, 'GET', '/v1/status');
    expect(status).toMatchObject({
      status: 200,
      body: { trajectoryCount: 402, lastSeq: 406, active: { label: 'v1' }, decisions: { logged: 3, awaitingOutcome: 2 } },
    });

    // A suite in the data directory, named relative to it; every policy field can be set over HTTP: a task
    // count no benchmark has makes its gate refuse.
    writeFileSync(join(dir, 'bench.json'), JSON.stringify(smallSuite(150)));
    const cycle = await call<{
      cycleId: string;
      decision: string;
      benchmark: { name: string };
      reasons: { gate: string; passed: boolean; threshold: number }[];
    }>(server.url, 'POST', '/v1/cycle', { minNewTrajectories: 1, benchmark: 'bench.json', policy: { requiredTaskCount: 1_000_000, bootstrapResamples: 200 } });
    expect(cycle.status).toBe(200);
    expect(cycle.body.decision).toBe('rejected');
    expect(cycle.body.benchmark.name).toBe('clinc150-routes-first-150');
    expect(cycle.body.reasons).toContainEqual(expect.objectContaining({ gate: 'task-count', passed: false, threshold: 1_000_000 }));

    const reports = await call<{ cycleId: string }[]>(server.url, 'GET', '/v1/reports');
    expect(reports.body.map((r) => r.cycleId)).toEqual([cycle.body.cycleId]);
    const report = await call(server.url, 'GET', `/v1/reports/${cycle.body.cycleId.slice(0, 20)}`);
    expect(report).toMatchObject({ status: 200, body: { cycleId: cycle.body.cycleId, decision: 'rejected' } });
    expect(await call(server.url, 'GET', '/v1/reports/NOSUCHREPORT')).toMatchObject({
      status: 404,
      body: { error: 'no report "NOSUCHREPORT" (see GET /v1/reports)' },
    });

    const versions = await call<{ label: string }[]>(server.url, 'GET', '/v1/versions');
    expect(versions.body.map((v) => v.label)).toEqual(['v1', 'v2']);
    const rolled = await call(server.url, 'POST', '/v1/rollback', { version: 'v2', reason: 'over HTTP' });
    expect(rolled).toMatchObject({ status: 200, body: { toVersionId: expect.any(String) } });
    expect(await call(server.url, 'POST', '/v1/rollback', { version: 'v2' })).toMatchObject({
      status: 409,
      body: { error: expect.stringMatching(/^router version v2 \(\w+\) is already active; nothing was changed$/) },
    });
    expect(await call(server.url, 'POST', '/v1/rollback', { version: 'v9' })).toMatchObject({
      status: 404,
      body: { error: 'router version "v9" does not exist (see `memabra versions`)' },
    });
    expect(await call(server.url, 'GET', '/v1/nothing')).toMatchObject({ status: 404, body: { error: 'no endpoint GET /v1/nothing (see GET /openapi.json)' } });

    // The CLI sees what the server wrote: one log.
    expect(JSON.parse(runCli(['--dir', dir, 'status', '--json']).stdout)).toMatchObject({ active: { label: 'v2' }, trajectoryCount: 402 });
    const exit = await server.stop();
    expect(exit.code).toBe(0);
  });

  it('answers bad input with 400 and the one line the CLI prints for it, and appends nothing', async () => {
    const dir = initialised();
    const server = await startServer(dir);
    const bad = { ...trajectoryInput(), outcome: { reward: 7, latencyMs: 1 } };
    const cli = runCli(['--dir', dir, 'record', '-'], { input: JSON.stringify([bad]) });
    expect(cli.code).toBe(2);
    expect(cliMessage(cli.stderr)).toBe('trajectory 1: field "outcome.reward": must be in [0, 1]');

    expect(await call(server.url, 'POST', '/v1/record', bad)).toEqual(expect.objectContaining({ status: 400, body: { error: cliMessage(cli.stderr) } }));
    // One bad trajectory among good ones refuses the whole request, naming it.
    const batch = [trajectoryInput(), trajectoryInput(), { ...trajectoryInput(), colour: 'red' }];
    expect(await call(server.url, 'POST', '/v1/record', { trajectories: batch })).toMatchObject({
      status: 400,
      body: { error: 'trajectory 3: unknown field "colour"' },
    });
    expect(await call(server.url, 'POST', '/v1/record', { trajectories: [] })).toMatchObject({
      status: 400,
      body: { error: 'field "trajectories": give at least one trajectory' },
    });
    expect(await call(server.url, 'POST', '/v1/route', { input: 'x', colour: 'red' })).toMatchObject({
      status: 400,
      body: { error: 'request 1: unknown field "colour"' },
    });
    expect(await call(server.url, 'POST', '/v1/route', { requests: [{ input: 'x' }, { input: 3 }] })).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/^request 2: field "input": /) },
    });
    expect(await call(server.url, 'POST', '/v1/record', '{"task": ')).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/^the body is not valid JSON \(.+\)$/) },
    });
    expect(await call(server.url, 'POST', '/v1/record')).toMatchObject({ status: 400, body: { error: 'no trajectories given: the body is empty' } });
    expect(await call(server.url, 'POST', '/v1/cycle', { policy: { minRewardDelta: 5 } })).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/^field "policy.minRewardDelta": /) },
    });
    expect(await call(server.url, 'POST', '/v1/cycle', { window: 0 })).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/^field "window": /) },
    });
    // A client names suites only where the operator put them, and learns nothing of other files.
    expect(await call(server.url, 'POST', '/v1/cycle', { benchmark: '/etc/passwd' })).toMatchObject({
      status: 400,
      body: {
        error:
          'benchmark "/etc/passwd" is not in the data directory or among the registered suites (an operator can allow more directories with $MEMABRA_BENCHMARK_DIRS)',
      },
    });
    expect(await call(server.url, 'POST', '/v1/rollback', {})).toMatchObject({ status: 400, body: { error: 'missing field "version"' } });
    // A large body of another type is refused too, and the client reads why rather than a reset.
    const form = await fetch(`${server.url}/v1/record`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `a=${'b'.repeat(4 * 1024 * 1024)}`,
    });
    expect(form.status).toBe(415);
    expect(await form.json()).toEqual({ error: 'send the body as JSON, with "Content-Type: application/json"' });
    const notUtf8 = await fetch(`${server.url}/v1/record`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from([0x7b, 0xff, 0x7d]),
    });
    expect([notUtf8.status, await notUtf8.json()]).toEqual([400, { error: 'the body is not valid UTF-8 text' }]);

    expect(await call(server.url, 'GET', '/v1/status')).toMatchObject({ status: 200, body: { lastSeq: 1, trajectoryCount: 0 } });
    expect(runCli(['--dir', dir, 'verify']).code).toBe(0);
  });

  it('refuses a trajectory id already recorded with 409, so a retried request never records twice', async () => {
    const server = await startServer(initialised());
    const withId = trajectoryInput({ id: '01J00000000000000000000001' });
    expect((await call(server.url, 'POST', '/v1/record', withId)).status).toBe(200);
    expect(await call(server.url, 'POST', '/v1/record', withId)).toMatchObject({
      status: 409,
      body: { error: 'trajectory 01J00000000000000000000001 is already recorded (at seq 2); nothing was appended' },
    });
    expect(await call(server.url, 'GET', '/v1/status')).toMatchObject({ body: { trajectoryCount: 1 } });
  });

  it('with a token, answers 401 to a request without it or with another, and serves the one with it', async () => {
    const dir = initialised();
    const server = await startServer(dir, ['--token', 's3cret']);
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: 's3cret' }] as Record<string, string>[]) {
      const answer = await call(server.url, 'POST', '/v1/record', trajectoryInput(), headers);
      expect(answer).toMatchObject({ status: 401, body: { error: 'missing or wrong bearer token: send "Authorization: Bearer <token>"' } });
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect((await call(server.url, 'GET', '/openapi.json')).status).toBe(401);
    expect((await call(server.url, 'POST', '/v1/record', trajectoryInput(), { authorization: 'Bearer s3cret' })).status).toBe(200);
    expect(await call(server.url, 'GET', '/v1/status', undefined, { authorization: 'Bearer s3cret' })).toMatchObject({
      status: 200,
      body: { trajectoryCount: 1 },
    });
    await server.stop();

    // $MEMABRA_TOKEN does the same as --token.
    const fromEnv = await startServer(dir, [], { MEMABRA_TOKEN: 'from-env' });
    expect((await call(fromEnv.url, 'GET', '/v1/health')).status).toBe(401);
    expect((await call(fromEnv.url, 'GET', '/v1/health', undefined, { authorization: 'Bearer from-env' })).status).toBe(200);
  });

  it('refuses to bind a non-loopback address without a token: exit 2 and one line', () => {
    const dir = initialised();
    const refused = runCli(['--dir', dir, 'serve', '--host', '0.0.0.0', '--port', '0']);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.trim().split('\n')).toEqual([
      'memabra: refusing to serve on 0.0.0.0 without a token: anyone who can reach it could record and roll back; pass --token T or set $MEMABRA_TOKEN',
    ]);
  });

  it('without a token, turns away a request whose Host is not a loopback name (a rebound browser page)', async () => {
    const server = await startServer(initialised());
    const { port } = new URL(server.url);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/v1/status', headers: { host: `attacker.example:${port}` } }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).error).toMatch(/^Host "attacker\.example" is not a loopback name/);
    expect((await call(server.url.replace('127.0.0.1', 'localhost'), 'GET', '/v1/health')).status).toBe(200);
  });

  it('answers a body over its limit with 413 and appends nothing', async () => {
    const dir = initialised();
    const server = await startServer(dir);
    // Several at once, each still sending when the answer comes: every client reads its 413, none a reset.
    const huge = (n: number) => trajectoryInput({ task: { input: 'x'.repeat(8 * 1024 * 1024 + n * 100_000) } });
    const answers = await Promise.all([1, 2, 3, 4].map((n) => call(server.url, 'POST', '/v1/record', huge(n))));
    for (const answer of answers) {
      expect(answer).toMatchObject({
        status: 413,
        body: { error: "the body is larger than the server's limit of 8388608 bytes; send fewer trajectories per request" },
      });
    }
    expect((await call(server.url, 'POST', '/v1/record', trajectoryInput())).status).toBe(200);
    expect(await call(server.url, 'GET', '/v1/status')).toMatchObject({ body: { lastSeq: 2, trajectoryCount: 1 } });
  });

  it('serves many clients at once through its one writer: every acknowledged trajectory is in the log once, and it verifies', async () => {
    const dir = initialised();
    const server = await startServer(dir);
    const file = join(dir, 'cli-batch.json');
    const cliBatch = simulatedTrajectories(baselineVersion(), 1000, 50, 3);
    writeFileSync(file, JSON.stringify(cliBatch));
    // Another process writes to the same log meanwhile, through the file lock.
    const cli = exited(startCli(['--dir', dir, 'record', file]));
    const singles = simulatedTrajectories(baselineVersion(), 0, 120, 1).map((t) => call<Recorded>(server.url, 'POST', '/v1/record', t));
    const batches = Array.from({ length: 20 }, (_, i) =>
      call<Recorded>(server.url, 'POST', '/v1/record', { trajectories: simulatedTrajectories(baselineVersion(), 200 + i * 10, 10, 2) }),
    );
    const routes = Array.from({ length: 20 }, (_, i) => call(server.url, 'POST', '/v1/route', { input: `request ${i}` }));
    const answers = await Promise.all([...singles, ...batches]);
    expect((await Promise.all(routes)).map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(answers.map((a) => a.status)).toEqual(Array(140).fill(200));
    expect((await cli).code).toBe(0);

    const acknowledged = answers.flatMap((a) => a.body.ids);
    expect(acknowledged).toHaveLength(320);
    const logged = loggedTrajectoryIds(dir);
    expect(logged).toHaveLength(370);
    expect(new Set(logged).size).toBe(370);
    for (const id of acknowledged) expect(logged).toContain(id);
    expect(runCli(['--dir', dir, 'verify']).code).toBe(0);
  });

  it('serves a PostgreSQL log the same way: parallel records all kept, and it verifies', async () => {
    const adminUrl = process.env.MEMABRA_TEST_PG_URL ?? '';
    expect(adminUrl).toMatch(/^postgres/);
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const name = `memabra_http_${process.pid}_${Date.now()}`;
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const store = url.toString();
    expect(runCli(['--store', store, 'init']).code).toBe(0);

    const server = await startServer(tempDir(), ['--store', store]);
    const base = server.url;
    const answers = await Promise.all(simulatedTrajectories(baselineVersion(), 0, 60, 6).map((t) => call<Recorded>(base, 'POST', '/v1/record', t)));
    expect(answers.map((a) => a.status)).toEqual(Array(60).fill(200));
    expect(await call(base, 'GET', '/v1/status')).toMatchObject({ body: { trajectoryCount: 60, lastSeq: 61 } });
    expect((await server.stop()).code).toBe(0);
    expect(JSON.parse(runCli(['--store', store, 'verify', '--json']).stdout)).toMatchObject({ ok: true, events: 61 });
  });

  it('on SIGTERM finishes the requests it took, keeps every acknowledged trajectory, and exits 0', async () => {
    const dir = initialised();
    const server = await startServer(dir);
    const inFlight = simulatedTrajectories(baselineVersion(), 0, 60, 4).map((t) =>
      call<Recorded>(server.url, 'POST', '/v1/record', t).then(
        (answer) => answer,
        () => null, // refused once the server had stopped listening: never acknowledged
      ),
    );
    await Promise.race(inFlight);
    const exit = await server.stop();
    const answers = await Promise.all(inFlight);
    expect(exit.code).toBe(0);
    expect(exit.signal).toBeNull();
    const acknowledged = answers.filter((a) => a?.status === 200).flatMap((a) => a!.body.ids);
    expect(acknowledged.length).toBeGreaterThan(0);
    const logged = loggedTrajectoryIds(dir);
    for (const id of acknowledged) expect(logged).toContain(id);
    // Anything else was answered as not done (503 while closing) or never reached the server.
    for (const answer of answers) if (answer && answer.status !== 200) expect(answer.status).toBe(503);
    expect(runCli(['--dir', dir, 'verify']).code).toBe(0);
  });

  it('describes every endpoint in GET /openapi.json, with the bodies generated from the shared schemas', async () => {
    const server = await startServer(initialised());
    const doc = await call<{
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>>;
      components: { schemas: Record<string, { properties: Record<string, { enum?: string[] }>; required: string[] }> };
    }>(server.url, 'GET', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\.1/);
    expect(
      Object.entries(doc.body.paths)
        .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
        .sort(),
    ).toEqual([
      'GET /v1/health',
      'GET /v1/reports',
      'GET /v1/reports/{id}',
      'GET /v1/status',
      'GET /v1/versions',
      'POST /v1/cycle',
      'POST /v1/record',
      'POST /v1/rollback',
      'POST /v1/route',
    ]);
    const { schemas } = doc.body.components;
    expect(schemas.DecisionInput!.properties.route!.enum).toEqual([...ROUTES]);
    expect(schemas.TrajectoryInput!.required.sort()).toEqual(['candidates', 'decision', 'outcome', 'task']);
    expect(JSON.stringify(doc.body.paths['/v1/record']!.post!.requestBody)).toContain('#/components/schemas/TrajectoryInput');
    const cycleBody = doc.body.paths['/v1/cycle']!.post!.requestBody!.content['application/json']!.schema as {
      properties: { policy: { properties: object }; window: { type: string; minimum: number } };
    };
    expect(Object.keys(cycleBody.properties.policy.properties).sort()).toEqual(Object.keys(DEFAULT_POLICY).sort());
    expect(cycleBody.properties.window).toMatchObject({ type: 'integer', minimum: 1 });
  });
});
