import { basename, extname } from 'node:path';
import { writeFileSync } from 'node:fs';
import { buildSuite, type BuildInput } from '../../domain/benchmark/buildSuite.js';
import { suiteRef } from '../../domain/benchmark/benchmarkSuite.js';
import { canonicalJson } from '../../events/canonicalJson.js';
import { describeDomainError } from '../../domain/domainError.js';
import { handleCommand } from '../app/commandHandler.js';
import { commands } from '../app/commands.js';
import { MemabraError } from '../errors.js';
import { printDiagnostic, printJson, printLine } from './output.js';
import { openSession, readInput, type GlobalOptions } from './runtime.js';

type Json = { json?: boolean };

/** A whole suite object (with `tasks`), or labelled tasks as a JSON array or JSON Lines. */
function buildInput(text: string, source: string, name: string, version: number): BuildInput {
  if (text.trim() === '') throw new MemabraError('input', `${source} is empty: no labelled tasks given`);
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch {
    const tasks: { value: unknown; where: string }[] = [];
    const problems: string[] = [];
    for (const [index, line] of text.split('\n').entries()) {
      if (line.trim() === '') continue;
      try {
        tasks.push({ value: JSON.parse(line), where: `line ${index + 1}` });
      } catch {
        problems.push(`line ${index + 1}: not valid JSON`);
      }
    }
    if (problems.length) throw new MemabraError('input', `${source}: ${problems.length} problem${problems.length > 1 ? 's' : ''}: ${problems.join('; ')}`);
    return { type: 'tasks', tasks, name, version };
  }
  if (Array.isArray(whole)) return { type: 'tasks', tasks: whole.map((value, i) => ({ value, where: `task ${i + 1}` })), name, version };
  if (typeof whole === 'object' && whole !== null && 'tasks' in whole) return { type: 'suite', value: whole };
  return { type: 'tasks', tasks: [{ value: whole, where: 'line 1' }], name, version };
}

export async function benchmarkBuildCommand(
  file: string | undefined,
  options: GlobalOptions & Json & { name?: string; suiteVersion?: number; out?: string },
): Promise<void> {
  const source = file === undefined || file === '-' ? 'standard input' : file;
  const name = options.name ?? (file && file !== '-' ? basename(file, extname(file)) : 'labelled-suite');
  const built = buildSuite(buildInput(readInput(file), source, name, options.suiteVersion ?? 1));
  if (!built.ok) throw new MemabraError('input', `${source}: ${describeDomainError(built.error)}`);
  const suite = built.value;
  const text = `${canonicalJson(suite)}\n`;
  if (!options.out) {
    process.stdout.write(text);
  } else {
    writeFileSync(options.out, text);
    if (options.json) printJson({ out: options.out, benchmark: suiteRef(suite) });
    else printLine(`wrote ${options.out}: ${suite.name} v${suite.version}, ${suite.tasks.length} tasks`);
  }
  if (!options.out || !options.json)
    printDiagnostic(`built ${suite.name} v${suite.version}: ${suite.tasks.length} tasks, sha256 ${suiteRef(suite).hash.slice(0, 12)}`);
}

export async function benchmarkUseCommand(file: string, options: GlobalOptions & Json): Promise<void> {
  const session = await openSession(options);
  const result = await handleCommand(session, commands.useBenchmark, file);
  if (options.json) return printJson(result);
  const { name, version, taskCount, hash } = result.benchmark;
  printLine(
    `registered ${name} v${version} (${taskCount} tasks, sha256 ${hash.slice(0, 12)}, ${result.storage}) as the gate of ${session.store.location}; later cycles judge on it`,
  );
}
