import { lookupCase, rebuildCases } from '../app/cases.js';
import { MemabraError } from '../errors.js';
import { escapeControls, printJson, printLine } from './output.js';
import { openSession, type GlobalOptions } from './runtime.js';

type Json = { json?: boolean };

export async function casesLookupCommand(text: string, flags: GlobalOptions & Json): Promise<void> {
  const session = await openSession(flags);
  const result = await lookupCase(session, text);
  if (flags.json) return printJson(result);
  if (!result.entry) {
    printLine(`no case for "${escapeControls(result.key)}"`);
    process.exitCode = 1;
    return;
  }
  printLine(escapeControls(result.entry.summary));
  printLine(`  trajectory ${result.entry.trajectoryId} (seq ${result.entry.seq}), key "${escapeControls(result.key)}"`);
}

export async function casesRebuildCommand(flags: GlobalOptions & Json): Promise<void> {
  const session = await openSession(flags);
  const result = await rebuildCases(session);
  if (flags.json) printJson(result);
  else printLine(`rebuilt the case index from ${result.lastSeq} events: ${result.cases} cases; ${result.matchesIncremental ? 'identical to' : 'DIFFERENT from'} the incremental index`);
  if (!result.matchesIncremental) throw new MemabraError('io', 'the rebuilt case index differs from the incremental one: please report this bug');
}
