import type { BenchmarkSuite } from '../../events/model/benchmarkSuite.js';
import type { Metrics } from '../../events/model/metrics.js';
import type { RouterVersion } from '../../events/model/routerVersion.js';
import { decideRoute } from '../routing/routeDecision.js';
import type { Route } from '../../events/model/vocabulary.js';
import { computeMetrics } from './metrics.js';

export type SuiteScore = {
  readonly metrics: Metrics;
  /** Per-task rewards in suite order, for paired statistics. */
  readonly rewards: Float64Array;
  readonly routes: readonly Route[];
};

/**
 * Scores a router on a suite: each task decided greedily (no exploration, no case memory, so the score is a
 * function of the router and the suite alone), its listed outcome looked up, all aggregated.
 */
export function scoreSuite(version: RouterVersion, suite: BenchmarkSuite): SuiteScore {
  const rewards = new Float64Array(suite.tasks.length);
  const routes: Route[] = [];
  const scored = suite.tasks.map((task, index) => {
    const { route } = decideRoute(version, { input: task.input, candidates: task.candidates, category: task.category }, 0, { greedy: true });
    const outcome = task.outcomes[route];
    rewards[index] = outcome.reward;
    routes.push(route);
    return { category: task.category, outcome };
  });
  return { metrics: computeMetrics(scored), rewards, routes };
}
