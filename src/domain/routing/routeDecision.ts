import type { RouterVersion } from '../../events/model/routerVersion.js';
import { ROUTES, type Decision, type Route, type RouteScores } from '../../events/model/vocabulary.js';
import { scoreBaseline } from './baselineRouter.js';
import { scoreLearned } from './learnedRouter.js';
import { runnerUpIndex } from './safeImprovement.js';
import { LEARNED_RUNNER_UP_SHARE } from '../exploration.js';
import { selectCandidates, type RouteContext } from './routeContext.js';

/** Each route's score under a router version: higher is better (the learned router's are expected rewards). */
export function scoreRoutes(version: RouterVersion, context: RouteContext): RouteScores {
  switch (version.kind) {
    case 'baseline':
      return scoreBaseline(version.params, context);
    case 'learned':
      return scoreLearned(version, context);
    case 'constant':
      return oneHot(version.route);
    case 'oracle':
      return oneHot(context.category ?? 'direct');
    default:
      return version satisfies never;
  }
}

function oneHot(route: Route): RouteScores {
  return { direct: 0, memory: 0, tool: 0, skill: 0, composite: 0, [route]: 1 };
}

/** The best-scoring route; ties go to the earlier route in ROUTES (direct first: the cheapest). */
export function greedyRoute(scores: RouteScores): Route {
  let best: Route = 'direct';
  for (const route of ROUTES) if (scores[route] > scores[best]) best = route;
  return best;
}

/** The second-best route: the best of the others; ties go to the earlier route in ROUTES, as for the greedy one. */
export function runnerUpRoute(scores: RouteScores, greedy: Route): Route {
  return ROUTES[runnerUpIndex(scores, ROUTES.indexOf(greedy))]!;
}

/** How a version explores: its rate, and the share of it that goes to the runner-up route. */
export type Exploration = { readonly rate: number; readonly runnerUpShare: number };

export function explorationOf(version: RouterVersion, options: { greedy?: boolean } = {}): Exploration {
  return { rate: options.greedy ? 0 : version.explorationRate, runnerUpShare: version.runnerUpShare ?? 0 };
}

/**
 * The runner-up share of a challenger trained to replace `active`: a learned router's own; the rule's (or
 * another fixed router's), at most `LEARNED_RUNNER_UP_SHARE`. Absent where `active` has none (it explores
 * uniformly, as versions registered before the share did).
 */
export function challengerRunnerUpShare(active: RouterVersion): number | undefined {
  const share = active.runnerUpShare;
  if (share === undefined || active.kind === 'learned') return share;
  return Math.min(share, LEARNED_RUNNER_UP_SHARE);
}

/**
 * The probability of each route: the greedy one with 1 - rate; of the exploring rate, the runner-up's
 * share goes to the runner-up and the rest is spread uniformly over every route (the greedy included).
 */
export function routeProbabilities(scores: RouteScores, exploration: Exploration): Record<Route, number> {
  const greedy = greedyRoute(scores);
  const { rate, runnerUpShare } = exploration;
  const share = (rate * (1 - runnerUpShare)) / ROUTES.length;
  const probabilities = { direct: share, memory: share, tool: share, skill: share, composite: share };
  probabilities[greedy] += 1 - rate;
  probabilities[runnerUpRoute(scores, greedy)] += rate * runnerUpShare;
  return probabilities;
}

/** The probability of each route under a version for this request, its exploration included: what `route` draws from. */
export function policyProbabilities(version: RouterVersion, context: RouteContext): Record<Route, number> {
  return routeProbabilities(scoreRoutes(version, context), explorationOf(version));
}

/**
 * The route a uniform draw in [0, 1) picks: below rate * runnerUpShare the runner-up, below the rate a
 * uniformly random route, else the greedy one. Uniform alone (no runner-up share), the draws pick exactly
 * the routes they always have, so versions registered before the share decide as they did.
 */
function drawRoute(scores: RouteScores, exploration: Exploration, uniform: number): Route {
  const greedy = greedyRoute(scores);
  const { rate, runnerUpShare } = exploration;
  if (uniform >= rate) return greedy;
  const runnerUp = rate * runnerUpShare;
  if (uniform < runnerUp) return runnerUpRoute(scores, greedy);
  return ROUTES[Math.min(ROUTES.length - 1, Math.floor(((uniform - runnerUp) / (rate - runnerUp)) * ROUTES.length))]!;
}

/**
 * Decides one request. `uniform` in [0, 1) is the only randomness, passed in so the decision is
 * reproducible (`drawRoute`). The propensity is the probability this policy had of choosing the route it chose.
 */
export function decideRoute(version: RouterVersion, context: RouteContext, uniform: number, options: { greedy?: boolean } = {}): Decision {
  const scores = scoreRoutes(version, context);
  const exploration = explorationOf(version, options);
  const route = drawRoute(scores, exploration, uniform);
  return {
    route,
    selected: selectCandidates(route, context.candidates),
    routerVersionId: version.id,
    propensity: routeProbabilities(scores, exploration)[route],
    scores,
  };
}
