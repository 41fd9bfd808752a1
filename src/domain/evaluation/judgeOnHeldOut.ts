import type { OffPolicyReport } from '../../events/catalogue.js';
import type { CategoryMetrics, Metrics } from '../../events/model/metrics.js';
import type { RouterVersion } from '../../events/model/routerVersion.js';
import { greedyRoute, policyProbabilities, scoreRoutes } from '../routing/routeDecision.js';
import type { CaseHint, RouteContext } from '../routing/routeContext.js';
import { ROUTES, type Route, type Trajectory } from '../../events/model/vocabulary.js';
import type { Judgement } from './judgement.js';
import { estimatePolicyValue, type LoggedSample } from './offPolicy.js';
import { comparePaired, type BootstrapOptions } from './pairedOutcomes.js';

/** A held-out trajectory, with the case hint `route` could have seen for it (from the trajectories before it). */
export type HeldOutSample = { readonly seq: number; readonly trajectory: Trajectory; readonly caseHint: CaseHint | null };

/**
 * A direct-method model of each outcome per route, in ROUTES order, fitted on the training share only: the
 * doubly robust estimator stays unbiased whatever it is (given right propensities); a better model only
 * narrows the intervals.
 */
export type OutcomeModel = { readonly reward: readonly number[]; readonly error: readonly number[]; readonly latency: readonly number[] };

type Side = { reward: number; error: number; latency: number; weight: number };

/** Where the judge finds the router versions that logged the held-out trajectories (the log's versions). */
export type LoggerLookup = (versionId: string) => RouterVersion | undefined;

const contextOf = ({ trajectory, caseHint }: HeldOutSample) => ({ input: trajectory.task.input, candidates: trajectory.candidates, caseHint });

/**
 * What the routers that logged a held-out trajectory could have done with it: the propensity it is weighted
 * by, and, where those routers are known, the probability they gave each route (null where they are not:
 * imported decisions, a propensity its version does not reproduce), which says which routes the log could
 * have shown there at all.
 */
export type LoggingPolicy = { readonly propensity: number; readonly probabilities: Readonly<Record<Route, number>> | null };

/**
 * The propensity each held-out trajectory is weighted by. The held-out share spans every router that was
 * active while it was logged, and a route the latest one takes greedily may have been one an earlier router
 * tried on 1% of its traffic: weighted by 100, a few such trajectories decide the interval. So the
 * trajectories logged by versions the log holds are weighted by the mixture of those versions instead, each
 * counted by how many of the trajectories it logged: the balance heuristic of multiple importance sampling
 * (Veach and Guibas, 1995; for logged bandit feedback, Agarwal, Basu, Schnabel and Joachims, "Effective
 * Evaluation using Logged Bandit Feedback from Multiple Loggers", KDD 2017). It stays unbiased, and a
 * trajectory's weight is bounded by what every logger would have given its route, counted by its share of
 * the trajectories, not by the one logger that happened to log it. A trajectory counts as its version's only when that
 * version, deciding again, gives its route exactly the recorded propensity (a case hint the log no longer
 * reproduces, an imported decision); any other keeps its recorded propensity.
 */
export function loggingPolicies(samples: readonly HeldOutSample[], loggerOf: LoggerLookup): LoggingPolicy[] {
  const own = samples.map((sample) => {
    const { decision } = sample.trajectory;
    const version = decision.routerVersionId === undefined ? undefined : loggerOf(decision.routerVersionId);
    if (!version) return null;
    const probabilities = policyProbabilities(version, contextOf(sample));
    return Math.abs(probabilities[decision.route] - decision.propensity!) <= 1e-9 ? { version, probabilities } : null;
  });
  const counts = new Map<RouterVersion, number>();
  for (const logger of own) if (logger) counts.set(logger.version, (counts.get(logger.version) ?? 0) + 1);
  const mixed = [...counts.values()].reduce((a, b) => a + b, 0);
  return samples.map((sample, i) => {
    const { route, propensity } = sample.trajectory.decision;
    const logger = own[i];
    if (!logger) return { propensity: propensity!, probabilities: null };
    if (counts.size < 2) return { propensity: propensity!, probabilities: logger.probabilities };
    const context = contextOf(sample);
    const probabilities = { direct: 0, memory: 0, tool: 0, skill: 0, composite: 0 };
    let p = 0;
    for (const [version, n] of counts) {
      const theirs = version === logger.version ? logger.probabilities : policyProbabilities(version, context);
      for (const r of ROUTES) probabilities[r] += (n / mixed) * theirs[r];
      // Its own version's probability is the recorded propensity (checked above).
      p += (n / mixed) * (version === logger.version ? propensity! : theirs[route]);
    }
    return { propensity: p, probabilities };
  });
}

