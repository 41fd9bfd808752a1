import { decideInit, DEFAULT_EXPLORATION_RATE, DEFAULT_RUNNER_UP_SHARE } from '../../domain/init.js';
import { decideRecord } from '../../domain/record.js';
import { decideRollback } from '../../domain/rollback.js';
import { checkRecordItem } from '../../domain/recordInput.js';
import { parseItems, validateItems } from '../../domain/trajectoryInput.js';
import { TrajectorySchema, type RecordInput } from '../../events/model/vocabulary.js';
import type { EventOf } from '../../events/catalogue.js';
import type { RouterVersion } from '../../events/model/routerVersion.js';
import { MemabraError } from '../errors.js';
import type { BenchmarkSuite } from '../../events/model/benchmarkSuite.js';
import { loadBenchmark } from '../data/bundledData.js';
import { registrationEvents } from './benchmarks.js';
import { handleCommand } from './commandHandler.js';
import { decideContext, type Session } from './session.js';
import { unwrap } from './refusalErrors.js';

/**
 * Registers and activates the baseline router; with a benchmark, also registers that suite as the log's
 * gate, in the same append (a log never exists half-initialised).
 */
export async function initLog(
  session: Session,
  options: { explorationRate?: number; runnerUpShare?: number; benchmark?: string | BenchmarkSuite } = {},
): Promise<{ version: RouterVersion; seq: number }> {
  const explorationRate = options.explorationRate ?? DEFAULT_EXPLORATION_RATE;
  const runnerUpShare = options.runnerUpShare ?? DEFAULT_RUNNER_UP_SHARE;
  const suite = options.benchmark === undefined ? undefined : typeof options.benchmark === 'string' ? loadBenchmark(options.benchmark) : options.benchmark;
  const registration = suite ? registrationEvents(session, suite) : [];
  const { events, appended } = await handleCommand(session, (state) => {
    const init = decideInit({ explorationRate, runnerUpShare }, state, decideContext(session.env));
    return init.ok ? { ok: true, value: [...init.value, ...registration] } : init;
  });
  return { version: (events[0] as Extract<(typeof events)[number], { type: 'RouterRegistered' }>).data.version, seq: appended.lastSeq };
}

/**
 * Validates every item (a trajectory, or an outcome by decision id) before anything is written; one bad
 * item appends nothing.
 */
export function parseTrajectories(text: string): RecordInput[] {
  return parsed(unwrap(parseItems(text, checkRecordItem, 'trajectory')));
}

/** The same checks for values that did not come as text (the library API). */
export function validateTrajectories(values: readonly unknown[]): RecordInput[] {
  return parsed(unwrap(validateItems(values, checkRecordItem, 'trajectory')));
}

/** The lists the two functions above returned: every item is zod's output of the record input schemas. */
const parsedInputs = new WeakSet<readonly RecordInput[]>();

function parsed(items: RecordInput[]): RecordInput[] {
  parsedInputs.add(items);
  return items;
}

const trajectoryId = TrajectorySchema.shape.id;
const trajectoryTime = TrajectorySchema.shape.recordedAt;

/**
 * Whether the trajectories decideRecord built from a parsed list are valid against the event schema
 * without validating them again. A trajectory that completes no logged decision is made of its parsed
 * input: TrajectoryInputSchema is TrajectorySchema with id, time and source optional and the decision a
 * route answer, so task, candidates, decision (less caseMemory, which the decider moves to the
 * candidates only under an id they do not hold) and outcome passed the very schemas the event holds;
 * the source is one of the two the decider picks. What the decider adds from the environment, an id and
 * a time, is checked here, as an embedder's environment may hand out anything. A completion of a logged
 * decision takes the decision's fields from the log, which DecisionLogged's schema does not hold to every
 * rule of a trajectory (distinct candidate ids), so a batch with one is validated by the store.
 */
function decidedFromParsedInput(events: readonly EventOf<'TrajectoryRecorded'>[]): boolean {
  return events.every(
    ({ data: { trajectory } }) =>
      trajectory.decision.decisionId === undefined && trajectoryId.safeParse(trajectory.id).success && trajectoryTime.safeParse(trajectory.recordedAt).success,
  );
}

export type RecordResult = { ids: string[]; firstSeq: number; lastSeq: number };

/** Appends the trajectories, and the outcomes of logged decisions, all or nothing; answers their trajectory ids. */
export async function recordTrajectories(session: Session, trajectories: readonly RecordInput[]): Promise<RecordResult> {
  if (trajectories.length === 0) throw new MemabraError('input', 'no trajectories given');
  const { events, appended } = await handleCommand(
    session,
    (state) => decideRecord({ trajectories }, state, decideContext(session.env)),
    parsedInputs.has(trajectories) ? { validated: decidedFromParsedInput } : {},
  );
  return { ids: events.map((event) => event.data.trajectory.id), firstSeq: appended.firstSeq, lastSeq: appended.lastSeq };
}

export async function rollbackTo(
  session: Session,
  target: string,
  reason: string | null,
): Promise<{ fromVersionId: string; toVersionId: string; seq: number }> {
  const { events, appended } = await handleCommand(session, (state) => decideRollback({ target, reason }, state));
  return { ...events[0]!.data, seq: appended.lastSeq };
}
