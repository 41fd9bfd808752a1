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

  it('refuses a directory that already holds a log, and says what to do', () => {
    const dir = tempDir();
    runCli(['--dir', dir, 'init']);
    const result = runCli(['--dir', dir, 'demo']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^memabra: the demo needs an empty data directory, .* already holds 1 events; pass --dir with a new directory\n$/);
  });
});
