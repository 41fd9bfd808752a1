import type { OutcomeComparison, PairedInterval } from '../events/catalogue.js';
import type { Metrics } from '../events/model/metrics.js';
import type { GateResult, PromotionPolicy } from '../events/model/promotionPolicy.js';
import { ROUTES } from '../events/model/vocabulary.js';

/** What a challenger is judged on: both routers' metrics and the paired comparison of their outcomes. */
export type PromotionEvidence = {
  readonly baseline: Metrics;
  readonly challenger: Metrics;
  readonly comparison: OutcomeComparison;
};

export type PromotionVerdict = { readonly accepted: boolean; readonly reasons: GateResult[] };

const signed = (x: number, digits = 4) => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;
const percent = (x: number) => `${(x * 100).toFixed(2)}%`;
const points = (x: number) => `${signed(x * 100, 2)}`;
const ci = (level: number, i: PairedInterval, show: (x: number) => string) => `${(level * 100).toFixed(0)}% CI ${show(i.lower)} to ${show(i.upper)}`;

/**
 * The lower bound the reward gate reads. On held-out traffic both paired off-policy estimates must show
 * the gain: the doubly robust one is unbiased when the propensities are right, the self-normalised one
 * does not lean on a reward model, and a challenger only one of them favours has not shown it is better.
 */
export function rewardLowerBound(comparison: OutcomeComparison): number {
  return comparison.snipsReward ? Math.min(comparison.reward.lower, comparison.snipsReward.lower) : comparison.reward.lower;
}

/**
 * Every gate is evaluated and reported with its numbers, passing or failing; the challenger is accepted
 * only when all pass. Each gate is monotone: a better challenger (higher bounds on reward, lower bounds on
 * errors and latency) can only turn a gate from failing to passing, and a stricter policy never passes more.
 */
export function evaluatePromotion(evidence: PromotionEvidence, policy: PromotionPolicy): PromotionVerdict {
  const reasons: GateResult[] = [
    taskCountGate(evidence, policy),
    rewardGate(evidence, policy),
    ...(policy.maxErrorRateIncrease === null ? [] : [errorRateGate(evidence, policy.maxErrorRateIncrease)]),
    ...(policy.maxLatencyIncreaseMs === null ? [] : [latencyGate(evidence, policy.maxLatencyIncreaseMs)]),
    ...(policy.maxCategoryRegression === null ? [] : categoryGates(evidence, policy.maxCategoryRegression)),
  ];
  return { accepted: reasons.every((r) => r.passed), reasons };
}

function gate(name: string, passed: boolean, value: number, threshold: number, message: string): GateResult {
  return { gate: name, passed, value, threshold, message };
}

function taskCountGate({ comparison }: PromotionEvidence, policy: PromotionPolicy): GateResult {
  const units = comparison.reward.count;
  const what = comparison.method === 'paired-bootstrap' ? 'benchmark tasks scored' : 'held-out trajectories judged';
  return gate('task-count', units >= policy.requiredTaskCount, units, policy.requiredTaskCount, `${units} ${what}, ${policy.requiredTaskCount} required`);
}

function rewardGate({ comparison }: PromotionEvidence, policy: PromotionPolicy): GateResult {
  const level = comparison.confidenceLevel;
  const lower = rewardLowerBound(comparison);
  const snips = comparison.snipsReward ? `; self-normalised ${signed(comparison.snipsReward.meanDelta)} (${ci(level, comparison.snipsReward, signed)})` : '';
  const estimate = comparison.method === 'paired-bootstrap' ? 'mean reward' : 'doubly robust mean reward';
  return gate(
    'reward-delta',
    lower > policy.minRewardDelta,
    lower,
    policy.minRewardDelta,
    `${estimate} ${signed(comparison.reward.meanDelta)} (${ci(level, comparison.reward, signed)})${snips}; the lower bound must exceed ${signed(policy.minRewardDelta)}`,
  );
}

function errorRateGate({ baseline, challenger, comparison }: PromotionEvidence, allowed: number): GateResult {
  const e = comparison.errorRate;
  return gate(
    'error-rate',
    e.lower <= allowed,
    e.lower,
    allowed,
    `error rate ${percent(baseline.errorRate)} -> ${percent(challenger.errorRate)} (${points(e.meanDelta)} points, ${ci(comparison.confidenceLevel, e, points)}); blocks when the whole interval is above +${(allowed * 100).toFixed(2)}`,
  );
}

function latencyGate({ baseline, challenger, comparison }: PromotionEvidence, allowedMs: number): GateResult {
  const l = comparison.latencyMs;
  const ms = (x: number) => `${signed(x, 0)} ms`;
  return gate(
    'latency',
    l.lower <= allowedMs,
    l.lower,
    allowedMs,
    `mean latency ${baseline.meanLatencyMs.toFixed(0)} ms -> ${challenger.meanLatencyMs.toFixed(0)} ms (${ms(l.meanDelta)}, ${ci(comparison.confidenceLevel, l, ms)}); blocks when the whole interval is above +${allowedMs} ms`,
  );
}

function categoryGates({ baseline, challenger, comparison }: PromotionEvidence, allowed: number): GateResult[] {
  const show = (x: number) => signed(x, 3);
  return ROUTES.flatMap((route) => {
    const before = baseline.byCategory[route];
    const change = comparison.byCategory[route];
    if (!before || !change) return [];
    const after = challenger.byCategory[route]?.meanReward ?? 0;
    return [
      gate(
        `category:${route}`,
        change.upper >= -allowed,
        change.upper,
        -allowed,
        `${route} tasks ${before.meanReward.toFixed(3)} -> ${after.toFixed(3)} (${show(change.meanDelta)}, ${ci(comparison.confidenceLevel, change, show)}); blocks when the whole interval is below -${allowed}`,
      ),
    ];
  });
}
