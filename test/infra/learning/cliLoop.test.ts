import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/domain/random.js';
import { loadState } from '../../../src/infra/app/foldedState.js';
import { runGatedLearning } from '../../../src/infra/learning/gatedLearning.js';
import { cliDriver, type CliCommandRun } from '../../../src/infra/learning/loopDrivers.js';
import { overlapScenario } from '../../../src/infra/learning/scenarios.js';
import { openJsonlStore } from '../../../src/infra/store/jsonlEventStore.js';
import { tempDir } from '../../support/fixtures.js';

const LEARN_SCRIPT = fileURLToPath(new URL('../../../dist/infra/learning/runLearning.js', import.meta.url));

describe('the gated loop through the real CLI (npm run learn -- --via cli)', () => {
  it('runs init, then per batch route and record, and a cycle every cycleEvery trajectories, each a child process', async () => {
    const dir = tempDir();
    const ran: CliCommandRun[] = [];

    const run = await runGatedLearning(cliDriver(dir, ran), {
      scenario: overlapScenario(),
      gate: 'validation',
      seed: 1,
      cycleEvery: 150,
      limit: 300,
      repeatedCount: 50,
      workDir: dir,
      uniform: seededRandom(7919),
    });

    expect(ran.map((r) => r.command)).toEqual(['init', 'route', 'record', 'cycle', 'route', 'record', 'cycle']);
    expect(new Set(ran.map((r) => r.pid)).size).toBe(ran.length);
    expect(ran.map((r) => r.pid)).not.toContain(process.pid);
    expect(run.cycles.map((c) => [c.trajectories, c.judgedOn])).toEqual([
      [150, 'overlap-validation'],
      [300, 'overlap-validation'],
    ]);
    const state = await loadState(openJsonlStore(join(dir, 'log')));
    expect(state.decisions.logged).toBe(300);
    expect(state.decisions.pending.size).toBe(0);
    expect(state.trajectories.count).toBe(300);
    expect([...state.reports.values()].map((r) => r.decision)).toEqual(run.cycles.map((c) => c.decision));
    expect(state.benchmark?.ref.name).toBe('overlap-validation');
  });

  it('leaves no temp directory behind when the script is stopped with SIGTERM', async () => {
    const tmp = tempDir();
    const learnDirs = () => readdirSync(tmp).filter((name) => name.startsWith('memabra-learn-'));
    const child = spawn(process.execPath, [LEARN_SCRIPT, '--scenario', 'overlap', '--gate', 'validation', '--limit', '3000'], {
      env: { ...process.env, TMPDIR: tmp },
      stdio: 'ignore',
    });
    const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    while (learnDirs().length === 0 && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 20));
    const [dir] = learnDirs();
    child.kill('SIGTERM');

    expect(await exit).toBe(143);
    expect(existsSync(join(tmp, dir!))).toBe(false);
  });
});
