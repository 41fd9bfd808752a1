import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pairedBootstrap } from '../../../src/domain/evaluation/pairedComparison.js';
import { rewardArb } from '../../support/unitArbitraries.js';

const options = { resamples: 500, confidenceLevel: 0.95, seed: 3 };
const rewardsArb = fc.array(rewardArb, { minLength: 1, maxLength: 200 });

describe('paired bootstrap', () => {
  it('an identical challenger has a zero difference and a zero-width interval', () => {
    fc.assert(
      fc.property(rewardsArb, (rewards) => {
        const a = Float64Array.from(rewards);
        expect(pairedBootstrap(a, a, options)).toMatchObject({ meanDelta: 0, lower: 0, upper: 0, wins: 0, losses: 0, ties: rewards.length });
      }),
    );
  });

  it('the interval holds the mean difference, and the same seed gives the same interval', () => {
    fc.assert(
      fc.property(rewardsArb, rewardsArb, (xs, ys) => {
        const n = Math.min(xs.length, ys.length);
        const a = Float64Array.from(xs.slice(0, n));
        const b = Float64Array.from(ys.slice(0, n));
        const result = pairedBootstrap(a, b, options);
        expect(result.lower).toBeLessThanOrEqual(result.meanDelta + 1e-12);
        expect(result.upper).toBeGreaterThanOrEqual(result.meanDelta - 1e-12);
        expect(pairedBootstrap(a, b, options)).toEqual(result);
      }),
      { numRuns: 50 },
    );
  });

  it('a challenger better on every task has a positive lower bound', () => {
    const base = Float64Array.from({ length: 300 }, (_, i) => (i % 3) / 3);
    const better = base.map((x) => x + 0.1);
    expect(pairedBootstrap(base, better, options).lower).toBeCloseTo(0.1, 10);
  });

  it('is antisymmetric: swapping baseline and challenger negates the difference and its interval, and swaps wins and losses', () => {
    const zeroSafe = (x: number) => x + 0; // -0 and 0 are the same difference
    fc.assert(
      fc.property(rewardsArb, rewardsArb, fc.constantFrom(500, 1000, 2000), fc.constantFrom(0.9, 0.95, 0.99), (xs, ys, resamples, confidenceLevel) => {
        const n = Math.min(xs.length, ys.length);
        const a = Float64Array.from(xs.slice(0, n));
        const b = Float64Array.from(ys.slice(0, n));
        const settings = { resamples, confidenceLevel, seed: 11 };
        const forward = pairedBootstrap(a, b, settings);
        const backward = pairedBootstrap(b, a, settings);
        expect(zeroSafe(backward.meanDelta)).toBe(zeroSafe(-forward.meanDelta));
        expect(zeroSafe(backward.lower)).toBe(zeroSafe(-forward.upper));
        expect(zeroSafe(backward.upper)).toBe(zeroSafe(-forward.lower));
        expect([backward.wins, backward.losses, backward.ties]).toEqual([forward.losses, forward.wins, forward.ties]);
      }),
      { numRuns: 40 },
    );
  });
});
