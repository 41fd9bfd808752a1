import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { tempDir, trajectoryInput } from '../../support/fixtures.js';

describe('memabra CLI (init, record, status, versions, history, verify, rollback)', () => {
  it('walks a new user through the first steps, with --json everywhere', () => {
    const dir = tempDir();
    const init = runCli(['--dir', dir, 'init', '--json']);
    expect(init.code).toBe(0);
    const { version } = JSON.parse(init.stdout);
    expect(version).toMatchObject({ kind: 'baseline', label: 'v1', explorationRate: 0.1, runnerUpShare: 1 });
    const said = (args: string[]) => runCli(['--dir', tempDir(), 'init', ...args]).stdout.split('\n')[1];
    expect(said([])).toMatch(/^Active router: v1 \(baseline, exploration 0\.1, all of it on the runner-up\) /);
    expect(said(['--runner-up-share', '0.5'])).toMatch(/exploration 0\.1, 0\.5 of it on the runner-up\)/);
    expect(said(['--runner-up-share', '0'])).toMatch(/exploration 0\.1, uniform\)/);

    const record = runCli(['--dir', dir, 'record', '-', '--json'], { input: [trajectoryInput(), trajectoryInput()].map((t) => JSON.stringify(t)).join('\n') });
    expect(record.code).toBe(0);
    expect(JSON.parse(record.stdout).ids).toHaveLength(2);

    const status = JSON.parse(runCli(['--dir', dir, 'status', '--json']).stdout);
    expect(status).toMatchObject({ initialised: true, versionCount: 1, trajectoryCount: 2, reportCount: 0, caseCount: 1, active: { id: version.id } });

    const versions = JSON.parse(runCli(['--dir', dir, 'versions', '--json']).stdout);
    expect(versions).toEqual([expect.objectContaining({ id: version.id, active: true, live: { count: 0, logged: 0, meanReward: null, errorRate: null } })]);

    const history = JSON.parse(runCli(['--dir', dir, 'history', '--json']).stdout);
    expect(history.events.map((e: { type: string }) => e.type)).toEqual(['RouterRegistered', 'TrajectoryRecorded', 'TrajectoryRecorded']);
    const asOf = JSON.parse(runCli(['--dir', dir, 'history', '--as-of', '1', '--json']).stdout);
    expect(asOf.state).toMatchObject({ trajectoryCount: 0, lastSeq: 1 });
    expect(asOf.events).toHaveLength(1);

    expect(JSON.parse(runCli(['--dir', dir, 'verify', '--json']).stdout)).toMatchObject({ ok: true, events: 3, lastSeq: 3 });
    const human = runCli(['--dir', dir, 'status']);
    expect(human.stdout).toMatch(/Active router\s+v1 \(baseline\)/);
  });

  it('on a log with no router yet, a command that names a version says to run init', () => {
    const dir = tempDir();
    for (const args of [
      ['evaluate', '--version', 'v1'],
      ['rollback', 'v1'],
    ]) {
      const result = runCli(['--dir', dir, ...args]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe('memabra: no router is registered yet: run `memabra init` first\n');
    }
  });

  it.each([
    [
      'a bad trajectory',
      ['record', '-'],
      '{"task":{"input":"x"},"candidates":[],"decision":{"route":"tool","selected":[]},"outcome":{"reward":3,"latencyMs":1}}',
      2,
      /^memabra: line 1: field "outcome.reward": must be in \[0, 1\]\n$/,
    ],
    ['an unknown option', ['status', '--colour'], '', 2, /unknown option '--colour'/],
    ['a missing file', ['record', '/nonexistent.jsonl'], '', 2, /^memabra: cannot read \/nonexistent.jsonl: no such file\n$/],
    ['a missing version', ['rollback', 'v7'], '', 1, /^memabra: router version "v7" does not exist/],
    ['a second init', ['init'], '', 1, /^memabra: already initialised/],
    ['a bad --as-of', ['history', '--as-of', 'yesterday'], '', 2, /^memabra: --as-of takes a seq number or an ISO time/],
  ])('rejects %s with one line and the right exit code, appending nothing', (_, args, input, code, message) => {
    const dir = tempDir();
    runCli(['--dir', dir, 'init']);
    const before = runCli(['--dir', dir, 'verify', '--json']).stdout;
    const result = runCli(['--dir', dir, ...args], { input });
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(runCli(['--dir', dir, 'verify', '--json']).stdout).toBe(before);
  });

  it('refuses to record before init, pointing at init', () => {
    const result = runCli(['--dir', tempDir(), 'record', '-'], { input: JSON.stringify(trajectoryInput()) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/run `memabra init` first/);
  });

  it('takes --dir before or after the command, and leaves evaluate --version to mean a router version', () => {
    const dir = tempDir();
    expect(runCli(['init', '--dir', dir]).code).toBe(0);
    expect(JSON.parse(runCli(['--dir', dir, 'status', '--json']).stdout).initialised).toBe(true);
    expect(JSON.parse(runCli(['status', '--json', '--dir', dir]).stdout).initialised).toBe(true);
    expect(JSON.parse(runCli(['--dir', dir, 'evaluate', '--version', 'v1', '--json']).stdout)).toMatchObject({ label: 'v1' });
  });

  it('uses $MEMABRA_DIR when --dir is absent', () => {
    const dir = tempDir();
    expect(runCli(['init'], { env: { MEMABRA_DIR: dir } }).code).toBe(0);
    expect(JSON.parse(runCli(['--dir', dir, 'status', '--json']).stdout).initialised).toBe(true);
  });
});

describe('memabra --version and --help', () => {
  it('print the package version and the commands, exit 0', () => {
    const version = runCli(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: `${JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')).version}\n` });
    const help = runCli(['--help']);
    expect(help.code).toBe(0);
    for (const command of [
      'init',
      'record',
      'route',
      'evaluate',
      'cycle',
      'status',
      'versions',
      'rollback',
      'reports',
      'history',
      'cases',
      'verify',
      'demo',
      'report',
      'mcp',
    ]) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
  });
});
