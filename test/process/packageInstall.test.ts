import { spawnSync } from 'node:child_process';
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/fixtures.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

type LockEntry = { version?: string; resolved?: string; dev?: boolean; devOptional?: boolean; [key: string]: unknown };
type Lock = { packages: Record<string, LockEntry> };

/** npm as a user runs it, without the variables `npm test` sets for its own package. */
function npm(args: readonly string[], cwd: string, command = 'npm') {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('npm_') && key !== 'INIT_CWD'));
  const result = spawnSync(command, args, { cwd, env: { ...env, MEMABRA_DIR: '', MEMABRA_STORE: '' }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, error: result.error };
}

/**
 * The agent project's lockfile: memabra from the tarball, and memabra's own runtime dependencies at the
 * versions its lockfile pins (dev ones left out, so one used at run time would be missing), each with its
 * registry address so that `npm ci --offline` takes them from the npm cache that installing memabra filled.
 */
function agentLock(tarball: string, registry: string): Lock {
  const own = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as Lock;
  const root = own.packages['']!;
  const packages: Record<string, LockEntry> = {
    '': { name: 'agent', dependencies: { memabra: `file:${tarball}` } },
    'node_modules/memabra': { version: root.version, resolved: `file:${tarball}`, dependencies: root.dependencies, bin: root.bin, engines: root.engines },
  };
  for (const [path, entry] of Object.entries(own.packages)) {
    if (path === '' || entry.dev || entry.devOptional) continue;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const resolved = entry.resolved ?? `${registry.replace(/\/$/, '')}/${name}/-/${name.split('/').pop()}-${entry.version}.tgz`;
    packages[path] = { ...entry, resolved };
  }
  return { name: 'agent', lockfileVersion: 3, requires: true, packages } as Lock;
}

describe('the npm package, installed into an agent project', () => {
  it('gives the project `npx memabra` and `import { openMemabra } from "memabra"`, offline', () => {
    // dist/ is fresh: the global setup compiled it.
    const packs = tempDir('memabra-pack-');
    const packed = npm(['pack', '--ignore-scripts', '--pack-destination', packs, '--json'], ROOT);
    expect(packed.stderr).not.toMatch(/ERR/);
    const [{ filename, files }] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
    const shipped = files.map((f) => f.path);
    expect(shipped).toEqual(expect.arrayContaining(['bin/memabra.js', 'dist/index.js', 'dist/index.d.ts', 'dist/infra/cli/main.js', 'package.json']));
    expect(shipped.filter((path) => path.startsWith('test/') || path.startsWith('src/'))).toEqual([]);

    const project = tempDir('memabra-agent-');
    const tarball = join(packs, filename);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'agent', private: true, type: 'module', dependencies: { memabra: `file:${tarball}` } }),
    );
    const registry = npm(['config', 'get', 'registry'], project).stdout.trim();
    writeFileSync(join(project, 'package-lock.json'), JSON.stringify(agentLock(tarball, registry)));
    const installed = npm(['ci', '--offline', '--no-audit', '--no-fund'], project);
    expect(installed.stderr).not.toMatch(/npm error/);
    expect(installed.code).toBe(0);

    const store = join(project, 'memabra-log');
    const init = npm(['--offline', 'memabra', '--dir', store, 'init', '--json'], project, 'npx');
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(JSON.parse(init.stdout)).toMatchObject({ version: { label: 'v1' }, seq: 1 });

    const script = join(project, 'agent.js');
    writeFileSync(
      script,
      [
        "import { openMemabra } from 'memabra';",
        'const memabra = await openMemabra({ location: process.argv[2] });',
        'const status = await memabra.status();',
        'await memabra.close();',
        "console.log(JSON.stringify({ from: import.meta.resolve('memabra'), active: status.active?.label }));",
      ].join('\n'),
    );
    const run = spawnSync(process.execPath, [script, store], { cwd: project, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const answer = JSON.parse(run.stdout) as { from: string; active: string };
    // The installed copy, not this checkout.
    expect(fileURLToPath(answer.from).startsWith(join(realpathSync(project), 'node_modules', 'memabra'))).toBe(true);
    expect(answer.active).toBe('v1');
  }, 180_000);
});
