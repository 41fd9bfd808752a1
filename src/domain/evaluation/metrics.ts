import type { CategoryMetrics, Metrics } from '../../events/model/metrics.js';
import { ROUTES, type Outcome, type Route } from '../../events/model/vocabulary.js';

export type ScoredTask = { readonly category: Route | undefined; readonly outcome: Outcome };

/** Nearest-rank percentile of an already sorted list. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** Aggregates outcomes into the metrics of docs/formats.md; independent of task order. */
export function computeMetrics(tasks: readonly ScoredTask[]): Metrics {
  const n = tasks.length;
  let reward = 0;
  let errors = 0;
  let latency = 0;
  const categories = new Map<Route, { n: number; reward: number; errors: number }>();
  for (const { category, outcome } of tasks) {
    reward += outcome.reward;
    latency += outcome.latencyMs;
    if (outcome.error) errors += 1;
    if (category) {
      const c = categories.get(category) ?? { n: 0, reward: 0, errors: 0 };
      c.n += 1;
      c.reward += outcome.reward;
      if (outcome.error) c.errors += 1;
      categories.set(category, c);
    }
  }
  const byCategory: Partial<Record<Route, CategoryMetrics>> = {};
  for (const route of ROUTES) {
    const c = categories.get(route);
    if (c) byCategory[route] = { taskCount: c.n, meanReward: c.reward / c.n, errorRate: c.errors / c.n };
  }
  const latencies = tasks.map((t) => t.outcome.latencyMs).sort((a, b) => a - b);
  return {
    taskCount: n,
    meanReward: n ? reward / n : 0,
    errorRate: n ? errors / n : 0,
    meanLatencyMs: n ? latency / n : 0,
    p95LatencyMs: percentile(latencies, 0.95),
    byCategory,
  };
}
