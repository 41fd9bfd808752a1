import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openMemabra } from '../../../src/index.js';
import type { Route } from '../../../src/events/model/vocabulary.js';
import { tempDir, testEnvironment } from '../../support/fixtures.js';
import { feedback, feedbackArb, outcomeArb, routeRequestArb } from '../../support/loopArbitraries.js';

describe('route, then record what it answered (library)', () => {
  it('accepts the answer fed back, by id or whole, logged or not, for any request and any case hit', async () => {
    const memabra = await openMemabra({ location: tempDir(), environment: testEnvironment() });
    // Exploring half the time, so every route (and every selection rule) is answered and fed back.
    await memabra.init({ explorationRate: 0.5 });
    const reached = { caseHits: 0, routes: new Set<Route>(), unlogged: 0 };
    let recorded = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(routeRequestArb, outcomeArb, feedbackArb), { minLength: 1, maxLength: 4 }), fc.boolean(), async (turns, log) => {
        const requests = turns.map(([request]) => request);
        const answers = await memabra.route(requests, { log });
        expect(answers).toHaveLength(requests.length);
        for (const answer of answers) {
          reached.routes.add(answer.route);
          if (answer.caseMemory) reached.caseHits += 1;
          expect(answer.decisionId !== undefined).toBe(log);
        }
        if (!log) reached.unlogged += 1;
        const items = turns.map(([request, outcome, how], i) => feedback(request, answers[i]!, outcome, how));
        const { ids } = await memabra.record(items);
        recorded += ids.length;
        expect(ids).toHaveLength(items.length);
      }),
      { numRuns: 60, seed: 11 },
    );
    const status = await memabra.status();
    expect(status).toMatchObject({ trajectoryCount: recorded, decisions: { awaitingOutcome: 0 } });
    expect(reached.caseHits).toBeGreaterThan(10);
    expect(reached.unlogged).toBeGreaterThan(5);
    expect([...reached.routes].sort()).toEqual(['composite', 'direct', 'memory', 'skill', 'tool']);
    await memabra.close();
  });
});
