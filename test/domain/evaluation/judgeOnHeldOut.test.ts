import { describe, expect, it } from 'vitest';
import { expectedOutcome, sampledOutcome } from '../../../src/domain/benchmark/rewardModel.js';
import { judgeOnHeldOut, type HeldOutSample, type OutcomeModel } from '../../../src/domain/evaluation/judgeOnHeldOut.js';
import { seededRandom } from '../../../src/domain/random.js';
import type { RouterVersion } from '../../../src/events/model/routerVersion.js';
import { ROUTES, type Route } from '../../../src/events/model/vocabulary.js';

const constant = (route: Route): RouterVersion => ({ id: `always-${route}`, label: 'v1', createdAt: '2026-11-25T10:00:00.000Z', parentId: null, explorationRate: 0, kind: 'constant', route });

/** Traffic logged by a uniformly random router: 60% of tasks need a tool, 40% need nothing. */
function uniformLog(n: number, seed: number): HeldOutSample[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const needs: Route = random() < 0.6 ? 'tool' : 'direct';
    const route = ROUTES[Math.floor(random() * ROUTES.length)]!;
    return {
      seq: i + 1,
      caseHint: null,
      trajectory: {
        id: `T${i}`,
        recordedAt: '2026-11-25T10:00:00.000Z',
        source: 'live',
        task: { input: `task ${i}`, category: needs },
        candidates: [],
        decision: { route, selected: [], propensity: 0.2 },
        outcome: sampledOutcome(needs, route, random()),
      },
    };
  });
}

const flatModel: OutcomeModel = { reward: [0.5, 0.5, 0.5, 0.5, 0.5], error: [0, 0, 0, 0, 0], latency: [600, 600, 600, 600, 600] };
const options = { resamples: 1000, confidenceLevel: 0.95, seed: 3 };

describe('judging on held-out traffic', () => {
  it('given a router that uses the tools the traffic needs, then the paired estimates find its gain, its errors and its latency', () => {
    const truth = 0.6 * expectedOutcome('tool', 'tool').reward + 0.4 * expectedOutcome('direct', 'tool').reward - (0.6 * expectedOutcome('tool', 'direct').reward + 0.4 * expectedOutcome('direct', 'direct').reward);
    const judged = judgeOnHeldOut(constant('direct'), constant('tool'), uniformLog(3000, 1), flatModel, options);
    const { reward, errorRate, latencyMs, snipsReward } = judged.comparison;
    expect(truth).toBeCloseTo(0.32, 6);
    expect(reward.lower).toBeLessThan(truth);
    expect(reward.upper).toBeGreaterThan(truth);
    expect(reward.lower).toBeGreaterThan(0.15);
    expect(snipsReward!.lower).toBeLessThan(truth);
    expect(snipsReward!.upper).toBeGreaterThan(truth);
    // A tool with nothing to do errors on the 40% that needed nothing; a tool call takes 900 ms, an answer 300.
    expect(errorRate.meanDelta).toBeGreaterThan(0.3);
    expect(errorRate.meanDelta).toBeLessThan(0.5);
    expect(latencyMs.lower).toBeLessThan(600);
    expect(latencyMs.upper).toBeGreaterThan(600);
    // Per category, over the tasks that carry one: tool tasks gain a lot, direct tasks lose.
    expect(judged.comparison.byCategory.tool!.lower).toBeGreaterThan(0.8);
    expect(judged.comparison.byCategory.direct!.upper).toBeLessThan(-0.5);
    expect(judged.challenger.meanReward).toBeGreaterThan(judged.baseline.meanReward);
  });

  it('given the same router on both sides, then every paired difference is exactly zero', () => {
    const judged = judgeOnHeldOut(constant('memory'), constant('memory'), uniformLog(500, 2), flatModel, options);
    for (const i of [judged.comparison.reward, judged.comparison.errorRate, judged.comparison.latencyMs, judged.comparison.snipsReward!]) {
      expect(i).toMatchObject({ meanDelta: 0, lower: 0, upper: 0 });
    }
  });

  it('given a challenger no better than the baseline, then noise almost never shows a gain (the intervals hold their level)', () => {
    // 10/17 of the tasks need nothing, the rest a tool: answering directly and always calling the tool are
    // worth the same (10/17). The log is an always-direct router exploring 10% of the time, so the tool was
    // tried on only 2% of the traffic: the few tries, weighted by 50, are all the evidence there is.
    const logged = (n: number, seed: number): HeldOutSample[] => {
      const random = seededRandom(seed);
      return Array.from({ length: n }, (_, i) => {
        const needs: Route = random() < 10 / 17 ? 'direct' : 'tool';
        const explore = random() < 0.1;
        const route: Route = explore ? ROUTES[Math.floor(random() * ROUTES.length)]! : 'direct';
        const trajectory = { id: `T${i}`, recordedAt: '2026-11-25T10:00:00.000Z', source: 'live' as const, task: { input: `t${i}` }, candidates: [], decision: { route, selected: [], propensity: route === 'direct' ? 0.92 : 0.02 }, outcome: sampledOutcome(needs, route, random()) };
        return { seq: i + 1, caseHint: null, trajectory };
      });
    };
    const model: OutcomeModel = { reward: [0.59, 0.5, 0.5, 0.5, 0.5], error: [0, 0, 0.4, 0, 0], latency: [300, 450, 900, 500, 1300] };
    let falseGains = 0;
    const runs = 200;
    for (let seed = 1; seed <= runs; seed++) {
      const { reward, snipsReward } = judgeOnHeldOut(constant('direct'), constant('tool'), logged(1000, seed), model, { resamples: 200, confidenceLevel: 0.95, seed }).comparison;
      if (Math.min(reward.lower, snipsReward!.lower) > 0.01) falseGains += 1;
    }
    // At 95% a one-sided miss is 2.5% by design; allow sampling noise around it.
    expect(falseGains).toBeLessThanOrEqual(runs * 0.06);
  });
});
