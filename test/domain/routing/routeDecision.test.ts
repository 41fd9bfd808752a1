import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  challengerRunnerUpShare,
  decideRoute,
  explorationOf,
  greedyRoute,
  routeProbabilities,
  runnerUpRoute,
  scoreRoutes,
} from '../../../src/domain/routing/routeDecision.js';
import { LEARNED_RUNNER_UP_SHARE } from '../../../src/domain/exploration.js';
import { selectCandidates } from '../../../src/domain/routing/routeContext.js';
import { DEFAULT_BASELINE_PARAMS } from '../../../src/domain/routing/baselineRouter.js';
import type { BaselineParams, RouterVersion } from '../../../src/events/model/routerVersion.js';
import { ROUTES, type Candidate, type Route } from '../../../src/events/model/vocabulary.js';
import { quantiseModel } from '../../../src/domain/routing/linearModel.js';
import { seededRandom } from '../../../src/domain/random.js';
import { DEFAULT_TRAINING } from '../../../src/domain/training/trainer.js';
import { baselineVersion } from '../../support/learningFixtures.js';
import { inputArb } from '../../support/fixtures.js';
import { explorationRateArb, retrievalScoreArb, unitShareArb } from '../../support/unitArbitraries.js';

const candidateArb: fc.Arbitrary<Candidate> = fc.record({
  id: fc.stringMatching(/^[a-z]{1,6}$/),
  kind: fc.constantFrom('memory' as const, 'tool' as const, 'skill' as const),
  name: fc.string({ maxLength: 8 }),
  score: retrievalScoreArb,
});
/** A learned router with arbitrary (seeded) weights: what matters here is what it reads, not how well. */
function learnedVersion(): RouterVersion {
  const features = { bits: 8, wordNgrams: 2, charNgramMin: 3, charNgramMax: 4, candidateFeatures: true };
  const random = seededRandom(5);
  const weights = ROUTES.map(() => Float32Array.from({ length: 2 ** features.bits }, () => random() - 0.5));
  const model = quantiseModel({ bias: ROUTES.map(() => random()), weights });
  return {
    id: 'L',
    label: 'v2',
    createdAt: '2026-11-25T10:00:00.000Z',
    parentId: 'B',
    explorationRate: 0.1,
    kind: 'learned',
    features,
    training: DEFAULT_TRAINING,
    model,
  };
}

const contextArb = fc.record({ input: inputArb, candidates: fc.array(candidateArb, { maxLength: 20 }) });

