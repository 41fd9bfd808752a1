import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrivalOrder } from '../../../src/domain/simulation/agentLoop.js';
import { bundled, issueAgentLoop } from '../../support/learningFixtures.js';

const sorted = (items: readonly string[]): string[] => [...items].sort();

describe('arrival order', () => {
  it('is a permutation of the requests, the same for the same seed', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 60 }), fc.nat(), (requests, seed) => {
        const order = arrivalOrder(requests, seed);
        expect(sorted(order)).toEqual(sorted(requests));
        expect(arrivalOrder(requests, seed)).toEqual(order);
      }),
    );
  });

  it('mixes a split sorted by intent: the first thousand arrivals span most intents', () => {
    const { train } = bundled();
    const intentsInFileOrder = new Set(train.slice(0, 1000).map((r) => r.intent));
    const intentsOnArrival = new Set(
      arrivalOrder(train, 3)
        .slice(0, 1000)
        .map((r) => r.intent),
    );
    expect(intentsInFileOrder.size).toBeLessThanOrEqual(11);
    expect(intentsOnArrival.size).toBeGreaterThan(140);
  });
});

describe('the simulated agent loop', () => {
  const play = (seed: number) => issueAgentLoop(bundled().train.slice(0, 3000), seed);

  it('routes every request once, in its arrival order, and retrains after every thousand', () => {
    const { train } = bundled();
    const { trajectories, retrainings, router } = play(5);
    const requests = train.slice(0, 3000);
    expect(trajectories.map((t) => t.task.input)).toEqual(arrivalOrder(requests, 5).map((r) => r.text));
    expect(retrainings).toBe(3);
    expect(router.kind).toBe('learned');
  });

  it('is deterministic for a seed', () => {
    const first = play(7);
    const again = play(7);
    expect(again.router).toEqual(first.router);
    expect(again.trajectories).toEqual(first.trajectories);
  });
});
