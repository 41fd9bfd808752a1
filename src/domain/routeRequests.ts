import { CASE_CANDIDATE_PREFIX, normaliseInput, type CaseEntry } from './caseMemory.js';
import type { MemabraState } from '../projections/state.js';
import { refused, decided, type Decided } from './domainError.js';
import type { RouterVersion } from './routerVersion.js';
import { decideRoute } from './routing/routeDecision.js';
import type { CaseHint } from './routing/routeContext.js';
import type { Candidate, Decision, RouteRequest } from './vocabulary.js';

/** A route answer: the decision, and the episodic memory added when the case index knew the request. */
export type RouteAnswer = Decision & { caseMemory?: Candidate };

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

/**
 * Decides each request with the active router (exploration included: `uniforms` are its random draws).
 * A case hit adds its episodic memory as a candidate and gives the router the hint as a feature.
 */
export function decideRoutes(
  requests: readonly RouteRequest[],
  state: MemabraState,
  uniforms: () => number,
): Decided<{ version: RouterVersion; answers: RouteAnswer[] }> {
  const active = state.active ? state.versions.get(state.active.versionId) : undefined;
  if (!active) return refused({ type: 'not-initialised' });
  const version = active.version;
  const answers = requests.map((request): RouteAnswer => {
    const hit = state.cases.get(normaliseInput(request.input));
    const memory = hit ? caseCandidate(hit) : undefined;
    const candidates = memory ? [...request.candidates, memory] : request.candidates;
    const caseHint: CaseHint | null = hit && memory ? { route: hit.route, reward: hit.reward, candidateId: memory.id } : null;
    const decision = decideRoute(version, { input: request.input, candidates, caseHint }, uniforms());
    return memory ? { ...decision, caseMemory: memory } : decision;
  });
  return decided({ version, answers });
}
