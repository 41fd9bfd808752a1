import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimatePolicyValue, type LoggedSample } from '../../../src/domain/evaluation/offPolicy.js';
import { routeProbabilities } from '../../../src/domain/routing/routeDecision.js';
import { ROUTES } from '../../../src/domain/vocabulary.js';

const logArb = fc.array(
  fc.record({ greedy: fc.constantFrom(...ROUTES), rate: fc.double({ min: 0.01, max: 1, noNaN: true }), u: fc.double({ min: 0, max: 0.999, noNaN: true }), reward: fc.double({ min: 0, max: 1, noNaN: true }) }),
  { minLength: 1, maxLength: 80 },
);

/** Logs of an epsilon-greedy logging policy: the route drawn with `u`, its propensity, the policy's own distribution. */
function loggedBy(rows: readonly { greedy: (typeof ROUTES)[number]; rate: number; u: number; reward: number }[]): LoggedSample[] {
  return rows.map(({ greedy, rate, u, reward }) => {
    const probabilities = routeProbabilities(greedy, rate);
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
});
