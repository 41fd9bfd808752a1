import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectedOutcome, sampledOutcome } from '../../../src/domain/benchmark/rewardModel.js';
import { judgeOnHeldOut, loggingPolicies, type HeldOutSample, type OutcomeModel } from '../../../src/domain/evaluation/judgeOnHeldOut.js';
import { decideRoute, policyProbabilities } from '../../../src/domain/routing/routeDecision.js';
import { seededRandom } from '../../../src/domain/random.js';
import type { RouterVersion } from '../../../src/events/model/routerVersion.js';
import { ROUTES, type Decision, type Outcome, type Route } from '../../../src/events/model/vocabulary.js';

const constant = (route: Route): RouterVersion => ({
  id: `always-${route}`,
  label: 'v1',
  createdAt: '2026-11-25T10:00:00.000Z',
  parentId: null,
  explorationRate: 0,
  kind: 'constant',
  route,
});

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

const mixturePropensities = (samples: readonly HeldOutSample[], loggerOf: (id: string) => RouterVersion | undefined) =>
  loggingPolicies(samples, loggerOf).map((policy) => policy.propensity);

describe('judging on held-out traffic', () => {
  it('given a router that uses the tools the traffic needs, then the paired estimates find its gain, its errors and its latency', () => {
    const truth =
      0.6 * expectedOutcome('tool', 'tool').reward +
      0.4 * expectedOutcome('direct', 'tool').reward -
      (0.6 * expectedOutcome('tool', 'direct').reward + 0.4 * expectedOutcome('direct', 'direct').reward);
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
        return heldOut(i, { route, selected: [], propensity: route === 'direct' ? 0.92 : 0.02 }, sampledOutcome(needs, route, random()));
      });
    };
    const model: OutcomeModel = { reward: [0.59, 0.5, 0.5, 0.5, 0.5], error: [0, 0, 0.4, 0, 0], latency: [300, 450, 900, 500, 1300] };
    let falseGains = 0;
    const runs = 200;
    for (let seed = 1; seed <= runs; seed++) {
      const { reward, snipsReward } = judgeOnHeldOut(constant('direct'), constant('tool'), logged(1000, seed), model, {
        resamples: 200,
        confidenceLevel: 0.95,
        seed,
      }).comparison;
      if (Math.min(reward.lower, snipsReward!.lower) > 0.01) falseGains += 1;
    }
    // At 95% a one-sided miss is 2.5% by design; allow sampling noise around it.
    expect(falseGains).toBeLessThanOrEqual(runs * 0.06);
  });

  describe('traffic logged by several routers', () => {
    // Half the traffic was logged by a router answering directly, half by one calling the tool, each exploring
    // 10%: 60% of tasks need the tool. Judging "always tool" against "always direct", the trajectories of the
    // direct router that tried the tool were tried with 2%, and weigh 50 each on their own.
    const loggers = new Map([exploring('direct'), exploring('tool')].map((v) => [v.id, v]));
    function twoLoggerLog(n: number, seed: number): HeldOutSample[] {
      const random = seededRandom(seed);
      return Array.from({ length: n }, (_, i) => {
        const logger = i % 2 === 0 ? loggers.get('explore-direct')! : loggers.get('explore-tool')!;
        return loggedBy(logger, i, random() < 0.6 ? 'tool' : 'direct', random);
      });
    }
    const truth = 0.6 * 1 + 0.4 * expectedOutcome('direct', 'tool').reward - 0.4;

    it('weights each trajectory by the mixture of the routers that logged them, each counted by its share', () => {
      const samples = twoLoggerLog(400, 5);
      const mixed = mixturePropensities(samples, (id) => loggers.get(id));
      samples.forEach(({ trajectory }, i) => {
        const route = trajectory.decision.route;
        const expected = 0.5 * (route === 'direct' ? 0.92 : 0.02) + 0.5 * (route === 'tool' ? 0.92 : 0.02);
        expect(mixed[i]).toBeCloseTo(expected, 9);
        // Half the trajectories are its logger's: the mixture is at least half of what that logger gave the route.
        expect(mixed[i]).toBeGreaterThanOrEqual(0.5 * trajectory.decision.propensity! - 1e-12);
      });
      // One logger, or loggers the log does not hold: the recorded propensities as they are.
      expect(
        mixturePropensities(
          samples.filter((_, i) => i % 2 === 0),
          (id) => loggers.get(id),
        ),
      ).toEqual(samples.filter((_, i) => i % 2 === 0).map((s) => s.trajectory.decision.propensity));
      expect(mixturePropensities(samples, () => undefined)).toEqual(samples.map((s) => s.trajectory.decision.propensity));
    });

    it('keeps the recorded propensity of a trajectory its version would not have logged with it', () => {
      const samples = twoLoggerLog(10, 6).map((s, i) =>
        i === 0 ? { ...s, trajectory: { ...s.trajectory, decision: { ...s.trajectory.decision, propensity: 0.3 } } } : s,
      );
      expect(mixturePropensities(samples, (id) => loggers.get(id))[0]).toBe(0.3);
    });

    it('judges more precisely than the loggers own propensities would, and the intervals still cover the truth', () => {
      let covered = 0;
      let narrower = 0;
      const runs = 40;
      for (let seed = 1; seed <= runs; seed++) {
        const samples = twoLoggerLog(600, seed);
        const bootstrap = { resamples: 300, confidenceLevel: 0.95, seed };
        const mixed = judgeOnHeldOut(constant('direct'), constant('tool'), samples, flatModel, bootstrap, (id) => loggers.get(id)).comparison.reward;
        const alone = judgeOnHeldOut(constant('direct'), constant('tool'), samples, flatModel, bootstrap).comparison.reward;
        if (mixed.lower <= truth && truth <= mixed.upper) covered += 1;
        if (mixed.upper - mixed.lower < 0.6 * (alone.upper - alone.lower)) narrower += 1;
      }
      expect(covered).toBeGreaterThanOrEqual(runs * 0.85);
      expect(narrower).toBe(runs);
    });
  });
});

