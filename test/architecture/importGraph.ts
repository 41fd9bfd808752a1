import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The import graph of src/ and the two rules it must keep: imports run one way through the layers, and no
 * file reaches itself through its imports. A helper of importDirection.test.ts, kept apart so the checker
 * can be tested on small graphs written by hand.
 */

/** The layers, lowest first: a file may import only from its own layer and the ones before it. */
export const LAYERS = ['events/model', 'events', 'projections', 'domain', 'infra', 'entry'] as const;
export type Layer = (typeof LAYERS)[number];

/** The layer of a path relative to src/ (forward slashes), or null for a path outside the layers. */
export function layerOf(file: string): Layer | null {
  if (file === 'index.ts') return 'entry'; // the library's entry point: above everything, imported by nothing
  if (file.startsWith('events/model/')) return 'events/model';
  for (const layer of ['events', 'projections', 'domain', 'infra'] as const) if (file.startsWith(`${layer}/`)) return layer;
  return null;
}

/**
 * The module specifiers a TypeScript source imports: `import ... from`, `import '...'`, `export ... from`
 * (type-only ones included: a type import is a dependency too) and `import('...')` with a string literal.
 * Not a parser (the compiler has no JS API since TypeScript 7, and es-module-lexer stops at type syntax):
 * static imports are read only where a statement begins a line, and a dynamic import only outside a
 * comment, so an import quoted in a comment or a doc line is not taken for one. A template string whose
 * line begins like an import would be read as one, which errs on the side of a false alarm.
 */
export function importSpecifiers(source: string): string[] {
  const found: string[] = [];
  // What may stand between `import`/`export` and `from`: a default name, `{ names }`, `* as name`, or a mix.
  const bindings = String.raw`(?:type\s+)?(?:[\w$]+\s*,\s*)?(?:\{[^}]*\}|\*(?:\s+as\s+[\w$]+)?|[\w$]+)\s*from\s*`;
  const statement = new RegExp(String.raw`^[ \t]*(?:import|export)\s*(?:${bindings})?(['"])([^'"\n]+)\1`, 'gm');
  for (const match of source.matchAll(statement)) found.push(match[2]!);
  const dynamic = /(?<![\w$.])import\(\s*(['"])([^'"\n]+)\1\s*\)/g;
  for (const match of source.matchAll(dynamic)) {
    const lineStart = source.lastIndexOf('\n', match.index) + 1;
    const before = source.slice(lineStart, match.index);
    if (/^\s*(\*|\/\*)/.test(before) || before.includes('//')) continue;
    found.push(match[2]!);
  }
  return found;
}

/** One file's imports of other files of src/, as paths relative to src/. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

/** Every .ts file under `srcDir` with the files of `srcDir` it imports (package imports are left out). */
export function readImportGraph(srcDir: string): ImportGraph {
  const graph = new Map<string, string[]>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) {
        const file = path.relative(srcDir, full).split(path.sep).join('/');
        const targets = importSpecifiers(fs.readFileSync(full, 'utf8'))
          .filter((spec) => spec.startsWith('.'))
          .map((spec) => path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/, '.ts'));
        graph.set(file, [...new Set(targets)]);
      }
    }
  };
  walk(srcDir);
  return graph;
}

/** A rule an import breaks, named by the importing file and the file it imports. */
export type Violation = { readonly file: string; readonly imports: string; readonly problem: string };

/** Imports against the order of LAYERS, imports out of src/, and files outside every layer. */
export function upwardImports(graph: ImportGraph): Violation[] {
  const violations: Violation[] = [];
  for (const [file, targets] of graph) {
    const from = layerOf(file);
    if (from === null) {
      violations.push({ file, imports: '', problem: 'is in no layer' });
      continue;
    }
    for (const target of targets) {
      const to = target.startsWith('../') ? null : layerOf(target);
      if (to === null) violations.push({ file, imports: target, problem: 'imports from outside the layers' });
      else if (LAYERS.indexOf(to) > LAYERS.indexOf(from)) violations.push({ file, imports: target, problem: `imports upward (${from} -> ${to})` });
    }
  }
  return violations;
}

/**
 * The import circles: one cycle per strongly connected group of files (Tarjan), each written as the path
 * that closes it, first file repeated at the end.
 */
export function importCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(file, Math.min(low.get(file)!, index.get(target)!));
    }
    if (low.get(file) === index.get(file)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== file);
      const selfImport = graph.get(file)?.includes(file) ?? false;
      if (group.length > 1 || selfImport) groups.push(group);
    }
  };
  for (const file of [...graph.keys()].sort()) if (!index.has(file)) visit(file);
  return groups.map((group) => cycleWithin(graph, new Set(group)));
}

/** A shortest path from the group's first file (in sort order) back to itself, inside the group. */
function cycleWithin(graph: ImportGraph, group: ReadonlySet<string>): string[] {
  const start = [...group].sort()[0]!;
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const file = queue[i]!;
    for (const target of graph.get(file) ?? []) {
      if (!group.has(target)) continue;
      if (target === start) {
        const cycle = [start];
        for (let at: string | undefined = file; at !== undefined && at !== start; at = cameFrom.get(at)) cycle.unshift(at);
        return [start, ...cycle];
      }
      if (!cameFrom.has(target)) {
        cameFrom.set(target, file);
        queue.push(target);
      }
    }
  }
  return [start, start]; // unreachable for a strongly connected group
}
