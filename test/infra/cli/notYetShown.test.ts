import { describe, expect, it } from 'vitest';
import { DEFAULT_HELD_OUT_RULE } from '../../../src/domain/evaluation/heldOutShare.js';
import { DEFAULT_POLICY } from '../../../src/events/model/promotionPolicy.js';
import type { PairedInterval } from '../../../src/events/catalogue.js';
import { notYetShown } from '../../../src/infra/cli/notYetShown.js';
import type { TrainingReport } from '../../../src/projections/state.js';

const flat: PairedInterval = { meanDelta: 0, lower: 0, upper: 0, count: 808 };

/** A cycle judged on held-out traffic whose reward gate saw this interval of the paired gain. */
function judged(reward: PairedInterval, overrides: Partial<TrainingReport> = {}): TrainingReport {
  const passed = reward.lower > DEFAULT_POLICY.minRewardDelta;
  return {
    cycleId: 'C1',
    startedSeq: 9000,
    startedAt: '2026-12-01T00:00:00.000Z',
    endedAt: '2026-12-01T00:00:01.000Z',
    baselineVersionId: 'V1',
    evidence: { type: 'held-out', rule: DEFAULT_HELD_OUT_RULE },
    benchmark: null,
    policy: DEFAULT_POLICY,
    dryRun: false,
    minNewTrajectories: 100,
    newTrajectories: { fromSeq: 1, toSeq: 8000, count: 4000 },
    trainingSet: { fromSeq: 1, toSeq: 8000, count: 3192 },
    excludedCount: 0,
    challengerVersionId: 'V2',
    baselineMetrics: null,
    challengerMetrics: null,
    paired: { method: 'paired-dr-bootstrap', ...reward, confidenceLevel: 0.95, resamples: 2000, seed: 7, wins: 150, losses: 134, ties: 524 },
    comparison: {
      method: 'paired-dr-bootstrap',
      confidenceLevel: 0.95,
      resamples: 2000,
      seed: 7,
      reward,
      errorRate: flat,
      latencyMs: flat,
      byCategory: {},
      snipsReward: null,
    },
    judged: { fromSeq: 1, toSeq: 8000, count: 808 },
    heldOut: { rule: DEFAULT_HELD_OUT_RULE, count: 808 },
    thinEvidence: null,
    offPolicy: null,
    decision: passed ? 'promoted' : 'rejected',
    wouldPromote: passed,
    reasons: [{ gate: 'reward-delta', passed, value: reward.lower, threshold: 0, message: 'the lower bound must exceed +0.000' }],
    promotedVersionId: passed ? 'V2' : null,
    error: null,
    ...overrides,
  };
}

describe('the report of a challenger judged on held-out traffic', () => {
  it('given an estimated gain whose interval still reaches below the bar, says it is not yet shown, how wide, and what judges sooner', () => {
    const hint = notYetShown(judged({ meanDelta: 0.026, lower: -0.031, upper: 0.076, count: 808 }));
    expect(hint).toBe(
      'not yet shown: the estimated gain is +0.026, but its 95% interval (-0.031 to +0.076) is 0.107 wide: the routers choose differently on 284 of 808 ' +
        "held-out trajectories, and only those that explored the challenger's route speak for it. If the estimate held, about 3,884 held-out " +
        'trajectories would show it: about 15,380 more routed and recorded, of which the log holds out 20%; ' +
        'a labelled suite (`memabra benchmark use FILE`) judges sooner.',
    );
  });

  it("given a gain so faint that a cycle's window cannot hold the evidence, says how to read more", () => {
    const hint = notYetShown(judged({ meanDelta: 0.01, lower: -0.09, upper: 0.11, count: 808 }))!;
    // 808 * (0.10 / 0.01)^2 = 80,800 held-out trajectories: far more than the 4,000 a window of 20,000 holds at one in five.
    expect(hint).toContain('about 80,800 held-out trajectories would show it: about 399,960 more routed and recorded, of which the log holds out 20%');
    expect(hint).toContain("more than a cycle's default window of 20,000 trajectories holds: `cycle --window N` reads more");
  });

  it('says nothing when the estimate itself is no gain: that is a rejection on the merits', () => {
    expect(notYetShown(judged({ meanDelta: -0.014, lower: -0.243, upper: 0.2, count: 808 }))).toBeNull();
    expect(notYetShown(judged({ meanDelta: 0, lower: -0.1, upper: 0.1, count: 808 }))).toBeNull();
  });

  it('says nothing when the reward gate passed, or when a suite judged', () => {
    expect(notYetShown(judged({ meanDelta: 0.05, lower: 0.01, upper: 0.09, count: 808 }))).toBeNull();
    const suite = { type: 'suite', source: 'registered', benchmark: { name: 's', version: 1, hash: 'a'.repeat(64), taskCount: 5500 } } as const;
    expect(notYetShown(judged({ meanDelta: 0.026, lower: -0.031, upper: 0.076, count: 808 }, { evidence: suite }))).toBeNull();
  });

  it("says nothing when the estimate clears zero but not the operator's own bar: the bar is the operator's", () => {
    const strict = { ...DEFAULT_POLICY, minRewardDelta: 0.03 };
    expect(notYetShown(judged({ meanDelta: 0.026, lower: -0.031, upper: 0.076, count: 808 }, { policy: strict }))).toBeNull();
    expect(notYetShown(judged({ meanDelta: 0.04, lower: -0.01, upper: 0.09, count: 808 }, { policy: strict }))).not.toBeNull();
  });
});
