import { ROUTES } from '../../events/model/vocabulary.js';
import { handleCommand } from '../app/commandHandler.js';
import { commands } from '../app/commands.js';
import { evaluateVersion } from '../app/evaluation.js';
import { parseRouteRequests } from '../app/parsedInput.js';
import { counted, formatPercent, formatReward, formatTable, printJson, printLine, writeOut } from './output.js';
import { openSession, readInput, type GlobalOptions } from './runtime.js';

type Json = { json?: boolean };

/** One JSON line per request, in input order, with or without --json (the answer is machine-first). */
export async function routeCommand(file: string | undefined, options: GlobalOptions & Json & { log?: boolean }): Promise<void> {
  const requests = parseRouteRequests(readInput(file));
  const session = await openSession(options);
  const answers = await handleCommand(session, commands.route, { requests, log: options.log !== false });
  writeOut(answers.map((answer) => `${JSON.stringify(answer)}\n`).join(''));
}

export async function evaluateCommand(options: GlobalOptions & Json & { benchmark?: string; version?: string }): Promise<void> {
  const session = await openSession(options);
  const result = await evaluateVersion(session, options);
  if (options.json) return printJson(result);
  const { metrics } = result;
  printLine(`${result.label} (${result.versionId}) on ${result.benchmark.name} v${result.benchmark.version}, ${counted(metrics.taskCount, 'task')}`);
  printLine(
    `  mean reward ${formatReward(metrics.meanReward)}, errors ${formatPercent(metrics.errorRate)}, latency mean ${metrics.meanLatencyMs.toFixed(0)} ms, p95 ${metrics.p95LatencyMs.toFixed(0)} ms`,
  );
  printLine();
  printLine(
    formatTable(
      ['category', 'tasks', 'mean reward', 'errors'],
      ROUTES.filter((r) => metrics.byCategory[r]).map((r) => {
        const c = metrics.byCategory[r]!;
        return [r, c.taskCount, formatReward(c.meanReward), formatPercent(c.errorRate)];
      }),
    ),
  );
}
