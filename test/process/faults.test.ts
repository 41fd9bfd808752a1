import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeEnvelope } from '../../src/infra/store/lineCodec.js';
import { lineHash } from '../../src/infra/store/hashChain.js';
import { BIN, exited, runCli, startCli } from '../support/cli.js';
import { tempDir, trajectoryInput } from '../support/fixtures.js';
import { baselineVersion, simulatedTrajectories, smallSuite } from '../support/learningFixtures.js';

const logOf = (dir: string) => readFileSync(join(dir, 'events.jsonl'));

describe('faults, with real processes', () => {
  it('a file-size limit reached mid-append: a clear error, the log intact, and writable again once there is room', () => {
    const dir = tempDir();
    expect(runCli(['--dir', dir, 'init']).code).toBe(0);
    const before = logOf(dir);
    const big = join(dir, 'big.jsonl');
    writeFileSync(big, Array.from({ length: 3000 }, (_, i) => JSON.stringify(trajectoryInput({ task: { input: `limit ${i}` } }))).join('\n'));
    // ulimit -f counts 1024-byte blocks: room for the log as it is, not for the batch.
    const limited = spawnSync('bash', ['-c', `ulimit -f 64; exec "${process.execPath}" "${BIN}" --dir "${dir}" record "${big}"`], { encoding: 'utf8' });
    expect(limited.status).toBe(1);
    expect(limited.stderr).toMatch(
      /^memabra: could not append to .*: the file-size limit was reached; nothing of this batch was kept, the log up to seq 1 is intact\n$/,
    );
    expect(logOf(dir)).toEqual(before);
    expect(runCli(['--dir', dir, 'record', big]).code).toBe(0);
    expect(JSON.parse(runCli(['--dir', dir, 'verify', '--json']).stdout)).toMatchObject({ ok: true, events: 3001 });
  });

  it('a fuzzed corpus of bad input: exit 2 with one line naming the problem, nothing appended, no stack trace', () => {
    const dir = tempDir();
    expect(runCli(['--dir', dir, 'init']).code).toBe(0);
    const before = logOf(dir);
    const valid = JSON.stringify(trajectoryInput());
    const badInput = fc.oneof(
      fc.json().filter((text) => !text.trim().startsWith('{') && !text.trim().startsWith('[')),
      fc.anything().map((value) => JSON.stringify({ ...trajectoryInput(), outcome: value }) ?? '{}'),
      fc.constantFrom(
        '',
        '   \n\n',
        valid.replace('"reward":1', '"reward":NaN'),
        valid.replace('"reward":1', '"reward":1e999'),
        valid.replace('"latencyMs":1240', '"latencyMs":-Infinity'),
        valid.replace('"reward":1', '"reward":"1"'),
        valid.replace('{', '{"__proto__":{"polluted":true},'),
        valid.replace('"task":{', '"task":{"constructor":{"prototype":{}},'),
        `${valid}\n${valid.slice(0, 40)}`,
        `[${valid},{"task":null}]`,
      ),
      fc
        .string({ minLength: 1, maxLength: 200 })
        .map((s) => `${valid}\n${s}`)
        .filter((text) => text.split('\n')[1]!.trim() !== ''),
    );
    fc.assert(
      fc.property(badInput, (text) => {
        const result = runCli(['--dir', dir, 'record', '-'], { input: text });
        expect(result.code).toBe(2);
        expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
        expect(result.stderr).toMatch(/^memabra: /);
        expect(result.stderr).not.toMatch(/\n\s+at |internal error/);
        expect(logOf(dir)).toEqual(before);
      }),
      { numRuns: 25, seed: 7 },
    );
    const bytes = (buffer: Buffer) => {
      const file = join(dir, 'input.bin');
      writeFileSync(file, buffer);
      return runCli(['--dir', dir, 'record', file]);
    };
    const invalidUtf8 = bytes(Buffer.concat([Buffer.from('{"task":{"input":"'), Buffer.from([0xff, 0xfe]), Buffer.from(valid.slice(valid.indexOf('"}')))]));
    expect(invalidUtf8).toMatchObject({ code: 2, stderr: expect.stringMatching(/is not valid UTF-8 text\n$/) });
    const hugeString = bytes(Buffer.from(JSON.stringify(trajectoryInput({ task: { input: 'x'.repeat(10 * 1024 * 1024) } }))));
    expect(hugeString).toMatchObject({ code: 2, stderr: expect.stringMatching(/over the 1048576-byte limit per event; nothing was appended\n$/) });
    const hugeGarbage = bytes(Buffer.alloc(10 * 1024 * 1024, 'a'));
    expect(hugeGarbage).toMatchObject({ code: 2, stderr: expect.stringMatching(/^memabra: line 1: not valid JSON/) });
    expect(bytes(Buffer.alloc(0))).toMatchObject({ code: 2, stderr: 'memabra: no trajectory given: the input is empty\n' });
    expect(logOf(dir)).toEqual(before);
  });

  it('a log written by a newer memabra: a clear refusal, not a crash or a silent downgrade', () => {
    const dir = tempDir();
    expect(runCli(['--dir', dir, 'init']).code).toBe(0);
    const first = logOf(dir).toString('utf8').trimEnd();
    const future = encodeEnvelope({
      seq: 2,
      id: 'E2',
      type: 'CycleSkipped',
      v: 9,
      at: '2027-01-01T00:00:00.000Z',
      prev: lineHash(first),
      batchEnd: 2,
      data: { cycleId: 'c', newTrajectoryCount: 0, minNewTrajectories: 1 },
    });
    writeFileSync(join(dir, 'events.jsonl'), `${first}\n${future}\n`);
    for (const command of ['status', 'history', 'verify']) {
      const result = runCli(['--dir', dir, command]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/log line 2: CycleSkipped v9 was written by a newer memabra \(this one reads up to v2\); upgrade memabra to read this log/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    expect(runCli(['--dir', dir, 'record', '-'], { input: JSON.stringify(trajectoryInput()) }).code).toBe(1);
    expect(logOf(dir).toString('utf8')).toBe(`${first}\n${future}\n`);
  });

  it('writers and a cycle at once: nothing lost, nothing duplicated, the log verifies', async () => {
    const dir = tempDir();
    expect(runCli(['--dir', dir, 'init']).code).toBe(0);
    const benchmark = join(dir, 'bench.json');
    writeFileSync(benchmark, JSON.stringify(smallSuite(100)));
    const seed = join(dir, 'seed.jsonl');
    writeFileSync(
      seed,
      simulatedTrajectories(baselineVersion(), 0, 1500, 3)
        .map((t) => JSON.stringify(t))
        .join('\n'),
    );
    expect(runCli(['--dir', dir, 'record', seed]).code).toBe(0);
    const files = [0, 1, 2].map((w) => {
      const file = join(dir, `w${w}.jsonl`);
      writeFileSync(
        file,
        simulatedTrajectories(baselineVersion(), 2000 + w * 100, 100, w)
          .map((t) => JSON.stringify(t))
          .join('\n'),
      );
      return file;
    });
    const runs = await Promise.all([
      exited(startCli(['--dir', dir, 'cycle', '--benchmark', benchmark, '--min-new-trajectories', '1', '--json'])),
      ...files.map(async (file) => {
        const ids: string[] = [];
        for (let i = 0; i < 3; i++) {
          const result = await exited(startCli(['--dir', dir, 'record', file, '--json']));
          expect(result.code).toBe(0);
          ids.push(...JSON.parse(result.stdout).ids);
        }
        return ids;
      }),
    ]);
    const [cycle, ...writers] = runs as [Awaited<ReturnType<typeof exited>>, ...string[][]];
    expect(cycle.code).toBe(0);
    expect(['promoted', 'rejected']).toContain(JSON.parse(cycle.stdout).decision);
    const history = JSON.parse(runCli(['--dir', dir, 'history', '--json']).stdout).events as { type: string }[];
    expect(history.filter((e) => e.type === 'TrajectoryRecorded')).toHaveLength(1500 + writers.flat().length);
    expect(new Set(writers.flat()).size).toBe(900);
    expect(history.filter((e) => ['ChallengerPromoted', 'ChallengerRejected'].includes(e.type))).toHaveLength(1);
    expect(JSON.parse(runCli(['--dir', dir, 'verify', '--json']).stdout)).toMatchObject({ ok: true, tornTail: null });
  });
});
