import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimatePolicyValue, type LoggedSample } from '../../../src/domain/evaluation/offPolicy.js';
import { routeProbabilities } from '../../../src/domain/routing/routeDecision.js';
import { ROUTES } from '../../../src/events/model/vocabulary.js';
import { explorationRateArb, rewardArb } from '../../support/unitArbitraries.js';

const rateArb = explorationRateArb.filter((rate) => rate >= 0.01);
const drawArb = fc.integer({ min: 0, max: 998_999 }).map((n) => n / 1_000_000);
const logArb = fc.array(fc.record({ greedy: fc.constantFrom(...ROUTES), rate: rateArb, u: drawArb, reward: rewardArb }), { minLength: 1, maxLength: 80 });

type Policy = readonly number[];
/** Scores under which `greedy` is the greedy route and the next route in ROUTES the runner-up. */
const scoresFor = (greedy: (typeof ROUTES)[number]) => ({ direct: 0, memory: 0, tool: 0, skill: 0, composite: 0, [greedy]: 1 });
const epsilonGreedy = (greedy: (typeof ROUTES)[number], rate: number, runnerUpShare = 0): Policy =>
  ROUTES.map((r) => routeProbabilities(scoresFor(greedy), { rate, runnerUpShare })[r]);

/**
 * The exact expectation of each estimator over every log of `n` decisions drawn by `logging` (one context,
 * a deterministic reward per route): the sum over all 5^n logs of its probability times the estimate.
 */
function exactExpectations(logging: Policy, target: Policy, rewards: readonly number[], predicted: readonly number[], n: number): number[] {
  const totals = [0, 0, 0];
  const routes = new Array<number>(n).fill(0);
  for (let log = 0; log < ROUTES.length ** n; log++) {
    let probability = 1;
    for (let i = 0, rest = log; i < n; i++, rest = Math.floor(rest / ROUTES.length)) {
      routes[i] = rest % ROUTES.length;
      probability *= logging[routes[i]!]!;
    }
    const samples = routes.map((route) => ({ route, reward: rewards[route]!, propensity: logging[route]!, target, predicted }));
    estimatePolicyValue(samples).forEach((estimate, k) => (totals[k]! += probability * estimate.value));
  }
  return totals;
}

const trueValue = (target: Policy, rewards: readonly number[]) => target.reduce((sum, p, a) => sum + p * rewards[a]!, 0);

/** Logs of an epsilon-greedy logging policy: the route drawn with `u`, its propensity, the policy's own distribution. */
function loggedBy(rows: readonly { greedy: (typeof ROUTES)[number]; rate: number; u: number; reward: number }[]): LoggedSample[] {
  return rows.map(({ greedy, rate, u, reward }) => {
    const probabilities = routeProbabilities(scoresFor(greedy), { rate, runnerUpShare: 0.5 });
    const distribution = ROUTES.map((r) => probabilities[r]);
    let route = 0;
    for (let acc = distribution[0]!; u >= acc && route < ROUTES.length - 1; acc += distribution[++route]!);
    return { route, reward, propensity: distribution[route]!, target: distribution, predicted: ROUTES.map(() => 0.5) };
  });
}

describe('off-policy estimates', () => {
  it('SNIPS (and IPS) of the logging policy on its own logs equal the mean logged reward, with full effective sample size', () => {
    fc.assert(
      fc.property(logArb, (rows) => {
        const samples = loggedBy(rows);
        const mean = samples.reduce((a, s) => a + s.reward, 0) / samples.length;
        const [ips, snips, dr] = estimatePolicyValue(samples);
        expect(snips!.value).toBeCloseTo(mean, 10);
        expect(ips!.value).toBeCloseTo(mean, 10);
        expect(dr!.value).toBeCloseTo(mean, 10);
        expect(snips!.effectiveSampleSize).toBeCloseTo(samples.length, 8);
        expect(snips!.lower).toBeLessThanOrEqual(snips!.value);
        expect(snips!.upper).toBeGreaterThanOrEqual(snips!.value);
      }),
    );
  });

  it('a target that never takes the logged routes has no effective samples and estimates zero', () => {
    const samples: LoggedSample[] = [0, 1, 2].map(() => ({ route: 0, reward: 1, propensity: 0.5, target: [0, 1, 0, 0, 0], predicted: [0, 0, 0, 0, 0] }));
    const [ips, snips] = estimatePolicyValue(samples);
    expect(ips).toMatchObject({ value: 0, effectiveSampleSize: 0 });
    expect(snips).toMatchObject({ value: 0 });
  });

  it('doubly robust falls back on the reward model where the importance weights are zero', () => {
    const samples: LoggedSample[] = [0, 1].map(() => ({ route: 0, reward: 1, propensity: 0.5, target: [0, 1, 0, 0, 0], predicted: [0.9, 0.3, 0, 0, 0] }));
    expect(estimatePolicyValue(samples)[2]!.value).toBeCloseTo(0.3, 12);
  });

  it('IPS and DR are unbiased for a target policy that differs from the logging one: exactly, over every possible log', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ROUTES),
        rateArb,
        fc.constantFrom(...ROUTES),
        explorationRateArb,
        fc.array(rewardArb, { minLength: 5, maxLength: 5 }),
        fc.array(rewardArb, { minLength: 5, maxLength: 5 }),
        (loggingGreedy, loggingRate, targetGreedy, targetRate, rewards, predicted) => {
          const logging = epsilonGreedy(loggingGreedy, loggingRate);
          const target = epsilonGreedy(targetGreedy, targetRate);
          // A reward model that is wrong (`predicted` is arbitrary) leaves DR unbiased: only its variance pays.
          const [ips, , dr] = exactExpectations(logging, target, rewards, predicted, 2);
          expect(ips).toBeCloseTo(trueValue(target, rewards), 10);
          expect(dr).toBeCloseTo(trueValue(target, rewards), 10);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('SNIPS is consistent, not unbiased: on a small exact case its bias for another target shrinks with every decision logged', () => {
    const logging = epsilonGreedy('tool', 1); // uniform: every route 0.2
    const target = epsilonGreedy('composite', 0.2); // composite 0.84, every other route 0.04
    const rewards = [1, 0.6, 0.3, 0.6, 0.3]; // the reward model's row for a task that needs `direct`
    const truth = trueValue(target, rewards);
    const bias = [1, 2, 3, 4, 5, 6].map((n) => Math.abs(exactExpectations(logging, target, rewards, [0, 0, 0, 0, 0], n)[1]! - truth));
    for (let i = 1; i < bias.length; i++) expect(bias[i]!).toBeLessThan(bias[i - 1]!);
    // With one decision SNIPS is the logged reward itself: the logging policy's value, not the target's.
    expect(bias[0]).toBeCloseTo(Math.abs(trueValue(logging, rewards) - truth), 12);
    expect(bias[5]!).toBeLessThan(bias[0]! / 3);
  });
});
