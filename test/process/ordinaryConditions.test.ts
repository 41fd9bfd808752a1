import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runCli, type CliResult } from '../support/cli.js';
import { tempDir, trajectoryInput } from '../support/fixtures.js';

/** Exactly one line on stderr, naming the problem: no stack trace, no "internal error". */
function expectOneLine(result: CliResult, code: number, pattern: RegExp): void {
  expect(result.stderr.trimEnd().split('\n'), result.stderr).toHaveLength(1);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(/internal error|\n\s+at |Error:/);
  expect(result.code, result.stderr).toBe(code);
}

/**
 * The CLI as an unprivileged user. The tests run as root, for whom permission bits do not apply, so the
 * child drops to `nobody` (uid 65534) through spawn's uid option; as any other user it runs as that user.
 */
function runUnprivileged(args: readonly string[]): CliResult {
  const asRoot = process.getuid?.() === 0;
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, MEMABRA_DIR: '', MEMABRA_STORE: '' },
    ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A data directory with a log in it, under a parent any user may enter. */
function initialisedDir(): string {
  const parent = tempDir();
  chmodSync(parent, 0o755);
  const dir = join(parent, 'data');
  expect(runCli(['--dir', dir, 'init']).code).toBe(0);
  return dir;
}

describe('a data directory memabra cannot read', () => {
  it('is never an empty, healthy log: with no permission, status and verify fail with one line, exit 1', () => {
    const dir = initialisedDir();
    chmodSync(dir, 0o000);
    try {
      for (const command of ['status', 'verify', 'history', 'versions']) {
        const result = runUnprivileged(['--dir', dir, command]);
        expectOneLine(result, 1, /permission denied/);
        expect(result.stdout).toBe('');
      }
      expectOneLine(runUnprivileged(['--dir', dir, 'verify', '--json']), 1, /permission denied/);
    } finally {
      chmodSync(dir, 0o755);
    }
    // The check is real: the same user reads the same directory once it may.
    chmodSync(dir, 0o755);
    chmodSync(join(dir, 'events.jsonl'), 0o644);
    expect(runUnprivileged(['--dir', dir, 'verify']).stdout).toMatch(/^ok: 1 event, /);
  });

  it('that is a file, or /dev/null, fails status, verify and init with one line naming it', () => {
    const file = join(tempDir(), 'not-a-dir');
    writeFileSync(file, 'hello');
    for (const dir of [file, '/dev/null']) {
      for (const command of ['status', 'verify', 'init']) {
        const result = runCli(['--dir', dir, command]);
        expectOneLine(result, 1, new RegExp(`${dir.replace(/[/.]/g, '\\$&')} is not a directory`));
        expect(result.stdout).toBe('');
      }
    }
  });

  it('whose log is a directory, whose path is too long, or that does not exist: one line each, and verify never says ok', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'events.jsonl'));
    expectOneLine(runCli(['--dir', dir, 'status']), 1, /events\.jsonl is not a regular file/);
    expectOneLine(runCli(['--dir', dir, 'verify']), 1, /events\.jsonl is not a regular file/);
    expectOneLine(runCli(['--dir', dir, 'init']), 1, /events\.jsonl is not a regular file/);

    const long = join(tempDir(), 'x'.repeat(300));
    expectOneLine(runCli(['--dir', long, 'status']), 1, /name is too long/);
    expectOneLine(runCli(['--dir', long, 'init']), 1, /name is too long/);

    const missing = join(tempDir(), 'never-created');
    expectOneLine(runCli(['--dir', missing, 'verify']), 1, /there is no log at .*never-created/);
    expectOneLine(runCli(['--dir', missing, 'record', join(missing, 'input.json')]), 2, /cannot read .*input\.json: no such file/);
  });
});

