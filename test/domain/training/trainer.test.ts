import { describe, expect, it } from 'vitest';
import { caseHintSlot, extractFeatures } from '../../../src/domain/routing/features.js';
import { denseModel } from '../../../src/domain/routing/linearModel.js';
import { predictRoute } from '../../../src/domain/routing/learnedRouter.js';
import { benchmarkInputSet, createDatasetBuilder } from '../../../src/domain/training/dataset.js';
import { trainChallenger } from '../../../src/domain/training/trainChallenger.js';
import { DEFAULT_FEATURES, DEFAULT_TRAINING } from '../../../src/domain/training/trainer.js';
import type { Trajectory } from '../../../src/events/model/vocabulary.js';
import { createTrainingSetBuilder, trainingSetOf } from '../../../src/domain/training/trainingSet.js';
import fc from 'fast-check';
import { rewardArb } from '../../support/unitArbitraries.js';
import { baselineVersion, simulatedTrajectories } from '../../support/learningFixtures.js';

const spec = {
  id: 'C',
  label: 'v2',
  createdAt: '2026-11-25T10:00:00.000Z',
  parentId: 'B',
  explorationRate: 0.1,
  features: DEFAULT_FEATURES,
  training: DEFAULT_TRAINING,
};

function trajectories(count: number, seed: number): Trajectory[] {
  return simulatedTrajectories(baselineVersion(), 0, count, seed).map((t, i) => ({
    ...t,
    id: `T${String(i).padStart(25, '0')}`,
    recordedAt: '2026-11-25T10:00:00.000Z',
    source: 'live',
  }));
}

function samplesOf(list: readonly Trajectory[], benchmark: Iterable<string> = []) {
  const builder = createDatasetBuilder(DEFAULT_FEATURES, benchmarkInputSet(benchmark));
  for (const t of list) builder.add(t);
  return builder.build();
}

describe('training', () => {
  it('is deterministic: the same data gives byte-identical weights', () => {
    const data = samplesOf(trajectories(1500, 4)).samples;
    expect(trainChallenger(spec, data)).toEqual(trainChallenger(spec, data));
  });

  it('fits what it saw: a route that always paid off is predicted above one that never did', () => {
    const x = extractFeatures(DEFAULT_FEATURES, { input: 'set an alarm for six', candidates: [] });
    const samples = Array.from({ length: 50 }, (_, i) => ({ features: x, route: i % 2 === 0 ? 2 : 0, reward: i % 2 === 0 ? 1 : 0 }));
    const version = trainChallenger(spec, trainingSetOf(samples));
    const model = denseModel(version.model, DEFAULT_FEATURES.bits);
    expect(predictRoute(model, x, 2)).toBeGreaterThan(0.9);
    expect(predictRoute(model, x, 0)).toBeLessThan(0.1);
  });

  it('pools samples in one CSR buffer that gives every sample back exactly, however it grew', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ n: fc.nat(40), route: fc.nat(4), reward: rewardArb }), { maxLength: 3000 }), (rows) => {
        const builder = createTrainingSetBuilder();
        const vectors = rows.map(({ n }, i) => ({
          indices: Uint32Array.from({ length: n }, (_, k) => (i * 7 + k) % 1000),
          values: Float32Array.from({ length: n }, (_, k) => k / 8),
          length: n,
        }));
        rows.forEach((row, i) => builder.add(vectors[i]!, row.route, row.reward));
        const set = builder.build();
        expect(set.count).toBe(rows.length);
        rows.forEach((row, i) => {
          expect(Array.from(set.indices.subarray(set.offsets[i]!, set.offsets[i + 1]!))).toEqual(Array.from(vectors[i]!.indices));
          expect(Array.from(set.values.subarray(set.offsets[i]!, set.offsets[i + 1]!))).toEqual(Array.from(vectors[i]!.values));
          expect(set.routes[i]).toBe(row.route);
          expect(set.rewards[i]).toBeCloseTo(row.reward, 6);
        });
      }),
      { numRuns: 30 },
    );
  });

  it('keeps benchmark inputs out of the training set and reports each exclusion', () => {
    const list = trajectories(300, 2);
    const benchmarkInput = `  ${list[7]!.task.input.toUpperCase()}!`;
    const dataset = samplesOf(list, [benchmarkInput]);
    expect(dataset.excluded).toEqual(list.filter((t) => t.task.input === list[7]!.task.input).map((t) => ({ trajectoryId: t.id, reason: 'benchmark-input' })));
    expect(dataset.used).toBe(list.length - dataset.excluded.length);
  });

  it('fits a five-route model on 15,000 trajectories inside the 1 MiB event limit', () => {
    const version = trainChallenger(spec, samplesOf(trajectories(15_000, 9)).samples);
    expect(JSON.stringify(version).length).toBeLessThan(1024 * 1024);
  });
});

describe('what a route model learns from the case hint', () => {
  const features = { ...DEFAULT_FEATURES, bits: 10 };
  const hinted = (n: number) =>
    trainingSetOf(
      Array.from({ length: 200 }, (_, i) => {
        // Tool requests that paid exactly when the case hint said a tool paid before: the hint is the signal.
        const hint = i < n ? { route: 'tool' as const, reward: 1 } : null;
        return { features: extractFeatures(features, { input: `request ${i % 7}`, candidates: [], caseHint: hint }), route: 2, reward: hint ? 1 : i % 2 };
      }),
    );
  const hintWeight = (n: number) => {
    const version = trainChallenger(
      { id: 'L', label: 'v2', createdAt: '2026-11-25T10:00:00.000Z', parentId: null, explorationRate: 0.1, features, training: DEFAULT_TRAINING, safety: null },
      hinted(n),
    );
    return denseModel(version.model, features.bits).weights[2]![caseHintSlot(features, 'tool')]!;
  };

  it('gives it no weight, however many samples carry one and however well it predicts', () => {
    expect(hintWeight(0)).toBe(0);
    expect(hintWeight(50)).toBe(0);
    expect(hintWeight(200)).toBe(0);
  });

  it('learns the same text weights whether the samples carried a hint or not', () => {
    const weightsOf = (set: ReturnType<typeof hinted>) =>
      denseModel(
        trainChallenger(
          {
            id: 'L',
            label: 'v2',
            createdAt: '2026-11-25T10:00:00.000Z',
            parentId: null,
            explorationRate: 0.1,
            features,
            training: DEFAULT_TRAINING,
            safety: null,
          },
          set,
        ).model,
        features.bits,
      ).weights[2]!;
    const withHints = trainingSetOf(
      Array.from({ length: 120 }, (_, i) => ({
        features: extractFeatures(features, { input: `request ${i % 7}`, candidates: [], caseHint: { route: 'tool', reward: i % 3 ? 1 : 0 } }),
        route: 2,
        reward: i % 3 ? 1 : 0,
      })),
    );
    const without = trainingSetOf(
      Array.from({ length: 120 }, (_, i) => ({
        features: extractFeatures(features, { input: `request ${i % 7}`, candidates: [], caseHint: null }),
        route: 2,
        reward: i % 3 ? 1 : 0,
      })),
    );
    expect(Array.from(weightsOf(withHints))).toEqual(Array.from(weightsOf(without)));
  });
});
