import type { DecisionLoggedData, EventOf } from '../events/catalogue.js';
import { decisionStanding, trajectorySeq, type MemabraState } from '../projections/state.js';
import type { DecideContext } from './decideContext.js';
import { decided, refused, type Decided, type DomainError } from './domainError.js';
import { offeredCandidates, sameJson } from './recordInput.js';
import {
  isOutcomeReport,
  type Candidate,
  type Decision,
  type RecordInput,
  type RouteAnswer,
  type Trajectory,
  type TrajectoryInput,
} from '../events/model/vocabulary.js';

export type RecordCommand = { readonly trajectories: readonly RecordInput[] };

/** The decision as the log holds it: what a trajectory completing it carries. */
function loggedDecision(logged: DecisionLoggedData): Decision {
  const { decisionId, route, selected, routerVersionId, propensity, scores } = logged;
  return { decisionId, route, selected: [...selected], routerVersionId, propensity, scores };
}

/** The answer `route` gave for a logged decision, field for field (routeRequests.ts builds the same). */
export function loggedAnswer(logged: DecisionLoggedData): RouteAnswer {
  const caseMemory = logged.candidates.find((c) => c.id === logged.caseMemoryId);
  return { ...loggedDecision(logged), ...(caseMemory ? { caseMemory } : {}) };
}

