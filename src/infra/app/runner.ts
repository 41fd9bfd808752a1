import type { RouteAnswer } from '../../domain/routeRequests.js';
import type { Candidate, Outcome, Task } from '../../events/model/vocabulary.js';
import { handleCommand } from './commandHandler.js';
import { commands } from './commands.js';
import { validateRouteRequests, validateTrajectories } from './parsedInput.js';
import type { Session } from './session.js';

/** What the agent's turn reports back: its own result, and how good the turn was, in [0, 1]. */
export type TurnResult<R> = { readonly result: R; readonly reward: number; readonly error?: string | null };

export type Execute<R> = (decision: RouteAnswer) => Promise<TurnResult<R>> | TurnResult<R>;

/**
 * One agent turn with memabra around it: route the task, run the agent's own `execute` with the decision,
 * measure its latency, record the trajectory, and return the agent's result. When `execute` throws, the
 * trajectory is recorded with reward 0 and the error's message, and the error is thrown again: a failed
 * turn is data for learning, and still the caller's to handle.
 */
export async function runTurn<R>(
  session: Session,
  task: Task | string,
  candidates: readonly Candidate[],
  execute: Execute<R>,
  clock: () => number = () => performance.now(),
): Promise<R> {
  const request = typeof task === 'string' ? { input: task } : task;
  const [checked] = validateRouteRequests([{ ...request, candidates }]);
  const [answer] = await handleCommand(session, commands.route, { requests: [checked!] });
  // The decision is logged: its outcome is all there is left to say, by its id.
  const complete = (outcome: Outcome) => handleCommand(session, commands.record, validateTrajectories([{ decisionId: answer!.decisionId, outcome }]));
  const started = clock();
  let turn: TurnResult<R>;
  try {
    turn = await execute(answer!);
  } catch (error) {
    await complete({ reward: 0, error: error instanceof Error ? error.message : String(error), latencyMs: Math.max(0, clock() - started) });
    throw error;
  }
  // The agent's own numbers are input like any other: checked with the same messages as `record`.
  await complete({ reward: turn.reward, error: turn.error ?? null, latencyMs: Math.max(0, clock() - started) });
  return turn.result;
}
