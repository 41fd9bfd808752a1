import * as path from 'node:path';
import { SyntaxKind, type Node, type SourceFile } from 'typescript/unstable/ast';
import { API } from 'typescript/unstable/sync';

/**
 * How long the functions of a TypeScript project are, read with the compiler's own parser (TypeScript 7's
 * API, which runs the compiler as a child process). A helper of functionLength.test.ts, kept apart so the
 * measure can be tested on small projects written for the purpose.
 */

export type MeasuredFunction = {
  /** The file, relative to the project's src/, with forward slashes. */
  readonly file: string;
  /** The line its first token is on, from 1. */
  readonly line: number;
  /** Its name, or the name it is bound to (`const f = () => ...`, `{ f: () => ... }`), inside its enclosing functions' names. */
  readonly name: string;
  /** Its lines of code: the lines on which one of its nodes begins or ends; blank lines and comments do not count. */
  readonly lines: number;
};

const FUNCTION_KINDS = new Set<SyntaxKind>([
  SyntaxKind.FunctionDeclaration,
  SyntaxKind.FunctionExpression,
  SyntaxKind.ArrowFunction,
  SyntaxKind.MethodDeclaration,
  SyntaxKind.Constructor,
  SyntaxKind.GetAccessor,
  SyntaxKind.SetAccessor,
]);

/** The name a function is declared with or bound to; `(anonymous)` for a callback passed as an argument. */
function nameOf(node: Node, file: SourceFile): string {
  if (node.kind === SyntaxKind.Constructor) return 'constructor';
  const own = (node as { name?: Node }).name;
  if (own) return own.getText(file);
  const { parent } = node;
  if (parent.kind === SyntaxKind.VariableDeclaration || parent.kind === SyntaxKind.PropertyAssignment || parent.kind === SyntaxKind.PropertyDeclaration) {
    return (parent as unknown as { name: Node }).name.getText(file);
  }
  return '(anonymous)';
}

/**
 * The lines of code of a node: every line on which the node or one of its descendants begins (its first
 * token, past comments) or ends (its last token). A comment is trivia, never a node, so a comment line does
 * not count, nor a blank one; the closing brace of a block does, as the block's end.
 */
function linesOfCode(node: Node, file: SourceFile): number {
  const lines = new Set<number>();
  const visit = (child: Node): void => {
    lines.add(file.getLineAndCharacterOfPosition(child.getStart(file)).line);
    lines.add(file.getLineAndCharacterOfPosition(child.end).line);
    child.forEachChild(visit);
  };
  visit(node);
  return lines.size;
}

function measureFile(file: SourceFile, relative: string): MeasuredFunction[] {
  const measured: MeasuredFunction[] = [];
  const visit = (node: Node, outer: string): void => {
    let inner = outer;
    if (FUNCTION_KINDS.has(node.kind) && (node as { body?: Node }).body) {
      inner = outer ? `${outer} > ${nameOf(node, file)}` : nameOf(node, file);
      const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
      measured.push({ file: relative, line, name: inner, lines: linesOfCode(node, file) });
    }
    node.forEachChild((child) => visit(child, inner));
  };
  visit(file, '');
  return measured;
}

/** Every function with a body in the files of `projectDir/src` that `projectDir/tsconfig.json` includes. */
export function measureFunctions(projectDir: string): MeasuredFunction[] {
  const api = new API({ cwd: projectDir });
  try {
    const snapshot = api.updateSnapshot({ openProjects: [path.join(projectDir, 'tsconfig.json')] });
    const project = snapshot.getProjects()[0];
    if (!project) throw new Error(`no TypeScript project at ${projectDir}`);
    const srcDir = path.join(projectDir, 'src') + path.sep;
    const measured: MeasuredFunction[] = [];
    for (const name of project.program.getSourceFileNames()) {
      const resolved = path.resolve(name);
      if (!resolved.startsWith(srcDir)) continue;
      const file = project.program.getSourceFile(name);
      if (!file) throw new Error(`the compiler lists ${name} but does not return it`);
      measured.push(...measureFile(file, path.relative(srcDir, resolved).split(path.sep).join('/')));
    }
    return measured;
  } finally {
    api.close();
  }
}

/** `file: name`, the way the allowlists name a function. */
export const functionKey = (f: Pick<MeasuredFunction, 'file' | 'name'>): string => `${f.file}: ${f.name}`;

/** The functions over `limit` lines of code that no allowlist names, each as `file:line name (N lines)`. */
export function tooLong(measured: readonly MeasuredFunction[], limit: number, allowed: ReadonlySet<string>): string[] {
  return measured.filter((f) => f.lines > limit && !allowed.has(functionKey(f))).map((f) => `${f.file}:${f.line} ${f.name} (${f.lines} lines)`);
}