describe('route decisions', () => {
  it('propensities are in (0, 1] and are exactly the probabilities the router draws with', () => {
    fc.assert(
      fc.property(contextArb, explorationRateArb, unitShareArb, (context, rate, runnerUpShare) => {
        const version: RouterVersion = { ...baselineVersion('B', rate), runnerUpShare };
        const probabilities = routeProbabilities(scoreRoutes(version, context), explorationOf(version));
        // Sweep the random draw over a fine grid: the share of draws giving each route is its probability.
        const grid = 2000;
        const counts = Object.fromEntries(ROUTES.map((r) => [r, 0])) as Record<string, number>;
        for (let i = 0; i < grid; i++) {
          const decision = decideRoute(version, context, (i + 0.5) / grid);
          expect(decision.propensity).toBeGreaterThan(0);
          expect(decision.propensity).toBeLessThanOrEqual(1);
          expect(decision.propensity).toBeCloseTo(probabilities[decision.route], 12);
          counts[decision.route]! += 1;
        }
        // A route's draws are the grid points in at most two intervals (its share of the exploring draws and,
        // for the greedy route, the draws past the rate), and each interval's count is within one point of
        // its length times the grid: so within 2 / grid in all (1 / grid was false, for example seed 809).
        for (const route of ROUTES) expect(Math.abs(counts[route]! / grid - probabilities[route])).toBeLessThanOrEqual(2 / grid + 1e-9);
      }),
      { numRuns: 50 },
    );
  });

  it('probabilities of all routes sum to one, and the runner-up gets its share of exploration on top of the uniform part', () => {
    fc.assert(
      fc.property(contextArb, explorationRateArb, unitShareArb, (context, rate, runnerUpShare) => {
        const scores = scoreRoutes(baselineVersion(), context);
        const probabilities = routeProbabilities(scores, { rate, runnerUpShare });
        expect(Object.values(probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
        const greedy = greedyRoute(scores);
        const runnerUp = runnerUpRoute(scores, greedy);
        const uniform = (rate * (1 - runnerUpShare)) / ROUTES.length;
        expect(runnerUp).not.toBe(greedy);
        for (const route of ROUTES) if (route !== greedy && route !== runnerUp) expect(probabilities[route]).toBeCloseTo(uniform, 12);
        expect(probabilities[runnerUp]).toBeCloseTo(uniform + rate * runnerUpShare, 12);
        expect(probabilities[greedy]).toBeCloseTo(1 - rate + uniform, 12);
      }),
    );
  });

  it('without a runner-up share (every version registered before it), each draw picks the route it always did: uniform below the rate, else greedy', () => {
    fc.assert(
      fc.property(
        contextArb,
        explorationRateArb,
        fc.integer({ min: 0, max: 998_999 }).map((n) => n / 1_000_000),
        (context, rate, u) => {
          const version = baselineVersion('B', rate);
          const greedy = greedyRoute(scoreRoutes(version, context));
          const before = u < rate ? ROUTES[Math.min(ROUTES.length - 1, Math.floor((u / rate) * ROUTES.length))]! : greedy;
          expect(decideRoute(version, context, u).route).toBe(before);
        },
      ),
    );
  });

  it('the runner-up is the best of the other routes, ties to the earlier route', () => {
    expect(runnerUpRoute({ direct: 0.35, memory: 0.6, tool: 0.7, skill: 0.1, composite: 2 }, 'composite')).toBe('tool');
    expect(runnerUpRoute({ direct: 0.35, memory: 0.5, tool: 0.5, skill: 0.1, composite: 0 }, 'memory')).toBe('tool');
    expect(runnerUpRoute({ direct: 0, memory: 0, tool: 0, skill: 0, composite: 0 }, 'direct')).toBe('memory');
  });

  it('is greedy when asked, whatever the draw', () => {
    fc.assert(
      fc.property(
        contextArb,
        fc.integer({ min: 0, max: 998_999 }).map((n) => n / 1_000_000),
        (context, u) => {
          const version = baselineVersion('B', 0.9);
          expect(decideRoute(version, context, u, { greedy: true })).toMatchObject({ route: greedyRoute(scoreRoutes(version, context)), propensity: 1 });
        },
      ),
    );
  });

  it('the baseline brings in both memory and tool when both retrieved well, else the best kind, else nothing', () => {
    const version = baselineVersion('B', 0);
    const c = (id: string, kind: Candidate['kind'], score: number): Candidate => ({ id, kind, name: id, score });
    const route = (candidates: Candidate[]) => decideRoute(version, { input: 'x', candidates }, 0.5);
    expect(route([c('m', 'memory', 0.6), c('t', 'tool', 0.7)])).toMatchObject({ route: 'composite', selected: ['m', 't'] });
    expect(route([c('m', 'memory', 0.3), c('t', 'tool', 0.7), c('s', 'skill', 0.5)])).toMatchObject({ route: 'tool', selected: ['t'] });
    expect(route([c('s', 'skill', 0.2)])).toMatchObject({ route: 'direct', selected: [] });
    expect(route([])).toMatchObject({ route: 'direct', propensity: 1, routerVersionId: 'B' });
  });

  it('selects only candidates that were offered', () => {
    fc.assert(
      fc.property(contextArb, fc.constantFrom(...ROUTES), (context, route) => {
        const ids = new Set(context.candidates.map((c) => c.id));
        for (const id of selectCandidates(route, context.candidates)) expect(ids.has(id)).toBe(true);
      }),
    );
  });

  it("no router but the oracle reads the task's category: its scores and decision are the same whatever the category says", () => {
    const learned = learnedVersion();
    const constant: RouterVersion = { ...baselineVersion('C', 0.1), kind: 'constant', route: 'skill' } as RouterVersion;
    fc.assert(
      fc.property(
        contextArb,
        fc.constantFrom(...ROUTES),
        explorationRateArb,
        fc.integer({ min: 0, max: 999_999 }).map((n) => n / 1_000_000),
        (context, category, rate, u) => {
          for (const version of [baselineVersion('B', rate), { ...learned, explorationRate: rate }, constant]) {
            const blind = decideRoute(version, context, u);
            expect(decideRoute(version, { ...context, category }, u)).toEqual(blind);
          }
        },
      ),
      { numRuns: 200 },
    );
    // The oracle does read it: the law is about the others, not a category nobody looks at.
    const oracle = { ...baselineVersion('O', 0), kind: 'oracle' } as RouterVersion;
    expect(decideRoute(oracle, { input: 'x', candidates: [], category: 'skill' }, 0.5).route).toBe('skill');
  });

  it('the arbitraries reach the values that matter: both sides of the thresholds, greedy routes other than direct, and exploration', () => {
    const contexts = fc.sample(contextArb, { numRuns: 2000, seed: 7 });
    const routes = new Set(contexts.map((context) => greedyRoute(scoreRoutes(baselineVersion('B', 0), context))));
    expect([...routes].sort()).toEqual([...ROUTES].sort());
    const rates = fc.sample(explorationRateArb, { numRuns: 2000, seed: 7 });
    expect(rates.filter((rate) => rate >= 0.01 && rate <= 0.99).length).toBeGreaterThan(1000);
    expect(rates).toContain(0);
    expect(rates).toContain(1);
  });
});

describe('the baseline rule and case memory', () => {
  const c = (id: string, kind: Candidate['kind'], score: number): Candidate => ({ id, kind, name: id, score });
  const episode = c('case:T1', 'memory', 1);
  const toolRequest = [c('m', 'memory', 0.3), c('t', 'tool', 0.7)];
  type Hint = { route: Route; reward: number; candidateId?: string };
  const routeWith = (params: BaselineParams, candidates: Candidate[], caseHint: Hint | null) =>
    decideRoute({ ...(baselineVersion('B', 0) as Extract<RouterVersion, { kind: 'baseline' }>), params }, { input: 'x', candidates, caseHint }, 0.5).route;

  it('the episodic memory of a case hit is no retrieval: a repeated tool request stays tool, not composite', () => {
    expect(routeWith(DEFAULT_BASELINE_PARAMS, toolRequest, null)).toBe('tool');
    expect(routeWith(DEFAULT_BASELINE_PARAMS, [...toolRequest, episode], { route: 'tool', reward: 1, candidateId: episode.id })).toBe('tool');
    // By default one good outcome is not followed: the rule decides on what was retrieved.
    expect(routeWith(DEFAULT_BASELINE_PARAMS, [c('t', 'tool', 0.2), episode], { route: 'skill', reward: 1, candidateId: episode.id })).toBe('direct');
  });

  it('a version registered before the rule read case hints decides as it always did', () => {
    const before = { minScore: 0.35, compositeMinScore: 0.45 };
    expect(routeWith(before, [...toolRequest, episode], { route: 'tool', reward: 1, candidateId: episode.id })).toBe('composite');
  });

  it('with caseMinReward set, a case decides exactly when its reward reaches it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ROUTES), fc.oneof(fc.constantFrom(0, 0.89, 0.9, 1), fc.double({ min: 0, max: 1, noNaN: true })), (hinted, reward) => {
        const params = { ...DEFAULT_BASELINE_PARAMS, caseMinReward: 0.9 };
        const route = routeWith(params, [...toolRequest, { ...episode, score: reward }], { route: hinted, reward, candidateId: episode.id });
        expect(route).toBe(reward >= 0.9 ? hinted : 'tool');
        expect(routeWith(DEFAULT_BASELINE_PARAMS, [...toolRequest, { ...episode, score: reward }], { route: hinted, reward, candidateId: episode.id })).toBe(
          'tool',
        );
      }),
    );
  });
});

describe('how a challenger explores', () => {
  it('a learned router keeps its own runner-up share; the rule passes on its own, at most half; without one, none', () => {
    fc.assert(
      fc.property(unitShareArb, (share) => {
        expect(challengerRunnerUpShare({ ...learnedVersion(), runnerUpShare: share })).toBe(share);
        const rule = { ...baselineVersion(), runnerUpShare: share };
        expect(challengerRunnerUpShare(rule)).toBe(Math.min(share, LEARNED_RUNNER_UP_SHARE));
      }),
    );
    const { runnerUpShare: _none, ...uniform } = baselineVersion();
    expect(challengerRunnerUpShare(uniform)).toBeUndefined();
    expect(challengerRunnerUpShare({ ...baselineVersion(), runnerUpShare: 1 })).toBe(0.5);
  });
});
