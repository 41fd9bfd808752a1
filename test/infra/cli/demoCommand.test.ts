import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { tempDir } from '../../support/fixtures.js';

describe('memabra demo', () => {
  it('on a fresh directory, seeds through route and record, dry-runs, then promotes a challenger that passes every gate', () => {
    const dir = tempDir();
    const result = runCli(['--dir', dir, 'demo', '--json']);
    expect(result.code).toBe(0);
    const demo = JSON.parse(result.stdout);
    expect(demo.seeded).toBe(15_100);
    expect(demo.dryRun).toMatchObject({ decision: 'rejected', dryRun: true, wouldPromote: true });
    expect(demo.cycle).toMatchObject({ decision: 'promoted', dryRun: false });
    expect(demo.cycle.reasons.every((gate: { passed: boolean }) => gate.passed)).toBe(true);
    expect(demo.cycle.paired.lower).toBeGreaterThan(0.01);
    expect(demo.status).toMatchObject({ trajectoryCount: 15_100, versionCount: 3, active: { label: 'v3', kind: 'learned' } });
    // Recorded through the real path: every trajectory carries the baseline's decision and propensity.
    const versions = JSON.parse(runCli(['--dir', dir, 'versions', '--json']).stdout);
    expect(versions[0]).toMatchObject({ label: 'v1', live: { count: 15_100 } });
  });

  it('with --rounds, plays the agent loop: each round routes and records its share of the requests, then a real cycle decides', () => {
    const dir = tempDir();
    const result = runCli(['--dir', dir, 'demo', '--rounds', '3', '--limit', '3000', '--json']);
    expect(result.code).toBe(0);
    const demo = JSON.parse(result.stdout);
    expect(demo.dryRun).toBeNull();
    expect(demo.rounds.map((round: { trajectories: number }) => round.trajectories)).toEqual([1000, 2000, 3000]);
    const reports = JSON.parse(runCli(['--dir', dir, 'reports', '--json']).stdout);
    expect(reports.map((report: { dryRun: boolean; decision: string }) => [report.dryRun, report.decision])).toEqual(
      demo.rounds.map((round: { decision: string }) => [false, round.decision]),
    );
    expect(demo.cycle.cycleId).toBe(reports.at(-1).cycleId);
    // Each round's active router is the one its cycle left active, with that router's benchmark score.
    for (const round of demo.rounds) {
      const report = reports[round.round - 1];
      expect(round.activeVersionId).toBe(report.promotedVersionId ?? report.baselineVersionId);
      expect(round.activeReward).toBe(report.promotedVersionId ? report.challengerMeanReward : report.baselineMeanReward);
    }
    expect(demo.status).toMatchObject({ trajectoryCount: 3000, reportCount: 3, versionCount: 4 });
  });

  it('refuses a directory that already holds a log, and says what to do', () => {
    const dir = tempDir();
    runCli(['--dir', dir, 'init']);
    const result = runCli(['--dir', dir, 'demo']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^memabra: the demo needs an empty data directory, .* already holds 1 event; pass --dir with a new directory\n$/);
  });
});
