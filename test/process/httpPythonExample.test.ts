import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/fixtures.js';
import { startServer, stopServers } from '../support/httpServer.js';

afterEach(stopServers);

const DOC = new URL('../../docs/integrations.md', import.meta.url);

/** The Python block of the doc's HTTP section, exactly as a reader copies it. */
function pythonExample(): string {
  const doc = readFileSync(DOC, 'utf8');
  const section = doc.slice(doc.indexOf('## Over HTTP'));
  const found = /```python\n([\s\S]*?)```/.exec(section);
  if (!found) throw new Error('docs/integrations.md has no ```python block in its HTTP section');
  return found[1]!;
}

const python = spawnSync('python3', ['--version'], { encoding: 'utf8' });
const hasPython = python.status === 0;
if (!hasPython && process.env.CI) throw new Error('python3 is needed for the HTTP example test, and CI must run it');

describe('the Python example of docs/integrations.md', () => {
  it.skipIf(!hasPython)('routes then records against a real memabra serve, with the standard library only', async () => {
    const dir = tempDir();
    expect(runCli(['--dir', dir, 'init']).code).toBe(0);
    const script = join(dir, 'agent.py');
    writeFileSync(script, pythonExample());
    const server = await startServer(dir, [], { MEMABRA_TOKEN: 'python-token' });
    const run = () =>
      spawnSync('python3', ['-I', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', MEMABRA_URL: server.url, MEMABRA_TOKEN: 'python-token' } });

    // Twice: the second time the case index knows the request, and the example passes its memory on.
    for (const turn of [1, 2]) {
      const result = run();
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const [route, recorded] = result.stdout.trim().split('\n');
      expect(route).toMatch(/^route: (direct|memory|tool|skill|composite) selected: \[.*\]$/);
      const id = /^recorded: ([0-9A-Z]{26})$/.exec(recorded ?? '')?.[1];
      expect(id, `turn ${turn}: ${result.stdout}`).toBeDefined();
      const status = JSON.parse(runCli(['--dir', dir, 'status', '--json']).stdout);
      expect(status.trajectoryCount).toBe(turn);
      expect(status.caseCount).toBe(1);
    }
    const history = readFileSync(join(dir, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const trajectories = history.filter((e) => e.type === 'TrajectoryRecorded').map((e) => e.data.trajectory);
    expect(trajectories[0]).toMatchObject({
      task: { input: 'text my mom that i am late' },
      decision: { routerVersionId: expect.any(String), propensity: expect.any(Number) },
      outcome: { reward: 1 },
    });
    expect(trajectories[0].candidates).toHaveLength(2);
    expect(trajectories[1].candidates.map((c: { id: string }) => c.id)).toEqual(['sms.send', 'mem-17', `case:${trajectories[0].id}`]);
    expect((await server.stop()).code).toBe(0);
  });
});
