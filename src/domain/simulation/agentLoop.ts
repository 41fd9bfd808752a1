import { sampledOutcome } from '../benchmark/rewardModel.js';
import { retrieveCandidates, type CatalogueIndex } from '../benchmark/catalogue.js';
import { seededPermutation, seededRandom } from '../random.js';
import type { FeatureSettings, RouterVersion, SafetySettings, TrainingSettings } from '../../events/model/routerVersion.js';
import { challengerRunnerUpShare, decideRoute } from '../routing/routeDecision.js';
import { createDatasetBuilder } from '../training/dataset.js';
import { trainChallenger } from '../training/trainChallenger.js';
import type { Route, Trajectory } from '../../events/model/vocabulary.js';

export type SimulatedRequest = { readonly id: string; readonly text: string; readonly route: Route };

export type AgentLoopOptions = {
  readonly requests: readonly SimulatedRequest[];
  readonly catalogue: CatalogueIndex;
  readonly initialRouter: RouterVersion;
  readonly explorationRate: number;
  readonly retrainEvery: number;
  readonly seed: number;
  readonly features: FeatureSettings;
  readonly training: TrainingSettings;
  readonly benchmarkInputs: ReadonlySet<string>;
  readonly startTime?: number;
  /** Safe improvement's settings for every retraining: absent, the defaults; null, none. */
  readonly safety?: SafetySettings | null;
};

/** Keeps the arrival order's generator apart from the decisions' one, which starts from the seed itself. */
const ARRIVAL_SEED_SALT = 0x9e3779b9;

/**
 * The order in which an agent would meet these requests: a random one, drawn from the seed. Datasets are
 * often sorted by label (CLINC150 lists its train split intent by intent); played in that order, every
 * intent's requests would all be routed by a router that had never seen the intent, and retrained only
 * after they were all gone, which is not how traffic arrives.
 */
export function arrivalOrder<T>(requests: readonly T[], seed: number): T[] {
  return Array.from(seededPermutation(requests.length, (seed ^ ARRIVAL_SEED_SALT) >>> 0), (i) => requests[i]!);
}

/**
 * Plays the agent loop of the learning issue: the requests arrive in a random order drawn from the seed
 * (`arrivalOrder`); for each the current router routes (with exploration), the reward is drawn from the
 * reward model, the trajectory is logged, and after every `retrainEvery` trajectories a new router is
 * trained on everything logged so far and takes over. Deterministic for a seed; the learner sees only the
 * chosen route's sampled reward, never the true route.
 */
export function simulateAgentLoop(options: AgentLoopOptions): { router: RouterVersion; trajectories: Trajectory[]; retrainings: number } {
  const random = seededRandom(options.seed);
  const startTime = options.startTime ?? Date.parse('2026-01-01T00:00:00.000Z');
  const dataset = createDatasetBuilder(options.features, options.benchmarkInputs);
  const trajectories: Trajectory[] = [];
  let router: RouterVersion = { ...options.initialRouter, explorationRate: options.explorationRate };
  let retrainings = 0;
  arrivalOrder(options.requests, options.seed).forEach((request, index) => {
    const candidates = retrieveCandidates(options.catalogue, request.text);
    const decision = decideRoute(router, { input: request.text, candidates }, random());
    const outcome = sampledOutcome(request.route, decision.route, random());
    const trajectory: Trajectory = {
      id: `SIM${String(index).padStart(23, '0')}`,
      recordedAt: new Date(startTime + index * 1000).toISOString(),
      source: 'live',
      task: { input: request.text },
      candidates,
      decision,
      outcome,
    };
    trajectories.push(trajectory);
    dataset.add(trajectory);
    if ((index + 1) % options.retrainEvery === 0) {
      retrainings += 1;
      const runnerUpShare = challengerRunnerUpShare(router);
      router = trainChallenger(
        {
          id: `SIMROUTER${String(retrainings).padStart(17, '0')}`,
          label: `v${retrainings + 1}`,
          createdAt: trajectory.recordedAt,
          parentId: router.id,
          explorationRate: options.explorationRate,
          ...(runnerUpShare === undefined ? {} : { runnerUpShare }),
          features: options.features,
          training: options.training,
          behaviour: router,
          ...(options.safety === undefined ? {} : { safety: options.safety }),
        },
        dataset.build().samples,
      );
    }
  });
  return { router, trajectories, retrainings };
}