function weightedPercentile(values: readonly number[], weights: readonly number[], p: number): number {
  const order = values
    .map((_, i) => i)
    .filter((i) => weights[i]! > 0)
    .sort((a, b) => values[a]! - values[b]!);
  const total = order.reduce((sum, i) => sum + weights[i]!, 0);
  if (total <= 0) return 0;
  let cumulative = 0;
  for (const i of order) {
    cumulative += weights[i]!;
    if (cumulative >= p * total) return values[i]!;
  }
  return values[order[order.length - 1]!]!;
}

function metricsOf(sides: readonly Side[], categories: readonly (Route | undefined)[], latencies: readonly number[]): Metrics {
  const n = sides.length;
  const sum = (pick: (s: Side) => number, keep: (i: number) => boolean = () => true) => sides.reduce((acc, s, i) => (keep(i) ? acc + pick(s) : acc), 0);
  const byCategory: Partial<Record<Route, CategoryMetrics>> = {};
  for (const route of ROUTES) {
    const keep = (i: number) => categories[i] === route;
    const count = categories.filter((c) => c === route).length;
    if (count) byCategory[route] = { taskCount: count, meanReward: sum((s) => s.reward, keep) / count, errorRate: sum((s) => s.error, keep) / count };
  }
  return {
    taskCount: n,
    meanReward: n ? sum((s) => s.reward) / n : 0,
    errorRate: n ? sum((s) => s.error) / n : 0,
    meanLatencyMs: n ? sum((s) => s.latency) / n : 0,
    p95LatencyMs: weightedPercentile(
      latencies,
      sides.map((s) => s.weight),
      0.95,
    ),
    byCategory,
  };
}

type Outcomes = { readonly reward: number; readonly error: number; readonly latency: number };

/**
 * A router's doubly robust terms on one held-out trajectory (logged route `a`, its loggers' `policy`): the
 * route g it would choose greedily, its importance weight, and q(g) + [a = g] / p * (f - q(a)) per outcome.
 * Where no router that logged the trajectory could have taken g, no logged outcome can ever correct the
 * model's guess q(g), and the estimate would rest on it alone: g then counts at `unshown`, and `shown` is false.
 */
function doublyRobustSide(
  version: RouterVersion,
  context: RouteContext,
  a: number,
  policy: LoggingPolicy,
  outcome: Outcomes,
  model: OutcomeModel,
  unshown: Outcomes,
): Side & { route: number; shown: boolean } {
  const g = ROUTES.indexOf(greedyRoute(scoreRoutes(version, context)));
  if (policy.probabilities !== null && policy.probabilities[ROUTES[g]!] === 0) return { route: g, weight: 0, shown: false, ...unshown };
  const weight = a === g ? 1 / policy.propensity : 0;
  const term = (f: number, q: readonly number[]) => q[g]! + weight * (f - q[a]!);
  return {
    route: g,
    weight,
    shown: true,
    reward: term(outcome.reward, model.reward),
    error: term(outcome.error, model.error),
    latency: term(outcome.latency, model.latency),
  };
}