function exploring(route: Route): RouterVersion {
  return { id: `explore-${route}`, label: 'v1', createdAt: '2026-11-25T10:00:00.000Z', parentId: null, explorationRate: 0.1, kind: 'constant', route };
}

describe('what the log cannot show', () => {
  // A router answering directly that spends all its exploration on its runner-up (memory, by the tie-break):
  // it never tries a tool, so no logged outcome can say what a tool would have done.
  const blind: RouterVersion = { ...exploring('direct'), id: 'blind-direct', runnerUpShare: 1 };
  const loggers = new Map([[blind.id, blind]]);
  const toolTraffic = (n: number, seed: number): HeldOutSample[] => {
    const random = seededRandom(seed);
    return Array.from({ length: n }, (_, i) => loggedBy(blind, i, 'tool', random));
  };

  it('given loggers that never try the challenger route, then every such decision counts at the worst outcome and no gain is shown', () => {
    const samples = toolTraffic(500, 8);
    // The flat model guesses 0.5 for a tool; every task needs one, so the guess is low, and still not trusted.
    const judged = judgeOnHeldOut(blind, constant('tool'), samples, flatModel, options, (id) => loggers.get(id));
    expect(judged.offPolicy.unsupported).toBe(500);
    expect(judged.challenger.meanReward).toBe(0);
    expect(judged.challenger.errorRate).toBe(1);
    expect(judged.comparison.reward.lower).toBeLessThan(0);
    // Where the loggers are unknown (imported decisions), the log's support cannot be told: the model's guess
    // stands, and alone it would show a gain the log never saw.
    const unknown = judgeOnHeldOut(blind, constant('tool'), samples, flatModel, options);
    expect(unknown.offPolicy.unsupported).toBe(0);
    expect(unknown.challenger.meanReward).toBeCloseTo(0.5, 9);
    expect(unknown.comparison.reward.lower).toBeGreaterThan(0);
  });

  it('given a route the loggers do try, then nothing is counted as unshown', () => {
    const judged = judgeOnHeldOut(blind, constant('memory'), toolTraffic(300, 9), flatModel, options, (id) => loggers.get(id));
    expect(judged.offPolicy.unsupported).toBe(0);
  });

  it('lowers the challenger estimate by exactly its blind spots, valued at nothing, and counts them', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0, 0.1, 0.5),
        fc.constantFrom(0, 0.5, 1),
        fc.constantFrom(...ROUTES),
        fc.constantFrom(...ROUTES),
        fc.integer({ min: 1, max: 10_000 }),
        (rate, runnerUpShare, loggedRoute, challengerRoute, seed) => {
          const logger: RouterVersion = { ...constant(loggedRoute), id: 'logger', explorationRate: rate, runnerUpShare };
          const random = seededRandom(seed);
          const samples = Array.from({ length: 60 }, (_, i) => loggedBy(logger, i, ROUTES[Math.floor(random() * ROUTES.length)]!, random));
          const model: OutcomeModel = { reward: [0.2, 0.4, 0.6, 0.8, 0.9], error: [0, 0, 0, 0, 0], latency: [300, 300, 300, 300, 300] };
          const known = judgeOnHeldOut(logger, constant(challengerRoute), samples, model, options, (id) => (id === 'logger' ? logger : undefined));
          const unknown = judgeOnHeldOut(logger, constant(challengerRoute), samples, model, options);
          // A constant logger gives every request the same probabilities: the challenger's route is tried everywhere or nowhere.
          const blindSpot = policyProbabilities(logger, { input: '', candidates: [] })[challengerRoute] === 0;
          expect(known.offPolicy.unsupported).toBe(blindSpot ? 60 : 0);
          const guess = model.reward[ROUTES.indexOf(challengerRoute)]!;
          expect(known.challenger.meanReward).toBeCloseTo(unknown.challenger.meanReward - (blindSpot ? guess : 0), 9);
          expect(known.baseline.meanReward).toBeCloseTo(unknown.baseline.meanReward, 9);
        },
      ),
      { numRuns: 120 },
    );
  });
});

/** The i-th held-out trajectory as `logger` routed it (drawn with `random`), for a task that needs `needs`. */
function loggedBy(logger: RouterVersion, i: number, needs: Route, random: () => number): HeldOutSample {
  const decision = decideRoute(logger, { input: `t${i}`, candidates: [] }, random());
  return heldOut(i, decision, sampledOutcome(needs, decision.route, random()));
}

/** The i-th held-out trajectory of a log: task `t${i}`, no candidates, this decision and outcome. */
function heldOut(i: number, decision: Decision, outcome: Outcome): HeldOutSample {
  const trajectory = {
    id: `T${i}`,
    recordedAt: '2026-11-25T10:00:00.000Z',
    source: 'live' as const,
    task: { input: `t${i}` },
    candidates: [],
    decision,
    outcome,
  };
  return { seq: i + 1, caseHint: null, trajectory };
}
