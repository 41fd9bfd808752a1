import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Candidate, Outcome, Route, TrajectoryInput } from '../../events/model/vocabulary.js';
import type { TrainingReport } from '../../projections/state.js';
import { handleCommand } from '../app/commandHandler.js';
import { commands, type InitRequest } from '../app/commands.js';
import type { Session } from '../app/session.js';
import type { EventStore } from '../store/eventStore.js';
import { openJsonlStore } from '../store/jsonlEventStore.js';

/** One request as the agent asks it: the text and its retriever's candidates. */
export type AskedRequest = { readonly input: string; readonly candidates: Candidate[] };

/**
 * How the gated loop reaches memabra: `init`, a batch of `route` then `record`, and `cycle`. The loop, its
 * draws and its scoring are the same whichever plays them; only the door differs.
 */
export type LoopDriver = {
  /** The log the loop reads state from to score what a cycle did. */
  readonly store: EventStore;
  readonly init: (request: Omit<InitRequest, 'benchmark'> & { readonly benchmark?: string }) => Promise<void>;
  /** Routes the batch with the active router (logged), then records each decision's outcome, `outcomeOf(index, route)`. */
  readonly playBatch: (asked: readonly AskedRequest[], outcomeOf: (index: number, route: Route) => Outcome) => Promise<void>;
  /** One cycle judged by whatever the log's gate is (every new trajectory counts: the loop decides when). */
  readonly cycle: () => Promise<TrainingReport>;
};

/** In this process, through the command handler the CLI's handlers call. */
export function inProcessDriver(session: Session): LoopDriver {
  return {
    store: session.store,
    init: async (request) => void (await handleCommand(session, commands.init, request)),
    playBatch: async (asked, outcomeOf) => {
      const answers = await handleCommand(session, commands.route, { requests: asked });
      const trajectories: TrajectoryInput[] = answers.map(({ caseMemory, ...decision }, i) => ({
        task: { input: asked[i]!.input },
        candidates: caseMemory ? [...asked[i]!.candidates, caseMemory] : asked[i]!.candidates,
        decision,
        outcome: outcomeOf(i, decision.route),
      }));
      await handleCommand(session, commands.record, trajectories);
    },
    cycle: async () => (await handleCommand(session, commands.cycle, { minNewTrajectories: 1 })).report,
  };
}

/** The built CLI, as `npm install` ships it: bin/memabra.js runs dist/. */
export const MEMABRA_BIN = fileURLToPath(new URL('../../../bin/memabra.js', import.meta.url));

/** What the CLI driver ran: each command and the process id that ran it (its test reads them). */
export type CliCommandRun = { readonly command: string; readonly pid: number };

/** Children still running, stopped if this process is told to end (the learn script's signal handler exits). */
const running = new Set<ChildProcess>();
process.on('exit', () => running.forEach((child) => child.kill()));

function memabra(dir: string, args: readonly string[], input: string, ran: CliCommandRun[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MEMABRA_BIN, '--dir', dir, ...args], {
      // The directory is the one named here, whatever the caller's environment points at.
      env: { ...process.env, MEMABRA_DIR: '', MEMABRA_STORE: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      running.delete(child);
      if (child.pid !== undefined) ran.push({ command: args[0]!, pid: child.pid });
      if (code === 0) resolve(stdout);
      else reject(new Error(`memabra ${args.join(' ')} exited ${code ?? signal}: ${stderr.trim()}`));
    });
    child.stdin.end(input);
  });
}

const jsonLines = (values: readonly unknown[]) => values.map((v) => JSON.stringify(v)).join('\n');

/**
 * Every command a child process of the built CLI on `dir`, as a user's agent would drive it: `route - --json`
 * with JSON Lines, the outcomes by decision id through `record -`, `cycle --json`. The route's exploration
 * draws are the child's own, so the log differs from the in-process loop's; the outcomes are drawn here.
 */
export function cliDriver(dir: string, ran: CliCommandRun[] = []): LoopDriver {
  const logDir = join(dir, 'log');
  return {
    // Readers of a JSONL log take no lock, so this one reads between the children's writes.
    store: openJsonlStore(logDir),
    init: async ({ benchmark, runnerUpShare, explorationRate }) => {
      const args = [
        ...(benchmark === undefined ? [] : ['--benchmark', benchmark]),
        ...(runnerUpShare === undefined ? [] : ['--runner-up-share', String(runnerUpShare)]),
        ...(explorationRate === undefined ? [] : ['--exploration-rate', String(explorationRate)]),
      ];
      await memabra(logDir, ['init', ...args, '--json'], '', ran);
    },
    playBatch: async (asked, outcomeOf) => {
      const answers = (await memabra(logDir, ['route', '-', '--json'], jsonLines(asked), ran))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { decisionId: string; route: Route });
      if (answers.length !== asked.length) throw new Error(`memabra route answered ${answers.length} of ${asked.length} requests`);
      const outcomes = answers.map((a, i) => ({ decisionId: a.decisionId, outcome: outcomeOf(i, a.route) }));
      await memabra(logDir, ['record', '-', '--json'], jsonLines(outcomes), ran);
    },
    // `cycle --json` prints the report as the library returns it (printJson of the same value).
    cycle: async () => JSON.parse(await memabra(logDir, ['cycle', '--min-new-trajectories', '1', '--json'], '', ran)) as TrainingReport,
  };
}
