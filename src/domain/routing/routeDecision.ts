import type { RouterVersion } from '../../events/model/routerVersion.js';
import { ROUTES, type Decision, type Route, type RouteScores } from '../../events/model/vocabulary.js';
import { scoreBaseline } from './baselineRouter.js';
import { scoreLearned } from './learnedRouter.js';
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

/** Epsilon-greedy: the probability of each route given the greedy one. */
export function routeProbabilities(greedy: Route, explorationRate: number): Record<Route, number> {
  const share = explorationRate / ROUTES.length;
  const probabilities = { direct: share, memory: share, tool: share, skill: share, composite: share };
  probabilities[greedy] += 1 - explorationRate;
  return probabilities;
}

/**
 * Decides one request. `uniform` in [0, 1) is the only randomness, passed in so the decision is
 * reproducible: below the exploration rate it picks a route uniformly at random, else the greedy one.
 * The propensity is the probability this policy had of choosing the route it chose.
 */
export function decideRoute(
  version: RouterVersion,
  context: RouteContext,
  uniform: number,
  options: { greedy?: boolean } = {},
): Decision {
  const scores = scoreRoutes(version, context);
  const greedy = greedyRoute(scores);
  const rate = options.greedy ? 0 : version.explorationRate;
  const route = uniform < rate ? ROUTES[Math.min(ROUTES.length - 1, Math.floor((uniform / rate) * ROUTES.length))]! : greedy;
  return {
    route,
    selected: selectCandidates(route, context.candidates),
    routerVersionId: version.id,
    propensity: routeProbabilities(greedy, rate)[route],
    scores,
  };
}
