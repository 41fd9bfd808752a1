import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Every source file the formatter owns: TypeScript and JavaScript under src/, test/ and bin/. */
function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(relative);
    return /\.(ts|js)$/.test(entry.name) ? [relative] : [];
  });
}

describe('the source', () => {
  it('is formatted as Prettier formats it (`npm run format` rewrites it so)', async () => {
    const files = ['src', 'test', 'bin'].flatMap(sourceFiles);
    expect(files.length).toBeGreaterThan(200);
    const unformatted: string[] = [];
    for (const file of files) {
      const absolute = path.join(root, file);
      const options = await prettier.resolveConfig(absolute);
      if (!(await prettier.check(readFileSync(absolute, 'utf8'), { ...options, filepath: absolute }))) unformatted.push(file);
    }
    expect(unformatted).toEqual([]);
  });

  it('is checked by a rule that can fail: a file Prettier would change is caught', async () => {
    const options = await prettier.resolveConfig(path.join(root, 'src/index.ts'));
    expect(await prettier.check('const  x = {a:1}\n', { ...options, filepath: 'x.ts' })).toBe(false);
    expect(await prettier.check('const x = { a: 1 };\n', { ...options, filepath: 'x.ts' })).toBe(true);
  });
});
