import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OutcomeComparison, PairedInterval } from '../../src/events/catalogue.js';
import type { Metrics } from '../../src/events/model/metrics.js';
import { evaluatePromotion, type PromotionEvidence } from '../../src/domain/promotionPolicy.js';
import { DEFAULT_POLICY, PolicyOverridesSchema, PromotionPolicySchema, type PromotionPolicy } from '../../src/events/model/promotionPolicy.js';
import { ROUTES, type Route } from '../../src/events/model/vocabulary.js';

/** Milli-units as integers, so generated values spread over the range instead of piling up near zero. */
const milli = (min: number, max: number) => fc.integer({ min: Math.round(min * 1000), max: Math.round(max * 1000) }).map((x) => x / 1000);

const intervalArb = (scale = 1, count = fc.integer({ min: 1, max: 6000 })): fc.Arbitrary<PairedInterval> =>
  fc.record({ mean: milli(-0.4, 0.4), below: milli(0, 0.2), above: milli(0, 0.2), count }).map(({ mean, below, above, count }) => ({
    meanDelta: mean * scale,
    lower: (mean - below) * scale,
    upper: (mean + above) * scale,
    count,
  }));

const categoriesArb = fc.subarray([...ROUTES], { minLength: 0 });

const evidenceArb: fc.Arbitrary<PromotionEvidence> = fc
  .record({
    method: fc.constantFrom('paired-bootstrap' as const, 'paired-dr-bootstrap' as const),
    reward: intervalArb(),
    snips: fc.option(intervalArb(), { nil: null }),
    errorRate: intervalArb(0.5),
    latencyMs: intervalArb(2000),
    categories: categoriesArb,
    byCategory: fc.array(intervalArb(), { minLength: 5, maxLength: 5 }),
  })
  .map(({ method, reward, snips, errorRate, latencyMs, categories, byCategory }) => {
    const metrics = (shift: number): Metrics => ({
      taskCount: reward.count,
      meanReward: 0.5 + shift,
      errorRate: 0.1,
      meanLatencyMs: 600,
      p95LatencyMs: 900,
      byCategory: Object.fromEntries(categories.map((route) => [route, { taskCount: 100, meanReward: 0.5, errorRate: 0.1 }])),
    });
    const comparison: OutcomeComparison = {
      method,
      confidenceLevel: 0.95,
      resamples: 2000,
      seed: 7,
      reward,
      errorRate,
      latencyMs,
      byCategory: Object.fromEntries(categories.map((route) => [route, byCategory[ROUTES.indexOf(route)]!])),
      snipsReward: method === 'paired-dr-bootstrap' ? snips : null,
    };
    return { baseline: metrics(0), challenger: metrics(reward.meanDelta), comparison };
  });

const policyArb: fc.Arbitrary<PromotionPolicy> = fc
  .record({
    minRewardDelta: milli(-0.05, 0.2),
    maxErrorRateIncrease: fc.option(milli(0, 0.2), { nil: null }),
    maxLatencyIncreaseMs: fc.option(fc.integer({ min: 0, max: 800 }), { nil: null }),
    requiredTaskCount: fc.integer({ min: 1, max: 3000 }),
    maxCategoryRegression: fc.option(milli(0, 0.2), { nil: null }),
  })
  .map((p) => PromotionPolicySchema.parse(p));

/** A challenger that is better by these amounts on every interval the gates read. */
function better(evidence: PromotionEvidence, by: { reward: number; error: number; latency: number; category: number; count: number }): PromotionEvidence {
  const shift = (i: PairedInterval, d: number): PairedInterval => ({ meanDelta: i.meanDelta + d, lower: i.lower + d, upper: i.upper + d, count: i.count });
  const c = evidence.comparison;
  return {
    ...evidence,
    comparison: {
      ...c,
      reward: { ...shift(c.reward, by.reward), count: c.reward.count + by.count },
      snipsReward: c.snipsReward && shift(c.snipsReward, by.reward),
      errorRate: shift(c.errorRate, -by.error),
      latencyMs: shift(c.latencyMs, -by.latency),
      byCategory: Object.fromEntries(Object.entries(c.byCategory).map(([route, i]) => [route, shift(i, by.category)])),
    },
  };
}

/** A policy at least as strict as `p` in every threshold; an enforced gate is stricter than an absent one. */
function stricter(
  p: PromotionPolicy,
  by: { reward: number; error: number | null; latency: number | null; category: number | null; count: number },
): PromotionPolicy {
  const tighten = (allowance: number | null, cut: number | null): number | null => {
    if (cut === null) return allowance;
    return allowance === null ? cut : Math.max(0, allowance - cut);
  };
  return {
    ...p,
    minRewardDelta: Math.min(1, p.minRewardDelta + by.reward),
    maxErrorRateIncrease: tighten(p.maxErrorRateIncrease, by.error),
    maxLatencyIncreaseMs: tighten(p.maxLatencyIncreaseMs, by.latency),
    maxCategoryRegression: tighten(p.maxCategoryRegression, by.category),
    requiredTaskCount: p.requiredTaskCount + by.count,
  };
}

