import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importCycles, importSpecifiers, layerOf, readImportGraph, upwardImports, type ImportGraph } from './importGraph.js';

const srcDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');
const graphOf = (edges: Record<string, string[]>): ImportGraph => new Map(Object.entries(edges));
const described = (violations: ReturnType<typeof upwardImports>) => violations.map((v) => `${v.file} -> ${v.imports}: ${v.problem}`);

describe('the imports of src/', () => {
  const graph = readImportGraph(srcDir);

  it('are read from every file: the catalogue imports the model, the CLI imports lazily', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('events/catalogue.ts')).toContain('events/model/vocabulary.ts');
    // main.ts loads the MCP server only for `memabra mcp`, by a dynamic import.
    expect(graph.get('infra/cli/main.ts')).toContain('infra/mcp/server.ts');
  });

  it('run one way: events/model -> events -> projections -> domain -> infra, nothing upward', () => {
    expect(described(upwardImports(graph))).toEqual([]);
  });

  it('have no circle', () => {
    expect(importCycles(graph).map((cycle) => cycle.join(' -> '))).toEqual([]);
  });
});

describe('the import checker', () => {
  it('given a domain file imported by a projection, names the file and the import', () => {
    const graph = graphOf({ 'projections/caseIndex.ts': ['domain/caseMemory.ts'], 'domain/caseMemory.ts': [] });
    expect(described(upwardImports(graph))).toEqual(['projections/caseIndex.ts -> domain/caseMemory.ts: imports upward (projections -> domain)']);
  });

  it('given the event schemas imported by the model, reports it: the model is below the events', () => {
    const graph = graphOf({ 'events/model/vocabulary.ts': ['events/catalogue.ts'], 'events/catalogue.ts': [] });
    expect(described(upwardImports(graph))).toEqual(['events/model/vocabulary.ts -> events/catalogue.ts: imports upward (events/model -> events)']);
  });

  it('given imports downward and within a layer only, reports nothing', () => {
    const graph = graphOf({
      'index.ts': ['infra/app/session.ts'],
      'infra/app/session.ts': ['domain/rollback.ts', 'projections/state.ts', 'infra/store/eventStore.ts'],
      'domain/rollback.ts': ['projections/state.ts', 'events/catalogue.ts', 'events/model/vocabulary.ts'],
      'projections/state.ts': ['events/catalogue.ts'],
      'events/catalogue.ts': ['events/model/vocabulary.ts'],
    });
    expect(upwardImports(graph)).toEqual([]);
    expect(importCycles(graph)).toEqual([]);
  });

  it('given a file outside every layer, or an import out of src/, reports both', () => {
    const graph = graphOf({ 'util/helpers.ts': [], 'infra/packageInfo.ts': ['../package.json'] });
    expect(described(upwardImports(graph))).toEqual([
      'util/helpers.ts -> : is in no layer',
      'infra/packageInfo.ts -> ../package.json: imports from outside the layers',
    ]);
  });

  it('given nothing may import the entry point, reports an import of src/index.ts', () => {
    expect(described(upwardImports(graphOf({ 'infra/cli/main.ts': ['index.ts'], 'index.ts': [] })))).toEqual([
      'infra/cli/main.ts -> index.ts: imports upward (infra -> entry)',
    ]);
  });

  it('given a circle inside one layer, reports it as the path that closes it', () => {
    const graph = graphOf({
      'infra/app/a.ts': ['infra/app/b.ts'],
      'infra/app/b.ts': ['infra/app/c.ts'],
      'infra/app/c.ts': ['infra/app/a.ts', 'infra/app/d.ts'],
      'infra/app/d.ts': [],
    });
    expect(upwardImports(graph)).toEqual([]);
    expect(importCycles(graph)).toEqual([['infra/app/a.ts', 'infra/app/b.ts', 'infra/app/c.ts', 'infra/app/a.ts']]);
  });

  it('given the old circle of the catalogue and the promotion policy, reports one cycle per circle', () => {
    const graph = graphOf({
      'events/catalogue.ts': ['domain/promotionPolicy.ts'],
      'domain/promotionPolicy.ts': ['events/catalogue.ts'],
      'domain/self.ts': ['domain/self.ts'],
    });
    expect(importCycles(graph)).toEqual([
      ['domain/promotionPolicy.ts', 'events/catalogue.ts', 'domain/promotionPolicy.ts'],
      ['domain/self.ts', 'domain/self.ts'],
    ]);
    expect(described(upwardImports(graph))).toEqual(['events/catalogue.ts -> domain/promotionPolicy.ts: imports upward (events -> domain)']);
  });

  it('places files in their layer by folder, the model before the rest of events', () => {
    expect(
      ['events/model/metrics.ts', 'events/catalogue.ts', 'projections/state.ts', 'domain/cycle.ts', 'infra/store/lineSeal.ts', 'index.ts', 'other.ts'].map(
        layerOf,
      ),
    ).toEqual(['events/model', 'events', 'projections', 'domain', 'infra', 'entry', null]);
  });
});

describe('reading import specifiers', () => {
  it('finds static, re-exported, type-only, bare, multi-line and dynamic imports', () => {
    const source = [
      "import { z } from 'zod';",
      "import type { Route } from '../events/model/vocabulary.js';",
      "import * as store from './store.js';",
      "import './sideEffect.js';",
      "export { foldEvents } from './fold.js';",
      "export type { MemabraState } from './state.js';",
      'export * from "./all.js";',
      'import {',
      '  a,',
      '  b,',
      "} from './multiLine.js';",
      "  const { serveStdio } = await import('../mcp/server.js');",
    ].join('\n');
    expect(importSpecifiers(source)).toEqual([
      'zod',
      '../events/model/vocabulary.js',
      './store.js',
      './sideEffect.js',
      './fold.js',
      './state.js',
      './all.js',
      './multiLine.js',
      '../mcp/server.js',
    ]);
  });

  it('ignores imports quoted in comments and doc lines, and dynamic imports of a computed name', () => {
    const source = [
      "// import { old } from './old.js';",
      '/**',
      " * import { doc } from './doc.js';",
      " * await import('./docDynamic.js')",
      ' */',
      "const later = 1; // then await import('./commented.js')",
      'const chosen = await import(name);',
      'export const value = 1;',
      'export function reimport() {}',
    ].join('\n');
    expect(importSpecifiers(source)).toEqual([]);
  });
});
