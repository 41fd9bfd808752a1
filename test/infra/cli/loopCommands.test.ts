import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exited, runCli, startCli } from '../../support/cli.js';
import { tempDir } from '../../support/fixtures.js';
import { baselineVersion, simulatedTrajectories, smallSuite } from '../../support/learningFixtures.js';

const json = (args: string[], dir: string, input?: string) => {
  const result = runCli(['--dir', dir, ...args, '--json'], input === undefined ? {} : { input });
  if (result.code !== 0) throw new Error(`memabra ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout);
};

/**
 * A temp dir with an initialised log, a small benchmark file registered as its gate, and a file of seed
 * trajectories. Registered, the suite lets the whole log train: otherwise the held-out share, drawn by a
 * hash of trajectory ids that are random here, would make the challenger (and whether it is promoted) vary
 * from run to run.
 */
function workspace(trajectories = 2500) {
  const dir = tempDir();
  const benchmark = join(dir, 'bench.json');
  writeFileSync(benchmark, JSON.stringify(smallSuite(200)));
  const seed = join(dir, 'seed.jsonl');
  writeFileSync(
    seed,
    simulatedTrajectories(baselineVersion(), 0, trajectories, 7)
      .map((t) => JSON.stringify(t))
      .join('\n'),
  );
  json(['init', '--benchmark', benchmark], dir);
  return { dir, benchmark, seed };
}

describe('the learning loop through the CLI', () => {
  it('runs the acceptance list: record, route, evaluate, cycle (skip, dry run, promote), reports, rollback, history, cases', () => {
    const { dir, benchmark, seed } = workspace();
    expect(json(['record', seed], dir).ids).toHaveLength(2500);

    const skipped = json(['cycle', '--benchmark', benchmark, '--min-new-trajectories', '5000'], dir);
    expect(skipped).toMatchObject({ decision: 'skipped', newTrajectories: { count: 2500 } });

    const dry = json(['cycle', '--benchmark', benchmark, '--dry-run'], dir);
    expect(dry).toMatchObject({ decision: 'rejected', dryRun: true, wouldPromote: true });
    expect(json(['status'], dir).active.label).toBe('v1');

    const promoted = json(['cycle', '--benchmark', benchmark], dir);
    expect(promoted).toMatchObject({ decision: 'promoted', dryRun: false });
    expect(promoted.challengerMetrics.meanReward).toBeGreaterThan(promoted.baselineMetrics.meanReward);
    const status = json(['status'], dir);
    expect(status).toMatchObject({
      active: { label: 'v3', kind: 'learned', source: expect.stringMatching(/^promoted by cycle/) },
      versionCount: 3,
      reportCount: 3,
      unseenTrajectoryCount: 0,
    });

    expect(json(['cycle', '--benchmark', benchmark, '--min-new-trajectories', '1'], dir)).toMatchObject({ decision: 'skipped' });

    const routed = runCli(['--dir', dir, 'route', '-'], {
      input: '{"input":"what is the weather in paris","candidates":[{"id":"tool.weather","kind":"tool","name":"weather","score":0.8}]}\n{"input":"hi there"}\n',
    });
    expect(routed.code).toBe(0);
    const answers = routed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(answers).toHaveLength(2);
    for (const answer of answers) {
      expect(answer).toMatchObject({ decisionId: expect.stringMatching(/^[0-9A-Z]{26}$/), routerVersionId: status.active.id, route: expect.any(String) });
      expect(answer.propensity).toBeGreaterThan(0);
    }

    const evaluated = json(['evaluate', '--benchmark', benchmark, '--version', 'v1'], dir);
    expect(evaluated).toMatchObject({ label: 'v1', metrics: { taskCount: 200 } });
    expect(evaluated.metrics.meanReward).toBeCloseTo(promoted.baselineMetrics.meanReward, 10);

    const reports = json(['reports'], dir);
    expect(reports.map((r: { decision: string }) => r.decision)).toEqual(['skipped', 'rejected', 'promoted', 'skipped']);
    expect(json(['reports', promoted.cycleId], dir)).toMatchObject({
      cycleId: promoted.cycleId,
      reasons: expect.arrayContaining([expect.objectContaining({ gate: 'reward-delta', passed: true })]),
    });

    const rolled = json(['rollback', 'v1', '--reason', 'testing rollback'], dir);
    expect(rolled).toMatchObject({ toVersionId: json(['versions'], dir)[0].id });
    expect(json(['status'], dir).active).toMatchObject({ label: 'v1', source: 'rolled back (testing rollback)' });
    const missing = runCli(['--dir', dir, 'rollback', 'v99']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^memabra: router version "v99" does not exist/);

    const history = json(['history'], dir);
    expect(history.events.filter((e: { type: string }) => e.type !== 'TrajectoryRecorded').map((e: { type: string }) => e.type)).toEqual([
      'RouterRegistered',
      'BenchmarkRegistered',
      'CycleStarted',
      'CycleSkipped',
      'CycleStarted',
      'ChallengerTrained',
      'ChallengerEvaluated',
      'ChallengerRejected',
      'CycleStarted',
      'ChallengerTrained',
      'ChallengerEvaluated',
      'ChallengerPromoted',
      'CycleStarted',
      'CycleSkipped',
      'DecisionLogged',
      'DecisionLogged',
      'RouterRolledBack',
    ]);
    const promotedSeq = history.events.find((e: { type: string }) => e.type === 'ChallengerPromoted').seq;
    expect(json(['history', '--as-of', String(promotedSeq)], dir).state.active.label).toBe('v3');

    const firstInput = JSON.parse(runCli(['--dir', dir, 'history', '--json']).stdout).events.find((e: { type: string }) => e.type === 'TrajectoryRecorded');
    expect(firstInput).toBeDefined();
    const someInput = simulatedTrajectories(baselineVersion(), 0, 1, 7)[0]!.task.input;
    expect(json(['cases', 'lookup', someInput.toUpperCase()], dir).entry).toMatchObject({ summary: expect.stringContaining(someInput.slice(0, 20)) });
    expect(json(['cases', 'rebuild'], dir)).toMatchObject({ matchesIncremental: true });
    expect(json(['verify'], dir)).toMatchObject({ ok: true, tornTail: null });
  });

  it('gives a case hit to route: the episodic memory comes back as a candidate', () => {
    const { dir, seed } = workspace(300);
    json(['record', seed], dir);
    const known = simulatedTrajectories(baselineVersion(), 0, 1, 7)[0]!.task.input;
    const [answer] = runCli(['--dir', dir, 'route', '-'], { input: JSON.stringify({ input: `${known}!!` }) })
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(answer.caseMemory).toMatchObject({ kind: 'memory', id: expect.stringMatching(/^case:/), description: expect.stringContaining(known.slice(0, 20)) });
  });

  it('two cycles racing on one log never both promote from the same state', async () => {
    const { dir, benchmark, seed } = workspace(1500);
    json(['record', seed], dir);
    const racers = [0, 1].map(() => exited(startCli(['--dir', dir, 'cycle', '--benchmark', benchmark, '--min-new-trajectories', '1', '--json'])));
    const results = await Promise.all(racers);
    for (const r of results) expect(r.code).toBe(0);
    const decisions = results.map((r) => JSON.parse(r.stdout).decision).sort();
    expect(decisions).toEqual(['promoted', 'skipped']);
    const history = json(['history'], dir);
    expect(history.events.filter((e: { type: string }) => e.type === 'ChallengerPromoted')).toHaveLength(1);
    expect(json(['verify'], dir)).toMatchObject({ ok: true });
  });

  it('rejects bad cycle flags and a bad benchmark file with one line and exit 2', () => {
    const { dir } = workspace(10);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ name: 'x', version: 1, tasks: [{ id: 't', input: 'hi', category: 'web' }] }));
    for (const [args, message] of [
      [['cycle', '--min-reward-delta', 'lots'], /--min-reward-delta.*expected a number/],
      [['cycle', '--window', '0'], /--window.*0/],
      [['cycle', '--benchmark', bad], /^memabra: benchmark .*bad.json: field "tasks.0.category"/],
      [['evaluate', '--benchmark', join(dir, 'nope.json')], /^memabra: cannot read benchmark .*nope.json: no such file/],
      [['route', '-'], /^memabra: no request given: the input is empty/],
    ] as const) {
      const result = runCli(['--dir', dir, ...args]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