const gatesFailing = (evidence: PromotionEvidence, policy: PromotionPolicy) =>
  evaluatePromotion(evidence, policy)
    .reasons.filter((r) => !r.passed)
    .map((r) => r.gate);

const interval = (lower: number, meanDelta: number, upper: number, count = 5500): PairedInterval => ({ lower, meanDelta, upper, count });
const zero = interval(0, 0, 0);

/** The issue's numbers: much better on reward, more errors and latency because it does the work the rule skipped. */
function issueChallenger(overrides: Partial<OutcomeComparison> = {}): PromotionEvidence {
  const category = (meanReward: number) => ({ taskCount: 1100, meanReward, errorRate: 0 });
  const baseline: Metrics = {
    taskCount: 5500,
    meanReward: 0.37,
    errorRate: 0.009,
    meanLatencyMs: 320,
    p95LatencyMs: 300,
    byCategory: { direct: category(0.95), tool: category(0.05) },
  };
  const challenger: Metrics = {
    taskCount: 5500,
    meanReward: 0.73,
    errorRate: 0.173,
    meanLatencyMs: 837,
    p95LatencyMs: 1300,
    byCategory: { direct: category(0.93), tool: category(0.95) },
  };
  const comparison: OutcomeComparison = {
    method: 'paired-bootstrap',
    confidenceLevel: 0.95,
    resamples: 2000,
    seed: 7,
    reward: interval(0.33, 0.36, 0.4),
    errorRate: interval(0.152, 0.164, 0.176),
    latencyMs: interval(505, 517, 529),
    byCategory: { direct: interval(-0.035, -0.02, -0.005, 1100), tool: interval(0.87, 0.9, 0.93, 1100) },
    snipsReward: null,
    ...overrides,
  };
  return { baseline, challenger, comparison };
}

describe('the promotion policy, by example', () => {
  const categoryPolicy = PromotionPolicySchema.parse({ maxCategoryRegression: 0.05 });

  it('given a clearly better router that does more work, when judged under the defaults, then it is promoted', () => {
    const verdict = evaluatePromotion(issueChallenger(), DEFAULT_POLICY);
    expect(verdict.accepted).toBe(true);
    // The reward prices errors, latency and what a category gives up, so by default they are not gates of their own.
    expect(verdict.reasons.map((r) => r.gate)).toEqual(['task-count', 'reward-delta']);
  });

  it('given an operator who sets strict error and latency allowances, then exactly those gates block it', () => {
    const policy = PromotionPolicySchema.parse({ maxErrorRateIncrease: 0, maxLatencyIncreaseMs: 150 });
    const verdict = evaluatePromotion(issueChallenger(), policy);
    expect(verdict.accepted).toBe(false);
    expect(gatesFailing(issueChallenger(), policy)).toEqual(['error-rate', 'latency']);
    expect(verdict.reasons.find((r) => r.gate === 'latency')).toMatchObject({ value: 505, threshold: 150 });
  });

  it('given an operator who sets a category allowance and a category that confidently breaks, then its gate blocks although the average wins', () => {
    const broken = issueChallenger({ byCategory: { direct: interval(-0.46, -0.43, -0.4, 1100), tool: interval(0.87, 0.9, 0.93, 1100) } });
    expect(gatesFailing(broken, categoryPolicy)).toEqual(['category:direct']);
    expect(gatesFailing(broken, DEFAULT_POLICY)).toEqual([]);
  });

  it('given a category whose loss is within its noise, then it does not block (noise never blocks)', () => {
    const noisy = issueChallenger({ byCategory: { direct: interval(-0.2, -0.08, 0.04, 40), tool: interval(0.87, 0.9, 0.93, 1100) } });
    expect(evaluatePromotion(noisy, categoryPolicy).accepted).toBe(true);
  });

  it('given a real error regression beyond the allowance, then it blocks; the same mean with a wide interval does not', () => {
    const policy = PromotionPolicySchema.parse({ maxErrorRateIncrease: 0.02 });
    expect(gatesFailing(issueChallenger({ errorRate: interval(0.025, 0.03, 0.035) }), policy)).toEqual(['error-rate']);
    expect(gatesFailing(issueChallenger({ errorRate: interval(-0.005, 0.03, 0.065) }), policy)).toEqual([]);
  });

  it('given held-out evidence where the self-normalised estimate does not show the gain, then the reward gate fails', () => {
    const held = issueChallenger({ method: 'paired-dr-bootstrap', reward: interval(0.05, 0.1, 0.15), snipsReward: interval(-0.01, 0.06, 0.13) });
    const verdict = evaluatePromotion(held, DEFAULT_POLICY);
    expect(gatesFailing(held, DEFAULT_POLICY)).toEqual(['reward-delta']);
    expect(verdict.reasons.find((r) => r.gate === 'reward-delta')).toMatchObject({ value: -0.01 });
    expect(verdict.reasons[0]!.message).toMatch(/held-out trajectories judged/);
  });

  it('given too few tasks, then the task-count gate says how many were scored and how many are needed', () => {
    const few = issueChallenger({ reward: interval(0.33, 0.36, 0.4, 40) });
    expect(evaluatePromotion(few, DEFAULT_POLICY).reasons[0]).toMatchObject({
      gate: 'task-count',
      passed: false,
      message: '40 benchmark tasks scored, 100 required',
    });
  });

  it('given a challenger equal to the baseline, then a positive minimum gain is never reached', () => {
    const same: PromotionEvidence = {
      ...issueChallenger(),
      comparison: { ...issueChallenger().comparison, reward: zero, errorRate: zero, latencyMs: zero, byCategory: {} },
    };
    expect(gatesFailing(same, DEFAULT_POLICY)).toEqual(['reward-delta']);
  });
});

