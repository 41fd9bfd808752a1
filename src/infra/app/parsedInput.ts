import { checkRecordItem, checkRouteRequest } from '../../domain/recordInput.js';
import { parseItems, validateItems } from '../../domain/trajectoryInput.js';
import type { EventOf } from '../../events/catalogue.js';
import { TrajectorySchema, type CheckedRouteRequest, type RecordInput } from '../../events/model/vocabulary.js';
import { unwrap } from './refusalErrors.js';

/**
 * The items the edges hand to `record` and `route`, parsed from text (JSON or JSON Lines) or checked as
 * values (the library, MCP, HTTP), every problem of a batch in one line; and, for `record`, what such a
 * parse vouches for when the store seals the events decided from it (`recordVouchedFor`).
 */

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

/** True when `events` were decided from a list parsed above and hold nothing the parse did not check. */
export function recordVouchedFor(trajectories: readonly RecordInput[], events: readonly EventOf<'TrajectoryRecorded'>[]): boolean {
  return parsedInputs.has(trajectories) && decidedFromParsedInput(events);
}

export function parseRouteRequests(text: string): CheckedRouteRequest[] {
  return unwrap(parseItems(text, checkRouteRequest, 'request'));
}

export function validateRouteRequests(values: readonly unknown[]): CheckedRouteRequest[] {
  return unwrap(validateItems(values, checkRouteRequest, 'request'));
}
