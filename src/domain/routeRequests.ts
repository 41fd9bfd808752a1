import { CASE_CANDIDATE_PREFIX, normaliseInput, type CaseEntry } from '../projections/caseMemory.js';
import type { EventOf } from '../events/catalogue.js';
import { caseOf } from '../projections/caseTable.js';
import type { MemabraState } from '../projections/state.js';
import type { DecideContext } from './decideContext.js';
import { refused, decided, type Decided } from './domainError.js';
import type { RouterVersion } from '../events/model/routerVersion.js';
import { decideRoute } from './routing/routeDecision.js';
import type { CaseHint } from './routing/routeContext.js';
import type { Candidate, CheckedRouteRequest, RouteAnswer } from '../events/model/vocabulary.js';

export type { RouteAnswer } from '../events/model/vocabulary.js';

/** The episodic memory candidate that a case-index hit brings: the summary of how it went last time. */
export function caseCandidate(entry: CaseEntry): Candidate {
  return {
    id: `${CASE_CANDIDATE_PREFIX}${entry.trajectoryId}`,
    kind: 'memory',
    name: 'episode: the same request before',
    description: entry.summary,
    score: Math.max(0.01, Math.min(1, entry.reward)),
  };
}

export type RoutedRequests = {
  readonly version: RouterVersion;
  readonly answers: RouteAnswer[];
  /** One DecisionLogged per answer, in order; none when the decisions are not logged. */
  readonly events: EventOf<'DecisionLogged'>[];
};

export type RouteCommand = {
  readonly requests: readonly CheckedRouteRequest[];
  /** False: decide without logging (previews, evaluation): no events, and the answers carry no decisionId. */
  readonly log: boolean;
};

/**
 * Decides each request with the active router (exploration included: the context's uniform draws are its
 * randomness). A case hit adds its episodic memory as a candidate (unless the caller already offers it) and
 * gives the router the hint as a feature. Logged, every decision gets a decision id and a DecisionLogged
 * event holding the request, the candidates as offered and what was chosen, with which probability, so
 * the outcome can be reported later by that id alone. What `route` answers is the decision's `answers`.
 */
export function decideRoutes(command: RouteCommand, state: MemabraState, context: DecideContext): Decided<RoutedRequests> {
  const active = state.active ? state.versions.get(state.active.versionId) : undefined;
  if (!active) return refused({ type: 'not-initialised' });
  const version = active.version;
  const events: EventOf<'DecisionLogged'>[] = [];
  const answers = command.requests.map((request): RouteAnswer => {
    const hit = caseOf(state.cases, normaliseInput(request.input));
    const fresh = hit ? caseCandidate(hit) : undefined;
    const memory = fresh && !request.candidates.some((c) => c.id === fresh.id) ? fresh : undefined;
    const candidates = memory ? [...request.candidates, memory] : request.candidates;
    const caseHint: CaseHint | null = hit && memory ? { route: hit.route, reward: hit.reward, candidateId: memory.id } : null;
    const decision = decideRoute(version, { input: request.input, candidates, caseHint }, context.uniform());
    const withMemory = memory ? { ...decision, caseMemory: memory } : decision;
    if (!command.log) return withMemory;
    const decisionId = context.newId();
    const { input, category, metadata } = request;
    events.push({
      type: 'DecisionLogged',
      data: {
        decisionId,
        decidedAt: context.now,
        request: { input, ...(category !== undefined ? { category } : {}), ...(metadata !== undefined ? { metadata } : {}) },
        candidates: [...candidates],
        caseMemoryId: memory?.id ?? null,
        route: decision.route,
        selected: decision.selected,
        routerVersionId: version.id,
        propensity: decision.propensity!,
        scores: decision.scores!,
      },
    });
    return { decisionId, ...withMemory };
  });
  return decided({ version, answers, events });
}