const shown = (value: unknown): string => {
  if (value === undefined) return 'absent';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

/** Candidates as a set: the same ids with the same content, in any order. */
function sameCandidates(a: readonly Candidate[], b: readonly Candidate[]): boolean {
  if (a.length !== b.length) return false;
  const byId = new Map(b.map((c) => [c.id, c]));
  return a.every((c) => byId.has(c.id) && sameJson(c, byId.get(c.id)));
}

/**
 * What a full trajectory says differently from the decision `route` logged, one phrase per field. The
 * decision is compared field for field; its case memory may stay in it or have moved to the candidates
 * (the same candidate either way), so what is compared is the whole of what was offered.
 */
function differences(input: TrajectoryInput, logged: DecisionLoggedData): string[] {
  const out: string[] = [];
  const { caseMemory: givenMemory, ...givenDecision } = input.decision;
  const { caseMemory: loggedMemory, ...answer } = loggedAnswer(logged);
  const given = givenDecision as Record<string, unknown>;
  const expected = answer as Record<string, unknown>;
  for (const key of new Set([...Object.keys(expected), ...Object.keys(given)])) {
    if (!sameJson(given[key] ?? null, expected[key] ?? null) || key in given !== key in expected) {
      out.push(`decision.${key} is ${shown(given[key])}, logged ${shown(expected[key])}`);
    }
  }
  if (givenMemory && !sameJson(givenMemory, loggedMemory ?? null)) out.push(`decision.caseMemory is ${shown(givenMemory)}, logged ${shown(loggedMemory)}`);
  const task = input.task as Record<string, unknown>;
  const request = logged.request as Record<string, unknown>;
  for (const key of new Set([...Object.keys(request), ...Object.keys(task)])) {
    if (!sameJson(task[key] ?? null, request[key] ?? null)) out.push(`task.${key} is ${shown(task[key])}, logged ${shown(request[key])}`);
  }
  const offered = offeredCandidates(input.candidates, givenMemory);
  if (!sameCandidates(offered, logged.candidates)) {
    const missing = logged.candidates.filter((c) => !offered.some((o) => o.id === c.id)).map((c) => c.id);
    const what = missing.length ? `; missing ${missing.map((id) => `"${id}"`).join(', ')}` : '';
    out.push(`candidates are not those offered (${logged.candidates.length} logged, ${offered.length} given${what})`);
  }
  return out;
}

type Completion = { readonly decisionId: string; readonly item: number };

/**
 * Records a batch of trajectories and outcomes of logged decisions, giving each trajectory an id, a time and
 * a source where the caller left them out. An outcome by decision id becomes the trajectory the log already
 * holds the rest of; a full trajectory naming a decision id must say what `route` answered, field for field.
 * The logged request, candidates, route, selection and propensity are what is recorded either way. A known
 * trajectory id, an unknown decision id, or a decision that already has its outcome refuses the whole batch.
 */
export function decideRecord(command: RecordCommand, state: MemabraState, context: DecideContext): Decided<EventOf<'TrajectoryRecorded'>[]> {
  if (!state.active) return refused({ type: 'not-initialised' });
  const inBatch = new Map<string, number>();
  const decisionsInBatch = new Map<string, number>();
  const events: EventOf<'TrajectoryRecorded'>[] = [];
  for (const [index, input] of command.trajectories.entries()) {
    const built = buildTrajectory(input, index, state, context, decisionsInBatch);
    if (!built.ok) return built;
    const trajectory = built.value;
    const existing = trajectorySeq(state, trajectory.id);
    if (existing !== undefined) return refused({ type: 'duplicate-trajectory', trajectoryId: trajectory.id, where: `at seq ${existing}` });
    const earlier = inBatch.get(trajectory.id);
    if (earlier !== undefined) {
      return refused({ type: 'duplicate-trajectory', trajectoryId: trajectory.id, where: `items ${earlier + 1} and ${index + 1} of this batch` });
    }
    inBatch.set(trajectory.id, index);
    events.push({ type: 'TrajectoryRecorded', data: { trajectory } });
  }
  return decided(events);
}

function completionRefusal(completion: Completion, state: MemabraState, decisionsInBatch: Map<string, number>): DomainError | DecisionLoggedData {
  const { decisionId, item } = completion;
  const earlier = decisionsInBatch.get(decisionId);
  if (earlier !== undefined) return { type: 'decision-completed', decisionId, where: `items ${earlier + 1} and ${item + 1} of this batch` };
  const standing = decisionStanding(state, decisionId);
  switch (standing.status) {
    case 'unknown':
      return { type: 'decision-unknown', decisionId };
    case 'completed':
      return { type: 'decision-completed', decisionId, where: `recorded at seq ${standing.seq}` };
    case 'pending':
      decisionsInBatch.set(decisionId, item);
      return standing.decision.data;
    default:
      return standing satisfies never;
  }
}

const isRefusal = (value: DomainError | DecisionLoggedData): value is DomainError => 'type' in value;

function buildTrajectory(
  input: RecordInput,
  index: number,
  state: MemabraState,
  context: DecideContext,
  decisionsInBatch: Map<string, number>,
): Decided<Trajectory> {
  if (isOutcomeReport(input)) {
    const logged = completionRefusal({ decisionId: input.decisionId, item: index }, state, decisionsInBatch);
    if (isRefusal(logged)) return refused(logged);
    return decided({
      id: context.newId(),
      recordedAt: context.now,
      source: 'live',
      task: logged.request,
      candidates: logged.candidates,
      decision: loggedDecision(logged),
      outcome: input.outcome,
    });
  }
  const { caseMemory, ...decision } = input.decision;
  const common = { id: input.id ?? context.newId(), recordedAt: input.recordedAt ?? context.now, outcome: input.outcome };
  if (decision.decisionId === undefined) {
    return decided({
      ...common,
      source: input.source ?? (input.id ? 'import' : 'live'),
      task: input.task,
      candidates: offeredCandidates(input.candidates, caseMemory),
      decision,
    });
  }
  const logged = completionRefusal({ decisionId: decision.decisionId, item: index }, state, decisionsInBatch);
  if (isRefusal(logged)) return refused(logged);
  const differ = differences(input, logged);
  if (differ.length) return refused({ type: 'decision-mismatch', decisionId: decision.decisionId, item: index + 1, differences: differ });
  return decided({ ...common, source: input.source ?? 'live', task: logged.request, candidates: logged.candidates, decision: loggedDecision(logged) });
}

/** What `record` answers: the ids of the trajectories it recorded, in the order given. */
export function recordedIds(events: readonly EventOf<'TrajectoryRecorded'>[]): string[] {
  return events.map((event) => event.data.trajectory.id);
}
