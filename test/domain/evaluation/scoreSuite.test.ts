import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BenchmarkSuite } from '../../../src/events/model/benchmarkSuite.js';
import { suiteHash } from '../../../src/domain/benchmark/benchmarkSuite.js';
import { expectedOutcome } from '../../../src/domain/benchmark/rewardModel.js';
import { scoreSuite } from '../../../src/domain/evaluation/scoreSuite.js';
import type { RouterVersion } from '../../../src/events/model/routerVersion.js';
import { ROUTES } from '../../../src/events/model/vocabulary.js';
import { baselineVersion, bundled } from '../../support/learningFixtures.js';
import { inputArb } from '../../support/fixtures.js';
import { retrievalScoreArb } from '../../support/unitArbitraries.js';

const header = { id: 'X', label: 'v9', createdAt: '2026-11-25T10:00:00.000Z', parentId: null, explorationRate: 0.5 };
const oracle: RouterVersion = { ...header, kind: 'oracle' };

const suiteArb: fc.Arbitrary<BenchmarkSuite> = fc
  .array(fc.record({ input: inputArb, category: fc.constantFrom(...ROUTES), score: retrievalScoreArb }), { minLength: 1, maxLength: 60 })
  .map((rows) => ({
    name: 'generated',
    version: 1,
    tasks: rows.map((row, i) => ({
      id: `t${i}`,
      input: row.input,
      category: row.category,
      candidates: [{ id: 'c', kind: 'tool' as const, name: 'c', score: row.score }],
      outcomes: Object.fromEntries(ROUTES.map((r) => [r, expectedOutcome(row.category, r)])) as BenchmarkSuite['tasks'][number]['outcomes'],
    })),
  }));

describe('scoring a router on a suite', () => {
  it('the oracle router scores exactly 1.0 on any suite, with no errors', () => {
    fc.assert(
      fc.property(suiteArb, (suite) => {
        const { metrics } = scoreSuite(oracle, suite);
        expect(metrics.meanReward).toBe(1);
        expect(metrics.errorRate).toBe(0);
      }),
    );
  });

  it('metrics do not depend on task order', () => {
    fc.assert(
      fc.property(suiteArb, fc.integer(), (suite, seed) => {
        const shuffled = {
          ...suite,
          tasks: fc.sample(fc.shuffledSubarray(suite.tasks, { minLength: suite.tasks.length, maxLength: suite.tasks.length }), { numRuns: 1, seed })[0]!,
        };
        const a = scoreSuite(baselineVersion(), suite).metrics;
        const b = scoreSuite(baselineVersion(), shuffled).metrics;
        expect(b.taskCount).toBe(a.taskCount);
        expect(b.p95LatencyMs).toBe(a.p95LatencyMs);
        for (const key of ['meanReward', 'errorRate', 'meanLatencyMs'] as const) expect(b[key]).toBeCloseTo(a[key], 10);
        for (const route of ROUTES) {
          expect(b.byCategory[route]?.taskCount).toBe(a.byCategory[route]?.taskCount);
          if (a.byCategory[route]) expect(b.byCategory[route]!.meanReward).toBeCloseTo(a.byCategory[route]!.meanReward, 10);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('is greedy: an exploration rate changes nothing', () => {
    fc.assert(
      fc.property(suiteArb, (suite) => {
        expect(scoreSuite(baselineVersion('B', 1), suite).metrics).toEqual(scoreSuite(baselineVersion('B', 0), suite).metrics);
      }),
      { numRuns: 30 },
    );
  });

  it('the content hash ignores key order and changes with any task', () => {
    fc.assert(
      fc.property(suiteArb, (suite) => {
        const reordered = JSON.parse(JSON.stringify({ tasks: suite.tasks, version: suite.version, name: suite.name }));
        expect(suiteHash(reordered)).toBe(suiteHash(suite));
        expect(suiteHash({ ...suite, tasks: suite.tasks.slice(1) })).not.toBe(suiteHash(suite));
      }),
      { numRuns: 30 },
    );
  });

  it('on the bundled suite: the oracle scores 1.0, the best constant route (composite) 0.592, always-tool about 0.5', () => {
    const { suite } = bundled();
    expect(suite.tasks).toHaveLength(5500);
    expect(scoreSuite(oracle, suite).metrics.meanReward).toBe(1);
    const constant = (route: (typeof ROUTES)[number]) => scoreSuite({ ...header, kind: 'constant', route }, suite).metrics.meanReward;
    const scores = ROUTES.map(constant);
    expect(Math.max(...scores)).toBeCloseTo(0.592, 3);
    expect(constant('composite')).toBe(Math.max(...scores));
    expect(constant('tool')).toBeCloseTo(0.513, 3);
  });
});