/**
 * Both routers judged on the log's held-out traffic, off-policy (Dudik, Langford and Li, "Doubly Robust
 * Policy Evaluation and Learning", ICML 2011). Each router is its greedy policy, as on a suite. For every
 * held-out trajectory x with logged route a, propensity p (the loggers' mixture: `loggingPolicies`) and
 * outcome f (reward, error, latency), a router choosing g has the doubly robust term q(g) + [a = g] / p * (f - q(a)), with q the outcome model;
 * the per-trajectory difference of the two routers' terms is one paired unit. The weights [a = g] / p also
 * give the self-normalised (SNIPS) estimate of the reward difference. The metrics are the doubly robust
 * means (estimates: they can stray outside [0, 1] on thin evidence).
 *
 * What the log cannot show counts against the challenger: where it chooses a route none of the trajectory's
 * loggers could have taken (a logger that never explores, or explores only its runner-up), its terms are the
 * worst outcome (reward 0, an error, the slowest latency held out), and the baseline's, in the same case, the
 * best (`offPolicy.unsupported` counts the challenger's). Rewards lie in [0, 1], so the reward's paired
 * estimate is then a lower bound of the gain wherever the log is blind, never a guess that could promote.
 */
export function judgeOnHeldOut(
  baseline: RouterVersion,
  challenger: RouterVersion,
  samples: readonly HeldOutSample[],
  model: OutcomeModel,
  options: BootstrapOptions,
  loggerOf: LoggerLookup = () => undefined,
): Judgement & { offPolicy: OffPolicyReport } {
  const n = samples.length;
  const policies = loggingPolicies(samples, loggerOf);
  const slowest = samples.reduce((max, s) => Math.max(max, s.trajectory.outcome.latencyMs), 0);
  const worst: Outcomes = { reward: 0, error: 1, latency: slowest };
  const best: Outcomes = { reward: 1, error: 0, latency: 0 };
  let unsupported = 0;
  const units = {
    reward: new Float64Array(n),
    error: new Float64Array(n),
    latency: new Float64Array(n),
    category: new Int8Array(n),
    snips: { baselineWeight: new Float64Array(n), challengerWeight: new Float64Array(n), reward: new Float64Array(n) },
  };
  const before: Side[] = [];
  const after: Side[] = [];
  const categories: (Route | undefined)[] = [];
  const latencies: number[] = [];
  const logged: { baseline: LoggedSample[]; challenger: LoggedSample[] } = { baseline: [], challenger: [] };
  samples.forEach((sample, i) => {
    const { trajectory } = sample;
    const context = contextOf(sample);
    const a = ROUTES.indexOf(trajectory.decision.route);
    const policy = policies[i]!;
    const p = policy.propensity;
    const outcome = { reward: trajectory.outcome.reward, error: trajectory.outcome.error ? 1 : 0, latency: trajectory.outcome.latencyMs };
    const b = doublyRobustSide(baseline, context, a, policy, outcome, model, best);
    const c = doublyRobustSide(challenger, context, a, policy, outcome, model, worst);
    if (!c.shown) unsupported += 1;
    before.push(b);
    after.push(c);
    units.reward[i] = c.reward - b.reward;
    units.error[i] = c.error - b.error;
    units.latency[i] = c.latency - b.latency;
    units.category[i] = trajectory.task.category ? ROUTES.indexOf(trajectory.task.category) : -1;
    units.snips.baselineWeight[i] = b.weight;
    units.snips.challengerWeight[i] = c.weight;
    units.snips.reward[i] = outcome.reward;
    categories.push(trajectory.task.category);
    latencies.push(outcome.latency);
    const target = (g: number) => ROUTES.map((_, r) => (r === g ? 1 : 0));
    logged.baseline.push({ route: a, reward: outcome.reward, propensity: p, target: target(b.route), predicted: model.reward });
    logged.challenger.push({ route: a, reward: outcome.reward, propensity: p, target: target(c.route), predicted: model.reward });
  });
  const { comparison, paired } = comparePaired('paired-dr-bootstrap', units, options);
  return {
    baseline: metricsOf(before, categories, latencies),
    challenger: metricsOf(after, categories, latencies),
    comparison,
    paired,
    offPolicy: { sampleCount: n, baseline: estimatePolicyValue(logged.baseline), challenger: estimatePolicyValue(logged.challenger), unsupported },
  };
}
