import fc from 'fast-check';
import { DEFAULT_BASELINE_PARAMS } from '../../src/domain/routing/baselineRouter.js';

/**
 * Numbers in [0, 1] that reach the values that matter. `fc.double({min: 0, max: 1})` draws doubles by
 * their bit patterns, so about 92% of its values are below 1e-10: a router that always says `direct`, a
 * reward that is always 0. These draw on a fine uniform grid, with the edges and thresholds weighted in.
 */
export const uniformUnit: fc.Arbitrary<number> = fc.integer({ min: 0, max: 1_000_000 }).map((n) => n / 1_000_000);

/** Rewards: the outcomes agents report most (0 and 1) and everything between. */
export const rewardArb: fc.Arbitrary<number> = fc.oneof({ arbitrary: fc.constantFrom(0, 1), weight: 1 }, { arbitrary: uniformUnit, weight: 2 });

/** Exploration rates: none, the defaults people use, all-exploring, and the rest. */
export const explorationRateArb: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: fc.constantFrom(0, 0.05, 0.1, 0.2, 0.5, 1), weight: 1 },
  { arbitrary: uniformUnit, weight: 2 },
);

/** Shares of exploration (the runner-up's): none (uniform only), the default, all of it, and the rest. */
export const unitShareArb: fc.Arbitrary<number> = fc.oneof({ arbitrary: fc.constantFrom(0, 0.5, 1), weight: 1 }, { arbitrary: uniformUnit, weight: 2 });

/** Propensities in (0, 1]: certain, even odds, the small ones that make importance weights large. */
export const propensityArb: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: fc.constantFrom(1, 0.5, 0.02), weight: 1 },
  { arbitrary: fc.integer({ min: 10_000, max: 1_000_000 }).map((n) => n / 1_000_000), weight: 2 },
);

const thresholds = [DEFAULT_BASELINE_PARAMS.minScore, DEFAULT_BASELINE_PARAMS.compositeMinScore];

/** Retrieval scores: on, just under and just over the baseline rule's thresholds, the edges, and the rest. */
export const retrievalScoreArb: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: fc.constantFrom(...thresholds.flatMap((t) => [t - 1e-6, t, t + 1e-6]), 0, 1), weight: 1 },
  { arbitrary: uniformUnit, weight: 2 },
);
