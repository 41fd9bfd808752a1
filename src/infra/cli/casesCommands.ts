import { listCases, lookupCase, rebuildCases } from '../app/cases.js';
import { MemabraError } from '../errors.js';
import { counted, escapeControls, formatReward, formatTable, printJson, printLine } from './output.js';
import { openSession, type GlobalOptions } from './runtime.js';

type Json = { json?: boolean };

export async function casesLookupCommand(text: string, flags: GlobalOptions & Json): Promise<void> {
  const session = await openSession(flags);
  const result = await lookupCase(session, text);
  // No case is exit 1 in both modes, so a script can branch on the code whichever output it reads.
  if (!result.entry) process.exitCode = 1;
  if (flags.json) return printJson(result);
  if (!result.entry) return printLine(`no case for "${escapeControls(result.key)}"`);
  printLine(escapeControls(result.entry.summary));
  printLine(`  trajectory ${result.entry.trajectoryId} (seq ${result.entry.seq}), key "${escapeControls(result.key)}"`);
}

export async function casesListCommand(flags: GlobalOptions & Json & { limit?: number }): Promise<void> {
  const session = await openSession(flags);
  const { cases, total } = await listCases(session, flags.limit);
  if (flags.json) return printJson({ cases, total });
  printLine(
    formatTable(
      ['seq', 'route', 'reward', 'latency ms', 'trajectory', 'case'],
      cases.map((c) => [c.seq, c.route, formatReward(c.reward), c.latencyMs, c.trajectoryId, c.key]),
    ),
  );
  printLine(total > cases.length ? `${counted(total, 'case')}, the last ${cases.length} shown` : counted(total, 'case'));
}

export async function casesRebuildCommand(flags: GlobalOptions & Json): Promise<void> {
  const session = await openSession(flags);
  const result = await rebuildCases(session);
  if (flags.json) printJson(result);
  else
    printLine(
      `rebuilt the case index from ${counted(result.lastSeq, 'event')}: ${counted(result.cases, 'case')}; ${result.matchesIncremental ? 'identical to' : 'DIFFERENT from'} the incremental index`,
    );
  if (!result.matchesIncremental) throw new MemabraError('io', 'the rebuilt case index differs from the incremental one: please report this bug');
}
