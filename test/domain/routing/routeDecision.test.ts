import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideRoute, greedyRoute, routeProbabilities, scoreRoutes } from '../../../src/domain/routing/routeDecision.js';
import { selectCandidates } from '../../../src/domain/routing/routeContext.js';
import { ROUTES, type Candidate } from '../../../src/domain/vocabulary.js';
import { baselineVersion } from '../../support/learningFixtures.js';
import { inputArb } from '../../support/fixtures.js';

const candidateArb: fc.Arbitrary<Candidate> = fc.record({
  id: fc.stringMatching(/^[a-z]{1,6}$/),
  kind: fc.constantFrom('memory' as const, 'tool' as const, 'skill' as const),
  name: fc.string({ maxLength: 8 }),
  score: fc.double({ min: 0, max: 1, noNaN: true }),
});
const contextArb = fc.record({ input: inputArb, candidates: fc.array(candidateArb, { maxLength: 20 }) });

describe('route decisions', () => {
  it('propensities are in (0, 1] and are exactly the probabilities the router draws with', () => {
    fc.assert(
      fc.property(contextArb, fc.double({ min: 0, max: 1, noNaN: true }), (context, rate) => {
        const version = baselineVersion('B', rate);
        const probabilities = routeProbabilities(greedyRoute(scoreRoutes(version, context)), rate);
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
        for (const route of ROUTES) expect(Math.abs(counts[route]! / grid - probabilities[route])).toBeLessThanOrEqual(1 / grid + 1e-9);
      }),
      { numRuns: 50 },
    );
  });

  it('probabilities of all routes sum to one', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ROUTES), fc.double({ min: 0, max: 1, noNaN: true }), (greedy, rate) => {
        const sum = Object.values(routeProbabilities(greedy, rate)).reduce((a, b) => a + b, 0);
        expect(sum).toBeCloseTo(1, 12);
      }),
    );
  });

  it('is greedy when asked, whatever the draw', () => {
    fc.assert(
      fc.property(contextArb, fc.double({ min: 0, max: 0.999, noNaN: true }), (context, u) => {
        const version = baselineVersion('B', 0.9);
        expect(decideRoute(version, context, u, { greedy: true })).toMatchObject({ route: greedyRoute(scoreRoutes(version, context)), propensity: 1 });
      }),
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
});
