import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, cliLogWith } from '../support/cli.js';
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
});
