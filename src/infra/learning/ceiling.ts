import type { BenchmarkSuite } from '../../events/model/benchmarkSuite.js';
import { scoreSuite } from '../../domain/evaluation/scoreSuite.js';
import { extractFeatures } from '../../domain/routing/features.js';
import { trainChallenger } from '../../domain/training/trainChallenger.js';
import { DEFAULT_FEATURES, DEFAULT_TRAINING } from '../../domain/training/trainer.js';
import { createTrainingSetBuilder } from '../../domain/training/trainingSet.js';
import { ROUTES } from '../../events/model/vocabulary.js';
import type { Scenario } from './scenarios.js';

/**
 * The full-information ceiling of a scenario: a classifier trained on the true routes of every train
 * request (one-vs-rest ridge on the same features, each route's target 1 where it is the needed route,
 * else 0), scored greedily on the test suite. No bandit learner sees that much.
 */
export function fullInformationCeiling(scenario: Scenario, test: BenchmarkSuite = scenario.test): number {
  const builder = createTrainingSetBuilder();
  for (const request of scenario.train) {
    const features = extractFeatures(DEFAULT_FEATURES, { input: request.text, candidates: scenario.retrieve(request.text) });
    ROUTES.forEach((route, r) => builder.add(features, r, route === request.route ? 1 : 0));
  }
  const classifier = trainChallenger(
    {
      id: 'CEILING',
      label: 'v1',
      createdAt: '2026-01-01T00:00:00.000Z',
      parentId: null,
      explorationRate: 0,
      features: DEFAULT_FEATURES,
      training: DEFAULT_TRAINING,
      safety: null,
    },
    builder.build(),
  );
  return scoreSuite(classifier, test).metrics.meanReward;
}