describe('the promotion policy, by law', () => {
  it('accepts exactly when every reported gate passes, and every gate names its numbers', () => {
    let accepted = 0;
    fc.assert(
      fc.property(evidenceArb, policyArb, (evidence, policy) => {
        const verdict = evaluatePromotion(evidence, policy);
        expect(verdict.accepted).toBe(verdict.reasons.every((r) => r.passed));
        expect(verdict.reasons.slice(0, 2).map((r) => r.gate)).toEqual(['task-count', 'reward-delta']);
        for (const r of verdict.reasons) expect(r.message).toMatch(/\d/);
        if (verdict.accepted) accepted++;
      }),
      { numRuns: 500 },
    );
    // The arbitraries reach both verdicts, so the laws below are not vacuous.
    expect(accepted).toBeGreaterThan(10);
  });

  it('is monotone: a challenger better on every interval never fails a gate the worse one passed', () => {
    const nonNegative = milli(0, 0.3);
    fc.assert(
      fc.property(
        evidenceArb,
        policyArb,
        nonNegative,
        nonNegative,
        fc.integer({ min: 0, max: 500 }),
        nonNegative,
        fc.nat(500),
        (evidence, policy, reward, error, latency, category, count) => {
          const before = evaluatePromotion(evidence, policy);
          const after = evaluatePromotion(better(evidence, { reward, error, latency, category, count }), policy);
          if (before.accepted) expect(after.accepted).toBe(true);
          for (const gate of before.reasons) if (gate.passed) expect(after.reasons.find((g) => g.gate === gate.gate)?.passed).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a stricter policy never accepts more', () => {
    const cut = fc.option(milli(0, 0.2), { nil: null });
    fc.assert(
      fc.property(
        evidenceArb,
        policyArb,
        milli(0, 0.2),
        cut,
        fc.option(fc.integer({ min: 0, max: 500 }), { nil: null }),
        cut,
        fc.nat(500),
        (evidence, policy, reward, error, latency, category, count) => {
          const strict = stricter(policy, { reward, error, latency, category, count });
          if (evaluatePromotion(evidence, strict).accepted) expect(evaluatePromotion(evidence, policy).accepted).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('noise never blocks: a side gate whose interval holds no change passes at any allowance', () => {
    fc.assert(
      fc.property(evidenceArb, policyArb, (evidence, policy) => {
        const around = (i: PairedInterval) => i.lower <= 0 && i.upper >= 0;
        const verdict = evaluatePromotion(evidence, policy);
        const c = evidence.comparison;
        const checks: [string, PairedInterval | undefined][] = [
          ['error-rate', c.errorRate],
          ['latency', c.latencyMs],
          ...ROUTES.map((r): [string, PairedInterval | undefined] => [`category:${r}`, c.byCategory[r as Route]]),
        ];
        for (const [gate, i] of checks) {
          const result = verdict.reasons.find((r) => r.gate === gate);
          if (result && i && around(i)) expect(result.passed).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('the policy overrides every interface takes', () => {
  it('name every field of the policy, each optional, and refuse unknown ones', () => {
    expect(Object.keys(PolicyOverridesSchema.shape).sort()).toEqual(Object.keys(PromotionPolicySchema.shape).sort());
    expect(PolicyOverridesSchema.parse({})).toEqual({});
    expect(PolicyOverridesSchema.parse({ maxErrorRateIncrease: null, seed: 3 })).toEqual({ maxErrorRateIncrease: null, seed: 3 });
    expect(PolicyOverridesSchema.safeParse({ minRewardDelta: 2 }).success).toBe(false);
    expect(PolicyOverridesSchema.safeParse({ minRewardDleta: 0.1 }).success).toBe(false);
  });
});
