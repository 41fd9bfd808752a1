import { DEFAULT_RUNNER_UP_SHARE } from '../../src/domain/exploration.js';
import type { BenchmarkSuite } from '../../src/events/model/benchmarkSuite.js';
import { indexCatalogue, retrieveCandidates, type CatalogueIndex } from '../../src/domain/benchmark/catalogue.js';
import { sampledOutcome } from '../../src/domain/benchmark/rewardModel.js';
import { DEFAULT_POLICY } from '../../src/events/model/promotionPolicy.js';
import { seededRandom } from '../../src/domain/random.js';
import type { RouterVersion } from '../../src/events/model/routerVersion.js';
import { DEFAULT_BASELINE_PARAMS } from '../../src/domain/routing/baselineRouter.js';
import { decideRoute } from '../../src/domain/routing/routeDecision.js';
import { simulateAgentLoop } from '../../src/domain/simulation/agentLoop.js';
import { benchmarkInputSet } from '../../src/domain/training/dataset.js';
import { DEFAULT_FEATURES, DEFAULT_TRAINING } from '../../src/domain/training/trainer.js';
import type { CycleOptions } from '../../src/domain/cycle.js';
import type { TrajectoryInput } from '../../src/events/model/vocabulary.js';
import { loadBenchmark, loadCatalogue, loadTrainRequests, type TrainRequest } from '../../src/infra/data/bundledData.js';

let cached: { suite: BenchmarkSuite; catalogue: CatalogueIndex; train: TrainRequest[] } | undefined;

/** The shipped data, loaded once per test file. */
export function bundled() {
  cached ??= { suite: loadBenchmark(), catalogue: indexCatalogue(loadCatalogue()), train: loadTrainRequests() };
  return cached;
}

/**
 * The first `n` tasks of the bundled suite, as a smaller suite of its own. Both splits are ordered by intent,
 * so with the first train requests of `simulatedTrajectories` this is a small world of its own: an agent
 * whose traffic covers the first intents, and a benchmark of those same intents. (The full suite needs the
 * whole train split to show a gain, as the demo and the learning test do.)
 */
export function smallSuite(n: number): BenchmarkSuite {
  const { suite } = bundled();
  return { ...suite, name: `clinc150-routes-first-${n}`, tasks: suite.tasks.slice(0, n) };
}

export const baselineVersion = (id = 'BASELINE0000000000000000001', explorationRate = 0.1): RouterVersion => ({
  id,
  label: 'v1',
  createdAt: '2026-11-25T10:00:00.000Z',
  parentId: null,
  explorationRate,
  kind: 'baseline',
  params: DEFAULT_BASELINE_PARAMS,
});

/** Trajectories of the agent loop under a fixed router: train requests routed with exploration, rewards drawn. */
export function simulatedTrajectories(router: RouterVersion, from: number, count: number, seed: number): TrajectoryInput[] {
  const { train, catalogue } = bundled();
  const random = seededRandom(seed);
  return train.slice(from, from + count).map((request) => {
    const candidates = retrieveCandidates(catalogue, request.text);
    const decision = decideRoute(router, { input: request.text, candidates }, random());
    return { task: { input: request.text }, candidates, decision, outcome: sampledOutcome(request.route, decision.route, random()) };
  });
}

export const testCycleOptions = (overrides: Partial<CycleOptions> = {}): CycleOptions => ({
  dryRun: false,
  minNewTrajectories: 10,
  policy: { ...DEFAULT_POLICY, bootstrapResamples: 300 },
  seed: 1,
  features: DEFAULT_FEATURES,
  training: DEFAULT_TRAINING,
  ...overrides,
});

/** The learning issue's agent loop over these requests: from the baseline, 5% exploration (init's runner-up share), a retraining every 1,000. */
export function issueAgentLoop(requests: readonly TrainRequest[], seed: number) {
  const { suite, catalogue } = bundled();
  return simulateAgentLoop({
    requests,
    catalogue,
    initialRouter: { ...baselineVersion(), runnerUpShare: DEFAULT_RUNNER_UP_SHARE },
    explorationRate: 0.05,
    retrainEvery: 1000,
    seed,
    features: DEFAULT_FEATURES,
    training: DEFAULT_TRAINING,
    benchmarkInputs: benchmarkInputSet(suite.tasks.map((t) => t.input)),
  });
}
