import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { tempDir, trajectoryInput } from '../../support/fixtures.js';

/** A log of init (seq 1) and five trajectories (seq 2-6), the last two of the same request. */
function smallLog(): string {
  const dir = tempDir();
  expect(runCli(['--dir', dir, 'init']).code).toBe(0);
  const inputs = ['first', 'second', 'third', 'text my mom', 'Text my mom!'];
  const lines = inputs.map((input, i) =>
    JSON.stringify(trajectoryInput({ task: { input }, outcome: { reward: i === 4 ? 1 : 0.5, error: null, latencyMs: 100 } })),
  );
  expect(runCli(['--dir', dir, 'record', '-'], { input: lines.join('\n') }).code).toBe(0);
  return dir;
}

const json = (dir: string, ...args: string[]) => {
  const result = runCli(['--dir', dir, ...args, '--json']);
  return { code: result.code, value: JSON.parse(result.stdout) };
};

/** Bad usage: exit 2, one line on stderr naming the problem, nothing on stdout, no stack. */
function expectUsageError(result: ReturnType<typeof runCli>, message: RegExp): void {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(message);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
}

describe('memabra history: --limit, --type, --as-of', () => {
  /** The refusals below change nothing, so they share one log. */
  let refusing: string | undefined;
  it('given a log, when asked for the last N events of a type, then it shows those, oldest first, and counts the rest', () => {
    const dir = smallLog();
    expect(json(dir, 'history', '--type', 'TrajectoryRecorded', '--limit', '2').value).toMatchObject({ events: [{ seq: 5 }, { seq: 6 }], omitted: 3 });
    expect(json(dir, 'history', '--type', 'RouterRegistered').value).toMatchObject({ events: [{ seq: 1, type: 'RouterRegistered' }], omitted: 0 });
    expect(json(dir, 'history', '--type', 'RouterRegistered,TrajectoryRecorded', '--limit', '1').value.events.map((e: { seq: number }) => e.seq)).toEqual([6]);
    expect(json(dir, 'history', '--type', 'RouterRegistered', '--type', 'TrajectoryRecorded').value.events).toHaveLength(6);
    const human = runCli(['--dir', dir, 'history', '--limit', '1']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^\s+6 .*TrajectoryRecorded/m);
    expect(human.stdout).not.toMatch(/^\s+5 /m);
    expect(human.stdout).toMatch(/^\(5 earlier events not shown: --limit 1\)$/m);
    expect(runCli(['--dir', dir, 'history', '--type', 'TrajectoryRecorded', '--limit', '4']).stdout).toMatch(/^\(1 earlier event not shown: --limit 4\)$/m);
  });

  it('with --as-of, cuts the trail at a seq or a time, and says what the state was, in the singular where it is one', () => {
    const dir = smallLog();
    expect(json(dir, 'history', '--as-of', '3', '--limit', '1').value).toMatchObject({
      events: [{ seq: 3 }],
      omitted: 2,
      asOf: { seq: 3 },
      state: { trajectoryCount: 2 },
    });
    expect(json(dir, 'history', '--as-of', '0').value).toMatchObject({ events: [], state: { lastSeq: 0 } });
    expect(json(dir, 'history', '--as-of', '2024-02-29').value).toMatchObject({ events: [], asOf: { time: '2024-02-29T00:00:00.000Z' } });
    expect(json(dir, 'history', '--as-of', '2999-01-01T00:00:00Z').value.events).toHaveLength(6);
    expect(runCli(['--dir', dir, 'history', '--as-of', '2']).stdout).toMatch(/^As of seq 2: active v1 \(\w+\), 1 version, 1 trajectory, 0 reports$/m);
  });

  it.each([
    ['a seq past the head', ['--as-of', '7'], /^memabra: --as-of 7 is past the end of the log, whose last seq is 6\n$/],
    ['a date no calendar has', ['--as-of', '2026-02-30'], /^memabra: --as-of "2026-02-30": 2026-02-30 is not a date in the calendar\n$/],
    ['a time on such a date', ['--as-of', '2025-02-29T10:00:00Z'], /^memabra: --as-of "2025-02-29T10:00:00Z": 2025-02-29 is not a date in the calendar\n$/],
    [
      'an hour that does not exist',
      ['--as-of', '2026-03-01T25:00:00Z'],
      /^memabra: --as-of "2026-03-01T25:00:00Z" is not an ISO time \(such as 2026-11-25T10:00:00Z or 2026-11-25T10:00:00\+01:00\)\n$/,
    ],
    ['words', ['--as-of', 'yesterday'], /^memabra: --as-of takes a seq number or an ISO time/],
    [
      'an event type that does not exist',
      ['--type', 'TrajectoryRecorded,Nope,Nah'],
      /^memabra: unknown event types "Nope", "Nah"; the types are RouterRegistered, (\w+, )*TrajectoryRecorded, /,
    ],
    ['a limit of 0', ['--limit', '0'], /argument '0' is invalid/],
  ])('refuses %s with exit 2 and one line', (_, args, message) => {
    const dir = (refusing ??= smallLog());
    const result = runCli(['--dir', dir, 'history', ...args]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });
});

describe('memabra --store', () => {
  it('given a URL scheme it does not know, then exit 2 with one line, and no directory is created', () => {
    const cwd = tempDir();
    for (const store of ['mysql://user:secret@db.example/memabra', 'redis://x', 'S3://bucket/log']) {
      const result = runCli(['--store', store, 'init'], { cwd });
      expectUsageError(result, /^memabra: unknown store "(mysql|redis|S3):\/\/\.\.\.": a store is a directory, a file:\/\/ URL, or a postgres:\/\/ URL\n$/);
      expect(result.stderr).not.toMatch(/secret/);
    }
    expect(readdirSync(cwd)).toEqual([]);
    expect(runCli(['--store', `file://${cwd}/log`, 'init'], { cwd }).code).toBe(0);
    expect(readdirSync(cwd)).toEqual(['log']);
  });
});

describe('memabra cases: list, and lookup with the same exit code in both modes', () => {
  it('lists the cases oldest first, one per normalised request, and cuts to the last N', () => {
    const dir = smallLog();
    const all = json(dir, 'cases', 'list').value;
    expect(all.total).toBe(4);
    expect(all.cases.map((c: { key: string }) => c.key)).toEqual(['first', 'second', 'third', 'text my mom']);
    // The better of the two same requests is the case.
    expect(all.cases[3]).toMatchObject({ reward: 1, seq: 6, route: 'composite' });
    expect(json(dir, 'cases', 'list', '--limit', '1').value).toEqual({ cases: [all.cases[3]], total: 4 });
    const human = runCli(['--dir', dir, 'cases', 'list', '--limit', '2']);
    expect(human.stdout).toMatch(/composite\s+1\.000\s+100\s+\w{26}\s+text my mom$/m);
    expect(human.stdout).toMatch(/^4 cases, the last 2 shown$/m);
  });

  it('exits 1 when there is no case and 0 when there is one, with or without --json', () => {
    const dir = smallLog();
    for (const extra of [[], ['--json']]) {
      const missing = runCli(['--dir', dir, 'cases', 'lookup', 'never', 'asked', ...extra]);
      expect(missing.code).toBe(1);
      expect(missing.stdout).toMatch(/never asked/);
      expect(runCli(['--dir', dir, 'cases', 'lookup', 'TEXT my mom', ...extra]).code).toBe(0);
    }
    expect(JSON.parse(runCli(['--dir', dir, 'cases', 'lookup', 'never', '--json']).stdout)).toEqual({ key: 'never', entry: null });
  });
});

describe('human output counts in the right number', () => {
  it('says "1 event", "1 version", "1 case", never "1 events"', () => {
    const dir = tempDir();
    expect(runCli(['--dir', dir, 'init']).code).toBe(0);
    expect(runCli(['--dir', dir, 'verify']).stdout).toMatch(/^ok: 1 event, last seq 1/);
    expect(runCli(['--dir', dir, 'record', '-'], { input: JSON.stringify(trajectoryInput()) }).code).toBe(0);
    expect(runCli(['--dir', dir, 'verify']).stdout).toMatch(/^ok: 2 events, last seq 2/);
    expect(runCli(['--dir', dir, 'cases', 'list']).stdout).toMatch(/^1 case$/m);
    expect(runCli(['--dir', dir, 'cases', 'rebuild']).stdout).toMatch(/from 2 events: 1 case; identical/);
    expect(runCli(['--dir', dir, 'history', '--as-of', '1']).stdout).toMatch(/1 version, 0 trajectories, 0 reports$/m);
    for (const args of [['status'], ['history'], ['history', '--as-of', '2'], ['verify'], ['cases', 'list'], ['cases', 'rebuild']]) {
      expect(runCli(['--dir', dir, ...args]).stdout, args.join(' ')).not.toMatch(/\b1 (events|versions|trajectories|reports|cases|decisions|tasks)\b/);
    }
  });
});