describe('input that would overflow the stack', () => {
  it('metadata nested 10,000 levels deep is bad input (exit 2, the depth limit named) and nothing is appended', () => {
    const dir = initialisedDir();
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const input = JSON.stringify({ ...trajectoryInput(), task: { input: 'x', metadata: '@' } }).replace('"@"', deep);
    expectOneLine(runCli(['--dir', dir, 'record', '-'], { input }), 2, /field "task\.metadata": must be nested at most 64 levels deep/);
    expect(JSON.parse(runCli(['--dir', dir, 'status', '--json']).stdout)).toMatchObject({ lastSeq: 1, trajectoryCount: 0 });
    const routed = runCli(['--dir', dir, 'route', '-'], {
      input: JSON.stringify({ input: 'x', candidates: [] }).replace(
        '"candidates":[]',
        `"candidates":[{"id":"m","kind":"memory","name":"m","metadata":${deep}}]`,
      ),
    });
    expectOneLine(routed, 2, /must be nested at most 64 levels deep/);
  });
});

describe('standard output or error that fails', () => {
  it('record > /dev/full: the write stands, exit 1, and one line says it was committed; a retry with the same id is refused', () => {
    const dir = initialisedDir();
    const trajectory = { ...trajectoryInput(), id: '01JDX0000000000000000000AA' };
    const result = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" --dir "${dir}" record - > /dev/full`], {
      input: JSON.stringify(trajectory),
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    // The write to a file fails after `record` has said what it recorded; the last line says what stands.
    expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe(
      'memabra: the log was written (seq 2-2) and stays written, but then: could not write to standard output: the disk is full (ENOSPC)',
    );
    expect(JSON.parse(runCli(['--dir', dir, 'status', '--json']).stdout)).toMatchObject({ lastSeq: 2, trajectoryCount: 1 });
    const retry = runCli(['--dir', dir, 'record', '-'], { input: JSON.stringify(trajectory) });
    expect(retry.code).toBe(2);
    expect(retry.stderr).toMatch(/01JDX0000000000000000000AA/);
  });

  it('a read-only command > /dev/full exits 1 with one line; 2> /dev/full still gives the exit code', () => {
    const dir = initialisedDir();
    const shell = (redirect: string, command: string) =>
      spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" --dir "${dir}" ${command} ${redirect}`], { encoding: 'utf8' });
    const history = shell('> /dev/full', 'history');
    expect(history.status).toBe(1);
    expect(history.stderr).toBe('memabra: could not write to standard output: the disk is full (ENOSPC)\n');
    const failing = shell('2> /dev/full', 'rollback v9');
    expect(failing.status).toBe(1);
    expect(shell('2> /dev/full', 'status').status).toBe(0);
  });
});

describe('input that used to be accepted', () => {
  it('a recordedAt of year 0000 or 9999, an id over 128 bits, or two candidates with one id: exit 2, the field named, nothing appended', () => {
    const dir = initialisedDir();
    const cases: [object, RegExp][] = [
      [{ ...trajectoryInput(), recordedAt: '0000-01-01T00:00:00Z' }, /field "recordedAt": must be a time from 1970 to 2099/],
      [{ ...trajectoryInput(), recordedAt: '9999-12-31T23:59:59Z' }, /field "recordedAt": must be a time from 1970 to 2099/],
      [{ ...trajectoryInput(), id: '8ZZZZZZZZZZZZZZZZZZZZZZZZZ' }, /field "id": must be a ULID/],
      [
        { ...trajectoryInput(), candidates: [trajectoryInput().candidates[0], trajectoryInput().candidates[0]] },
        /field "candidates\.1\.id": duplicate candidate id "sms\.send"/,
      ],
    ];
    for (const [input, message] of cases) expectOneLine(runCli(['--dir', dir, 'record', '-'], { input: JSON.stringify(input) }), 2, message);
    const dup = { input: 'x', candidates: [trajectoryInput().candidates[0], trajectoryInput().candidates[0]] };
    expectOneLine(runCli(['--dir', dir, 'route', '-'], { input: JSON.stringify(dup) }), 2, /duplicate candidate id "sms\.send"/);
    expect(JSON.parse(runCli(['--dir', dir, 'status', '--json']).stdout)).toMatchObject({ lastSeq: 1, trajectoryCount: 0 });
    // The bounds are not too tight: the largest ULID and the edges of the years are accepted.
    const edge = { ...trajectoryInput(), id: '7ZZZZZZZZZZZZZZZZZZZZZZZZZ', recordedAt: '2099-12-31T23:59:59.999Z' };
    expect(runCli(['--dir', dir, 'record', '-'], { input: JSON.stringify(edge) }).code).toBe(0);
  });
});
