import pg from 'pg';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, PromotionPolicySchema } from '../../../src/events/model/promotionPolicy.js';
import { POLICY_FLAGS } from '../../../src/infra/cli/policyFlags.js';
import { runCli } from '../../support/cli.js';
import { tempDir } from '../../support/fixtures.js';
import { baselineVersion, simulatedTrajectories, smallSuite } from '../../support/learningFixtures.js';

const json = (args: string[], at: string[], input?: string) => {
  const result = runCli([...at, ...args, '--json'], input === undefined ? {} : { input });
  if (result.code !== 0) throw new Error(`memabra ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout);
};
const jsonl = (from: number, count: number) =>
  simulatedTrajectories(baselineVersion(), from, count, 7)
    .map((t) => JSON.stringify(t))
    .join('\n');

/** Labelled tasks as an operator writes them: the request, its candidates, the route it needs. */
function labelledTasks(n: number): string {
  return smallSuite(n)
    .tasks.map((t) => JSON.stringify({ id: t.id, input: t.input, candidates: t.candidates, needs: t.category }))
    .join('\n');
}

describe("a user's own log is judged on itself", () => {
  it('given no suite, when too few held-out trajectories exist, then the cycle says how many more it needs and promotes nothing', () => {
    const dir = tempDir();
    const at = ['--dir', dir];
    json(['init'], at);
    json(['record', '-'], at, jsonl(0, 300));
    const report = json(['cycle'], at);
    expect(report).toMatchObject({ decision: 'skipped', evidence: { type: 'held-out', rule: { share: 0.2 } }, thinEvidence: { requiredCount: 100 } });
    const human = runCli([...at, 'cycle']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(
      /SKIPPED: too little held-out evidence to judge a challenger: \d+ held-out trajectories with a propensity, 100 needed; record about \d+ more/,
    );
    expect(json(['status'], at)).toMatchObject({ active: { label: 'v1' }, unseenTrajectoryCount: 300 });
  });

  it('given enough of its own traffic, then the challenger is judged on the held-out share off-policy, and the report says so', () => {
    const dir = tempDir();
    const at = ['--dir', dir];
    json(['init'], at);
    json(['record', '-'], at, jsonl(0, 2500));
    const report = json(['cycle', '--dry-run'], at);
    expect(report).toMatchObject({
      decision: 'rejected',
      dryRun: true,
      evidence: { type: 'held-out' },
      comparison: { method: 'paired-dr-bootstrap' },
      heldOut: { count: expect.any(Number) },
    });
    expect(report.judged.count).toBe(report.heldOut.count);
    expect(report.trainingSet.count + report.heldOut.count).toBe(2500);
    const human = runCli([...at, 'reports', report.cycleId]).stdout;
    expect(human).toMatch(/judged on {3}held-out traffic \(20% of this log's routed trajectories, off-policy\): \d+ trajectories/);
    expect(human).toMatch(/out of sample: held out of its training/);
  });
});

describe('labelled suites', () => {
  it('builds a suite from labelled tasks, registers it, and later cycles judge on it', () => {
    const dir = tempDir();
    const at = ['--dir', dir];
    const tasks = join(dir, 'labelled.jsonl');
    writeFileSync(tasks, labelledTasks(200));
    const suitePath = join(dir, 'suite.json');
    const built = runCli(['benchmark', 'build', tasks, '--name', 'my-agent', '--out', suitePath, '--json']);
    expect(built.code).toBe(0);
    expect(JSON.parse(built.stdout)).toMatchObject({ out: suitePath, benchmark: { name: 'my-agent', version: 1, taskCount: 200 } });
    // The reward model's outcomes, for the route each task needs: the bundled suite was built the same way.
    const suite = JSON.parse(readFileSync(suitePath, 'utf8'));
    expect(suite.tasks.map((t: { outcomes: unknown }) => t.outcomes)).toEqual(smallSuite(200).tasks.map((t) => t.outcomes));

    json(['init'], at);
    const registered = json(['benchmark', 'use', suitePath], at);
    expect(registered).toMatchObject({ benchmark: { name: 'my-agent', taskCount: 200 }, storage: 'file' });
    expect(readFileSync(join(dir, 'benchmarks', `${registered.benchmark.hash}.json`), 'utf8')).toContain('"my-agent"');
    json(['record', '-'], at, jsonl(0, 2500));
    const report = json(['cycle'], at);
    expect(report).toMatchObject({
      evidence: { type: 'suite', source: 'registered', benchmark: { name: 'my-agent' } },
      heldOut: null,
      comparison: { method: 'paired-bootstrap' },
    });
    expect(report.trainingSet.count + report.excludedCount).toBe(2500);
    expect(json(['evaluate'], at)).toMatchObject({ benchmark: { name: 'my-agent' } });
    // A suite passed to the cycle wins over the registered one.
    const passed = join(dir, 'other.json');
    writeFileSync(passed, JSON.stringify(smallSuite(150)));
    json(['record', '-'], at, jsonl(2500, 200));
    expect(json(['cycle', '--benchmark', passed, '--dry-run'], at)).toMatchObject({
      evidence: { type: 'suite', source: 'option', benchmark: { taskCount: 150 } },
    });
  });

  it('init --benchmark registers the suite with the baseline, in one append', () => {
    const dir = tempDir();
    const suitePath = join(dir, 'suite.json');
    writeFileSync(suitePath, JSON.stringify(smallSuite(50)));
    expect(runCli(['--dir', dir, 'init', '--benchmark', suitePath]).stdout).toMatch(/Gate: clinc150-routes-first-50 v1 \(50 tasks\)/);
    const history = json(['history'], ['--dir', dir]);
    expect(history.events.map((e: { type: string }) => e.type)).toEqual(['RouterRegistered', 'BenchmarkRegistered']);
  });

  it('init --exploration-rate 0 without a suite notes that cycles can promote nothing, and status says so until a suite is registered', () => {
    const dir = tempDir();
    const init = runCli(['--dir', dir, 'init', '--exploration-rate', '0']);
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/^Note: v1 never explores \(exploration 0\) and no suite is registered: .* cycles promote nothing; register a labelled suite/m);
    expect(runCli(['--dir', dir, 'status']).stdout).toMatch(/^Note {12}v1 never explores/m);
    expect(json(['status'], ['--dir', dir]).notes).toHaveLength(1);
    const suitePath = join(dir, 'suite.json');
    writeFileSync(suitePath, JSON.stringify(smallSuite(50)));
    expect(runCli(['--dir', dir, 'benchmark', 'use', suitePath]).code).toBe(0);
    expect(json(['status'], ['--dir', dir]).notes).toEqual([]);
    expect(runCli(['--dir', dir, 'status']).stdout).not.toMatch(/Note/);
    expect(JSON.parse(runCli(['--dir', tempDir(), 'init', '--json']).stdout).notes).toEqual([]);
  });

  it('refuses bad labelled tasks with one line naming every problem, and builds nothing', () => {
    const dir = tempDir();
    const tasks = join(dir, 'bad.jsonl');
    const good = { input: 'set a timer', candidates: [], needs: 'tool' };
    writeFileSync(
      tasks,
      [
        JSON.stringify({ ...good, id: 'a' }),
        JSON.stringify({ ...good, needs: 'tools' }),
        '{oops',
        JSON.stringify({ candidates: [] }),
        JSON.stringify({ ...good, id: 'a', colour: 'red' }),
      ].join('\n'),
    );
    const out = join(dir, 'suite.json');
    const result = runCli(['benchmark', 'build', tasks, '--out', out]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/line 3: not valid JSON/);
    const fixed = [
      JSON.stringify({ ...good, id: 'a' }),
      JSON.stringify({ ...good, needs: 'tools' }),
      JSON.stringify({ candidates: [] }),
      JSON.stringify({ ...good, id: 'a', colour: 'red' }),
    ].join('\n');
    writeFileSync(tasks, fixed);
    const again = runCli(['benchmark', 'build', tasks, '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(again.stderr).toMatch(
      /^memabra: .*bad\.jsonl: 3 problems: line 2: field "needs": .*; line 3: missing field "input", field "needs": Invalid option.*; line 4: unknown field "colour"\n$/,
    );
    expect(() => readFileSync(out)).toThrow();
  });

  it('refuses a bad suite for `benchmark use` naming every problem, and appends nothing', () => {
    const dir = tempDir();
    json(['init'], ['--dir', dir]);
    const bad = join(dir, 'bad.json');
    const suite = smallSuite(3);
    writeFileSync(
      bad,
      JSON.stringify({
        ...suite,
        tasks: [
          { ...suite.tasks[0], category: 'nope' },
          { ...suite.tasks[1], outcomes: {} },
        ],
      }),
    );
    const result = runCli(['--dir', dir, 'benchmark', 'use', bad]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/field "tasks\.0\.category".*; .*tasks\.1\.outcomes/);
    expect(json(['history'], ['--dir', dir]).events).toHaveLength(1);
  });
});

describe('the promotion policy on the command line', () => {
  it('has a cycle flag for every field of the policy', () => {
    expect(POLICY_FLAGS.map((f) => f.key).sort()).toEqual(Object.keys(PromotionPolicySchema.shape).sort());
  });

  it("shows each flag's default as the policy has it, so help never promises a gate the policy does not set", () => {
    const help = runCli(['cycle', '--help']);
    expect(help.code).toBe(0);
    const text = help.stdout.replace(/\s+/g, ' ');
    for (const flag of POLICY_FLAGS) {
      const value = DEFAULT_POLICY[flag.key];
      expect(text).toContain(`${flag.flag} <${flag.value}> ${flag.help} (default ${value === null ? 'off' : value}`);
    }
    expect(text).toContain('--max-category-regression <X|off> ');
    expect(DEFAULT_POLICY.maxCategoryRegression).toBeNull();
  });

  it('applies every flag to the cycle, and refuses bad values with one line', () => {
    const dir = tempDir();
    const at = ['--dir', dir];
    const suitePath = join(dir, 'suite.json');
    writeFileSync(suitePath, JSON.stringify(smallSuite(150)));
    json(['init', '--benchmark', suitePath], at);
    json(['record', '-'], at, jsonl(0, 300));
    const flags = [
      '--min-reward-delta',
      '0.02',
      '--max-error-rate-increase',
      '0.1',
      '--max-latency-increase-ms',
      '400',
      '--required-task-count',
      '120',
      '--max-category-regression',
      'off',
      '--confidence-level',
      '0.9',
      '--bootstrap-resamples',
      '500',
      '--seed',
      '3',
    ];
    const report = json(['cycle', '--dry-run', ...flags], at);
    expect(report.policy).toEqual({
      minRewardDelta: 0.02,
      maxErrorRateIncrease: 0.1,
      maxLatencyIncreaseMs: 400,
      requiredTaskCount: 120,
      maxCategoryRegression: null,
      confidenceLevel: 0.9,
      bootstrapResamples: 500,
      seed: 3,
    });
    expect(report.comparison).toMatchObject({ confidenceLevel: 0.9, resamples: 500, seed: 3 });
    expect(report.reasons.map((r: { gate: string }) => r.gate)).toEqual(['task-count', 'reward-delta', 'error-rate', 'latency']);
    const bad = runCli([...at, 'cycle', '--confidence-level', '2', '--seed', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--confidence-level.*expected a number in \[0\.5, 0\.999\]/);
  });
});

const ADMIN_URL = process.env.MEMABRA_TEST_PG_URL ?? '';
const admin = new pg.Pool({ connectionString: ADMIN_URL || 'postgres://missing', max: 2 });
afterAll(() => admin.end());

describe('a registered suite on a PostgreSQL log', () => {
  it('is embedded in its event, and one too large for an event is refused with what to do instead', async () => {
    const name = `memabra_bench_${process.pid}_${Date.now()}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    const at = ['--store', url.toString()];
    const dir = tempDir();
    const small = join(dir, 'small.json');
    writeFileSync(small, JSON.stringify(smallSuite(150)));
    json(['init'], at);
    expect(json(['benchmark', 'use', small], at)).toMatchObject({ storage: 'embedded', benchmark: { taskCount: 150 } });
    json(['record', '-'], at, jsonl(0, 300));
    expect(json(['cycle', '--dry-run'], at)).toMatchObject({ evidence: { type: 'suite', source: 'registered', benchmark: { taskCount: 150 } } });
    const large = join(dir, 'large.json');
    writeFileSync(large, JSON.stringify(smallSuite(1500)));
    const refused = runCli([...at, 'benchmark', 'use', large]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /a PostgreSQL log embeds a registered suite in its event, which holds at most 1 MiB; register a smaller suite, or pass this one to each cycle with --benchmark FILE; nothing was appended/,
    );
    expect(json(['status'], at).latestReport).toMatchObject({ dryRun: true });
    expect(json(['history'], at).events.filter((e: { type: string }) => e.type === 'BenchmarkRegistered')).toHaveLength(1);
  });
});
