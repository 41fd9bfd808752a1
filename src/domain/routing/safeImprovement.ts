import type { SafetySettings } from '../../events/model/routerVersion.js';
import { ROUTES, type CandidateKind, type Route, type RouteScores } from '../../events/model/vocabulary.js';

/**
 * What the reward model knows of one request, per route (ROUTES order): its estimate, the evidence for
 * requests of this kind (same words, same best candidates), the evidence for requests of this shape
 * (every feature, the scores' buckets included), which only says what the log did where the kind is new,
 * and, where the request was offered none of a kind of context the route brings, how many times the log
 * took the route so (null where every kind it brings was offered).
 */
export type RouteEvidence = {
  readonly estimates: readonly number[];
  readonly counts: readonly number[];
  readonly shapeCounts: () => readonly number[];
  readonly absentCounts: readonly (number | null)[];
};

/** The kinds of context each route brings in: `composite` is memory and tool, as the baseline rule reads it. */
export const KINDS_BROUGHT: Readonly<Record<Route, readonly CandidateKind[]>> = {
  direct: [],
  memory: ['memory'],
  tool: ['tool'],
  skill: ['skill'],
  composite: ['memory', 'tool'],
};

/** Rewards lie in [0, 1], so a mean of n of them has a standard error of at most 0.5 / sqrt(n). */
function standardError(count: number): number {
  return 0.5 / Math.sqrt(count + 1);
}

/**
 * The logged behaviour's choice for a request: the route with the most evidence for requests like it. An
 * epsilon-greedy router logs its greedy route (1 - epsilon) of the time, so this is the route it took
 * (Simao, Laroche and Tachet des Combes, "Safe Policy Improvement with an Estimated Baseline Policy", 2020:
 * SPIBB with the baseline estimated from the log). Ties go to the earlier route in ROUTES.
 */
export function behaviourRoute(counts: readonly number[], shapeCounts: () => readonly number[]): number {
  const best = (values: readonly number[]): number => {
    let top = 0;
    for (let r = 1; r < values.length; r++) if (values[r]! > values[top]!) top = r;
    return top;
  };
  const byKind = best(counts);
  // Under one sample's worth of requests of this kind, the log says little of it: read what it did for this shape.
  return counts[byKind]! >= KIND_SEEN ? byKind : best(shapeCounts());
}

/** Evidence of at least one sample's worth makes a kind of request known to the log. */
const KIND_SEEN = 1;

/** The gap below the chosen route's score at which every other route is placed, so the greedy route is the choice. */
const BELOW = 1e-6;

/**
 * Safe policy improvement with baseline bootstrapping (Laroche, Trichelair and Tachet des Combes, ICML 2019),
 * for one request of a contextual bandit. The behaviour's choice is `reference` (ROUTES index) when the
 * behaviour router is known, else estimated from the log (`behaviourRoute`). A route whose evidence for this request is under `minEvidence` is
 * bootstrapped: it can never displace the behaviour's choice, whatever its estimate (an estimate from a
 * handful of samples, or from none, is the prior and the neighbours talking). Among the behaviour's route and
 * the routes with enough evidence, the one with the best lower confidence bound wins, so a well-measured
 * route is left only for one that is better by more than its uncertainty.
 *
 * The words of a request lend a route evidence from requests where the retriever offered what the route
 * brings; where it offered none of it, the route's estimate is an extrapolation. So, with
 * `minAbsentEvidence`, such a route must also have been logged that many times with that kind absent
 * (a challenger trained on 2,000 of the rule's trajectories answered `tool` to 126 validation requests
 * with nothing retrieved, on 3 lucky samples: docs/learning.md).
 *
 * With `onlyTo` (a ROUTES index), the behaviour's choice may be left for that route alone.
 *
 * The scores are those lower bounds, arranged so that the greedy route is exactly that choice: every route
 * but the chosen one scores at most just below it.
 */
export function safeRouteScores(evidence: RouteEvidence, settings: SafetySettings, reference: number | null, onlyTo: number | null = null): RouteScores {
  const { estimates, counts, shapeCounts, absentCounts } = evidence;
  const behaviour = reference ?? behaviourRoute(counts, shapeCounts);
  const bounds = ROUTES.map((_, r) => estimates[r]! - settings.pessimism * standardError(counts[r]!));
  // null: every kind the route brings was offered, so nothing is extrapolated and the rule does not apply.
  const supported = (r: number): boolean => settings.minAbsentEvidence === undefined || (absentCounts[r] ?? Infinity) >= settings.minAbsentEvidence;
  let chosen = behaviour;
  ROUTES.forEach((_, r) => {
    const allowed = r !== behaviour && (onlyTo === null || r === onlyTo);
    if (allowed && counts[r]! >= settings.minEvidence && supported(r) && bounds[r]! > bounds[chosen]!) chosen = r;
  });
  const scores = {} as Record<Route, number>;
  ROUTES.forEach((route, r) => {
    scores[route] = r === chosen ? bounds[r]! : Math.min(bounds[r]!, bounds[chosen]! - BELOW);
  });
  return scores;
}

/** The ROUTES index of the best-scoring route; ties to the earlier route, as `greedyRoute` breaks them. */
export function greedyIndex(scores: RouteScores): number {
  let best = 0;
  ROUTES.forEach((route, r) => {
    if (scores[route] > scores[ROUTES[best]!]) best = r;
  });
  return best;
}

/** The ROUTES index of the second-best route: the best of the others than `greedy`; ties to the earlier route. */
export function runnerUpIndex(scores: RouteScores, greedy: number = greedyIndex(scores)): number {
  let best = -1;
  ROUTES.forEach((route, r) => {
    if (r !== greedy && (best < 0 || scores[route] > scores[ROUTES[best]!])) best = r;
  });
  return best;
}
