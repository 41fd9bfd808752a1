import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PairedComparison } from '../../src/events/catalogue.js';
import type { Metrics } from '../../src/domain/metrics.js';
import { DEFAULT_POLICY, evaluatePromotion, PromotionPolicySchema, type PromotionPolicy } from '../../src/domain/promotionPolicy.js';
import { metricsArb } from '../support/eventArbitraries.js';

const policyArb: fc.Arbitrary<PromotionPolicy> = fc
  .record({
    minRewardDelta: fc.double({ min: 0, max: 0.2, noNaN: true }),
    maxErrorRateIncrease: fc.double({ min: 0, max: 0.1, noNaN: true }),
    maxLatencyIncreaseMs: fc.integer({ min: 0, max: 500 }),
    requiredTaskCount: fc.integer({ min: 1, max: 200 }),
    maxCategoryRegression: fc.double({ min: 0, max: 0.1, noNaN: true }),
  })
  .map((p) => PromotionPolicySchema.parse(p));

const pairedArb: fc.Arbitrary<PairedComparison> = fc
  .tuple(fc.double({ min: -0.3, max: 0.3, noNaN: true }), fc.double({ min: 0, max: 0.1, noNaN: true }))
  .map(([mean, half]) => ({ method: 'paired-bootstrap', meanDelta: mean, lower: mean - half, upper: mean + half, confidenceLevel: 0.95, resamples: 100, seed: 1, wins: 1, losses: 1, ties: 1 }));

/** A challenger at least as good as `m` on every metric, by the given amounts. */
function improved(m: Metrics, reward: number, errors: number, latency: number): Metrics {
  const byCategory = Object.fromEntries(Object.entries(m.byCategory).map(([k, c]) => [k, { ...c, meanReward: c.meanReward + reward }]));
  return { ...m, taskCount: m.taskCount + 1, meanReward: m.meanReward + reward, errorRate: Math.max(0, m.errorRate - errors), meanLatencyMs: Math.max(0, m.meanLatencyMs - latency), byCategory };
}

describe('promotion policy', () => {
  it('never accepts a challenger equal to the baseline when minRewardDelta is positive', () => {
    fc.assert(
      fc.property(metricsArb, policyArb, (metrics, policy) => {
        fc.pre(policy.minRewardDelta > 0);
        const paired: PairedComparison = { method: 'paired-bootstrap', meanDelta: 0, lower: 0, upper: 0, confidenceLevel: 0.95, resamples: 100, seed: 1, wins: 0, losses: 0, ties: metrics.taskCount };
        expect(evaluatePromotion({ baseline: metrics, challenger: metrics, paired }, policy).accepted).toBe(false);
      }),
    );
  });

  it('improving any challenger metric never turns an accept into a reject', () => {
    fc.assert(
      fc.property(
        metricsArb,
        metricsArb,
        pairedArb,
        policyArb,
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        fc.double({ min: 0, max: 300, noNaN: true }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        (baseline, challenger, paired, policy, reward, errors, latency, ci) => {
          const before = evaluatePromotion({ baseline, challenger, paired }, policy);
          const better = evaluatePromotion({ baseline, challenger: improved(challenger, reward, errors, latency), paired: { ...paired, lower: paired.lower + ci, meanDelta: paired.meanDelta + ci } }, policy);
          if (before.accepted) expect(better.accepted).toBe(true);
          for (const gate of before.reasons) if (gate.passed) expect(better.reasons.find((g) => g.gate === gate.gate)?.passed).toBe(true);
        },
      ),
    );
  });

  it('names every gate with its numbers, and the failing gates are exactly the reasons it was rejected', () => {
    fc.assert(
      fc.property(metricsArb, metricsArb, pairedArb, policyArb, (baseline, challenger, paired, policy) => {
        const verdict = evaluatePromotion({ baseline, challenger, paired }, policy);
        const failing = verdict.reasons.filter((r) => !r.passed).map((r) => r.gate);
        expect(verdict.accepted).toBe(failing.length === 0);
        const expected = [
          challenger.taskCount < policy.requiredTaskCount && 'task-count',
          !(paired.lower > policy.minRewardDelta) && 'reward-delta',
          challenger.errorRate - baseline.errorRate > policy.maxErrorRateIncrease && 'error-rate',
          challenger.meanLatencyMs - baseline.meanLatencyMs > policy.maxLatencyIncreaseMs && 'latency',
          ...Object.entries(baseline.byCategory).map(([route, c]) => (challenger.byCategory[route as 'tool']?.meanReward ?? 0) - c.meanReward < -policy.maxCategoryRegression && `category:${route}`),
        ].filter(Boolean);
        expect(failing.sort()).toEqual((expected as string[]).sort());
        expect(verdict.reasons.map((r) => r.gate).slice(0, 4)).toEqual(['task-count', 'reward-delta', 'error-rate', 'latency']);
        for (const r of verdict.reasons) expect(r.message).toMatch(/\d/);
      }),
    );
  });

  it('a challenger that wins on average but breaks memory tasks is rejected by the category gate', () => {
    const category = (meanReward: number) => ({ taskCount: 100, meanReward, errorRate: 0 });
    const base: Metrics = { taskCount: 500, meanReward: 0.7, errorRate: 0.1, meanLatencyMs: 500, p95LatencyMs: 900, byCategory: { tool: category(0.7), memory: category(0.7) } };
    const challenger: Metrics = { ...base, meanReward: 0.8, byCategory: { tool: category(0.95), memory: category(0.6) } };
    const paired: PairedComparison = { method: 'paired-bootstrap', meanDelta: 0.1, lower: 0.08, upper: 0.12, confidenceLevel: 0.95, resamples: 100, seed: 1, wins: 10, losses: 5, ties: 0 };
    const verdict = evaluatePromotion({ baseline: base, challenger, paired }, DEFAULT_POLICY);
    expect(verdict.accepted).toBe(false);
    expect(verdict.reasons.filter((r) => !r.passed).map((r) => r.gate)).toEqual(['category:memory']);
  });
});
