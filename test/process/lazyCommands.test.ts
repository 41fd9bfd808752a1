import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { foldFrom } from '../../src/infra/app/foldedState.js';
import { saveSnapshot } from '../../src/infra/app/snapshotSchedule.js';
import { LOG_FILE, openJsonlStore } from '../../src/infra/store/jsonlEventStore.js';
import { decodeLine, encodeEnvelope } from '../../src/infra/store/lineCodec.js';
import { BIN, cliLogWith, runCli, sampleTrajectory } from '../support/cli.js';
import { tempDir } from '../support/fixtures.js';

/**
 * The real CLI with a module loader hook that writes down every module it loads: the modules a command
 * pays for before it answers. Paths are relative to the package (`dist/...`, `node_modules/zod/...`).
 */
function modulesLoaded(args: readonly string[]): { code: number | null; stdout: string; modules: string[] } {
  const dir = tempDir('memabra-loads-');
  const list = join(dir, 'loaded.txt');
  writeFileSync(list, '');
  writeFileSync(
    join(dir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) {\n  appendFileSync(${JSON.stringify(list)}, url + '\\n');\n  return next(url, context);\n}\n`,
  );
  writeFileSync(
    join(dir, 'register.mjs'),
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`,
  );
  const result = spawnSync(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, MEMABRA_DIR: '', MEMABRA_STORE: '' },
  });
  const root = pathToFileURL(join(BIN, '..', '..')).href;
  // A package by its name under node_modules (wherever that directory really is), memabra's own by its path.
  const modules = readFileSync(list, 'utf8')
    .split('\n')
    .map((url) =>
      url.includes('/node_modules/') ? url.slice(url.lastIndexOf('/node_modules/') + 1) : url.startsWith(`${root}/`) ? url.slice(root.length + 1) : '',
    )
    .filter((module) => module !== '');
  return { code: result.status, stdout: result.stdout, modules };
}

const matching = (modules: readonly string[], pattern: RegExp) => modules.filter((m) => pattern.test(m));

/** zod, the event schemas, and the halves of the store that need them (the codec with the schemas, the writer's encoder). */
const SCHEMA_MODULES = /^(node_modules\/zod\/|dist\/events\/(catalogue|model\/(?!routes|policyDefaults))|dist\/infra\/store\/(lineCodec|batchEncoder)\.js$)/;

/** A log of 3 trajectories with a snapshot of it, then 2 more trajectories after the snapshot (its tail). */
async function logWithSnapshot(): Promise<string> {
  const dir = cliLogWith(3, tempDir());
  const store = openJsonlStore(dir);
  const { state, cursor } = await foldFrom(store, null);
  await saveSnapshot(store.snapshots!, state, cursor);
  const recorded = runCli(['--dir', dir, 'record', '-'], {
    input: [sampleTrajectory('later 1'), sampleTrajectory('later 2')].map((t) => JSON.stringify(t)).join('\n'),
  });
  if (recorded.code !== 0) throw new Error(recorded.stderr);
  expect(readdirSync(join(dir, 'snapshots')).filter((name) => name.endsWith('.snap'))).toHaveLength(1);
  return dir;
}

/** Rewrites the log's last line at another schema version, with its data replaced when `data` is given, sealed again. */
function rewriteLastLine(dir: string, v: number, data?: unknown): { line: string; lineNo: number } {
  const path = join(dir, LOG_FILE);
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  const decoded = decodeLine(lines.at(-1)!);
  if (!decoded.ok) throw new Error(decoded.error.message);
  const line = encodeEnvelope({ ...decoded.envelope, v, ...(data === undefined ? {} : { data }) } as typeof decoded.envelope);
  writeFileSync(path, [...lines.slice(0, -1), line, ''].join('\n'));
  return { line, lineNo: lines.length };
}

