import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeEnvelope, decodeLine } from '../../src/infra/store/lineCodec.js';
import { lineHash } from '../../src/infra/store/hashChain.js';
import { decodeSnapshot, encodeSnapshot } from '../../src/infra/store/snapshotCodec.js';
import { BIN, cliLogWith, runCli, sampleTrajectory } from '../support/cli.js';
import { tempDir } from '../support/fixtures.js';

let client: Client | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
});

const logOf = (dir: string) => join(dir, 'events.jsonl');

/** Changes one character of line `lineNo`'s event id, keeping every offset: a flipped byte on disk. */
function flipByteInLine(dir: string, lineNo: number): void {
  const text = readFileSync(logOf(dir), 'utf8');
  let start = 0;
  for (let n = 1; n < lineNo; n++) start = text.indexOf('\n', start) + 1;
  const at = text.indexOf('"id":"', start) + '"id":"'.length;
  writeFileSync(logOf(dir), `${text.slice(0, at)}${text[at] === 'Z' ? 'Y' : 'Z'}${text.slice(at + 1)}`);
}

function record(dir: string, inputs: readonly string[]): void {
  const result = runCli(['--dir', dir, 'record', '-'], { input: inputs.map((input) => JSON.stringify(sampleTrajectory(input))).join('\n') });
  expect(result.code, result.stderr).toBe(0);
}

/** 10,001 events and the snapshot a command writes after folding them, then `more` events after it. */
function logWithSnapshot(more: number): string {
  const dir = cliLogWith(10_000, tempDir());
  expect(runCli(['--dir', dir, 'status']).code).toBe(0);
  expect(readdirSync(join(dir, 'snapshots'))).toEqual(['state-000000010001.snap']);
  if (more)
    record(
      dir,
      Array.from({ length: more }, (_, i) => `after the snapshot ${i}`),
    );
  return dir;
}

describe('a damaged log', () => {
  it('is reported with the real line number in the file when the bad line is after the newest snapshot, by the CLI and by a running MCP server', async () => {
    const dir = logWithSnapshot(5); // seq 10,002-10,006 after the snapshot at 10,001
    client = new Client({ name: 'damage-probe', version: '1.0.0' });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, '--dir', dir, 'mcp'], stderr: 'pipe' }));
    const status = await client.callTool({ name: 'status', arguments: {} });
    expect(status.structuredContent).toMatchObject({ result: { lastSeq: 10_006 } });

    // The server has read up to 10,006; the next call reads on from there.
    record(dir, ['one', 'two', 'three', 'four', 'five']); // seq 10,007-10,011
    flipByteInLine(dir, 10_009);
    const cli = runCli(['--dir', dir, 'status']);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/^memabra: log line 10009 is corrupt: /);
    const served = await client.callTool({ name: 'status', arguments: {} });
    expect(served).toMatchObject({ isError: true, content: [{ text: expect.stringMatching(/^log line 10009 is corrupt: /) }] });
  });

  it("inside the newest snapshot's range: readers answer from the snapshot (the documented trust), verify names the line and fails", () => {
    const dir = logWithSnapshot(0);
    flipByteInLine(dir, 42);
    expect(JSON.parse(runCli(['--dir', dir, 'status', '--json']).stdout)).toMatchObject({ lastSeq: 10_001 });
    const verify = runCli(['--dir', dir, 'verify']);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toMatch(/^memabra: log line 42 is corrupt: /);
    // Without the snapshot every command reads the whole log, and stops at the same line.
    rmSync(join(dir, 'snapshots'), { recursive: true });
    const status = runCli(['--dir', dir, 'status']);
    expect(status.code).toBe(1);
    expect(status.stderr).toMatch(/^memabra: log line 42 is corrupt: /);
    expect(runCli(['--dir', dir, 'record', '-'], { input: JSON.stringify(sampleTrajectory('after damage')) }).code).toBe(1);
  });

  it('with a forged snapshot (state changed, checksum recomputed): verify is not ok until the snapshot is gone', () => {
    const dir = logWithSnapshot(0);
    const ok = JSON.parse(runCli(['--dir', dir, 'verify', '--json']).stdout);
    expect(ok).toMatchObject({ ok: true, snapshot: { seq: 10_001, status: 'matches' } });

    const file = join(dir, 'snapshots', 'state-000000010001.snap');
    const snapshot = decodeSnapshot(readFileSync(file))!;
    const state = snapshot.state as { trajectories: { count: number } };
    writeFileSync(file, encodeSnapshot({ ...snapshot, state: { ...state, trajectories: { ...state.trajectories, count: 5 } } }));
    // A reader trusts a snapshot whose stamped line is in the log (docs/architecture.md, the trust boundary)...
    expect(JSON.parse(runCli(['--dir', dir, 'status', '--json']).stdout)).toMatchObject({ trajectoryCount: 5 });
    // ...and verify, which checks everything an answer can come from, says it does not match.
    const forged = runCli(['--dir', dir, 'verify']);
    expect(forged.code).toBe(1);
    expect(forged.stderr).toMatch(/^memabra: the newest snapshot \(seq 10001\) does not match the log up to seq 10001/);

    rmSync(join(dir, 'snapshots'), { recursive: true });
    expect(JSON.parse(runCli(['--dir', dir, 'status', '--json']).stdout)).toMatchObject({ trajectoryCount: 10_000 });
    expect(runCli(['--dir', dir, 'verify']).code).toBe(0);
  });

  it('whose `at` goes back in time, with seals and chain intact, fails verify with the line named', () => {
    const dir = cliLogWith(3, tempDir()); // seq 1 (init), 2-4 (one append)
    expect(runCli(['--dir', dir, 'verify']).code).toBe(0);
    // Re-encode from line 2 on with line 3 stamped a day before line 2, re-sealing and re-chaining: only `at` is wrong.
    const lines = readFileSync(logOf(dir), 'utf8').trimEnd().split('\n');
    let prev = lineHash(Buffer.from(lines[0]!));
    const rewritten = [lines[0]!];
    for (const [index, line] of lines.slice(1).entries()) {
      const decoded = decodeLine(Buffer.from(line));
      if (!decoded.ok) throw new Error(decoded.error.message);
      const at = index === 1 ? new Date(Date.parse(decoded.envelope.at) - 86_400_000).toISOString() : decoded.envelope.at;
      const encoded = encodeEnvelope({ ...decoded.envelope, at, prev });
      rewritten.push(encoded);
      prev = lineHash(Buffer.from(encoded));
    }
    writeFileSync(logOf(dir), `${rewritten.join('\n')}\n`);
    const verify = runCli(['--dir', dir, 'verify']);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toMatch(/^memabra: log line 3 is corrupt: at \S+ is before the \S+ of the line before it/);
  });
});