describe('the CLI loads a command’s modules when the command runs', () => {
  it('--version, --help and a usage error load commander and the command table: no store, schema, state or command', () => {
    for (const args of [['--version'], ['--help'], ['cycle', '--help'], ['status', '--bogus'], ['nosuch']]) {
      const { code, modules } = modulesLoaded(args);
      expect(code, args.join(' ')).toBe(args.includes('--bogus') || args.includes('nosuch') ? 2 : 0);
      expect(modules).toContain('dist/infra/cli/main.js');
      expect(matching(modules, /node_modules\/commander\//).length).toBeGreaterThan(0);
      expect(matching(modules, /node_modules\/(zod|immutable|immer|ulid|pg|fastify|@modelcontextprotocol)\//), args.join(' ')).toEqual([]);
      expect(matching(modules, /^dist\/(projections|infra\/(store|app|http|mcp|report|data))\//), args.join(' ')).toEqual([]);
      expect(matching(modules, /^dist\/infra\/cli\/(basic|query|routing|cycle|benchmark|cases|demo|report|serve)\w*\.js$/), args.join(' ')).toEqual([]);
    }
  });

  it('status loads the store and the fold, and no registration, decider, training, report, HTTP or MCP stack', () => {
    const dir = cliLogWith(3, tempDir());
    const { code, stdout, modules } = modulesLoaded(['--dir', dir, 'status', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ initialised: true, trajectoryCount: 3 });
    expect(modules).toEqual(expect.arrayContaining(['dist/infra/cli/queryCommands.js', 'dist/infra/store/jsonlEventStore.js', 'dist/projections/fold.js']));
    expect(matching(modules, /^dist\/infra\/(app\/(commands|commandHandler|cycleInputs|evaluation)|http|mcp|report|data)(\/|\.js$)/)).toEqual([]);
    expect(matching(modules, /^dist\/domain\/(cycle|init|record|routeRequests|training|evaluation\/(?!evidenceName)|routing|benchmark)/)).toEqual([]);
    expect(matching(modules, /node_modules\/(pg|fastify|@modelcontextprotocol|d3-array)\//)).toEqual([]);
  });

  it('status on a log with a snapshot and a tail of current lines loads no zod and no event schema: sealed lines are read without them', async () => {
    const dir = await logWithSnapshot();
    const { code, stdout, modules } = modulesLoaded(['--dir', dir, 'status', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ initialised: true, trajectoryCount: 5 });
    expect(modules).toEqual(expect.arrayContaining(['dist/infra/store/jsonlEventStore.js', 'dist/infra/store/sealedLine.js', 'dist/projections/fold.js']));
    expect(matching(modules, SCHEMA_MODULES)).toEqual([]);
  });

  it('status on a log whose tail holds an older-version line loads the schemas for it and answers as for the same line at the current version', async () => {
    const dir = await logWithSnapshot();
    const current = modulesLoaded(['--dir', dir, 'status', '--json']);
    const { line } = rewriteLastLine(dir, 1); // TrajectoryRecorded v1: its data reads as v2 as it stands
    expect(JSON.parse(line)).toMatchObject({ type: 'TrajectoryRecorded', v: 1 });
    const older = modulesLoaded(['--dir', dir, 'status', '--json']);
    expect(older.code).toBe(0);
    expect(JSON.parse(older.stdout)).toEqual(JSON.parse(current.stdout));
    expect(matching(older.modules, SCHEMA_MODULES)).toEqual(expect.arrayContaining(['dist/infra/store/lineCodec.js', 'dist/events/catalogue.js']));
    expect(matching(current.modules, SCHEMA_MODULES)).toEqual([]);
  });

  it('status on a log whose tail holds an older-version line its schema refuses fails with the codec’s own description of it, as before', async () => {
    const dir = await logWithSnapshot();
    const { line, lineNo } = rewriteLastLine(dir, 1, { trajectory: { id: 'not a trajectory' } });
    const decoded = decodeLine(line);
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    const status = runCli(['--dir', dir, 'status']);
    expect(status.code).not.toBe(0);
    expect(status.stderr).toContain(`log line ${lineNo} is corrupt: ${decoded.error.message}`);
    expect(status.stderr.trim().split('\n')).toHaveLength(1);
    const verify = runCli(['--dir', dir, 'verify', '--json']);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: false, error: `log line ${lineNo} is corrupt: ${decoded.error.message}` });
  });
});
