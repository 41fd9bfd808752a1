import type { BenchmarkSuite } from '../../events/model/benchmarkSuite.js';
import { sampledOutcome } from '../../domain/benchmark/rewardModel.js';
import { judgeOnSuite } from '../../domain/evaluation/judgeOnSuite.js';
import { evaluatePromotion } from '../../domain/promotionPolicy.js';
import type { PromotionPolicy } from '../../events/model/promotionPolicy.js';
import { seededRandom } from '../../domain/random.js';
import type { RouterVersion, SafetySettings } from '../../events/model/routerVersion.js';
import { decideRoute } from '../../domain/routing/routeDecision.js';
import { arrivalOrder } from '../../domain/simulation/agentLoop.js';
import { benchmarkInputSet, createDatasetBuilder } from '../../domain/training/dataset.js';
import { trainChallenger } from '../../domain/training/trainChallenger.js';
import { DEFAULT_FEATURES, DEFAULT_TRAINING } from '../../domain/training/trainer.js';
import type { Trajectory } from '../../events/model/vocabulary.js';
import type { Scenario } from './scenarios.js';

export type SimulatedCycle = {
  readonly cycle: number;
  readonly challenger: number;
  readonly active: number;
  readonly promoted: boolean;
  readonly failed: string[];
};

/**
 * The gated loop in memory, for tuning on the validation split: the same route, outcome, train, gate
 * sequence as the real commands, without the log. The gate is the promotion policy on the validation suite.
 */
export function simulateGatedLoop(options: {
  scenario: Scenario;
  initial: RouterVersion;
  gate: BenchmarkSuite;
  policy: PromotionPolicy;
  safety: SafetySettings | null;
  seed: number;
  cycleEvery: number;
  explorationRate: number;
  limit?: number;
}): { cycles: SimulatedCycle[]; active: RouterVersion } {
  const { scenario, gate, policy } = options;
  const random = seededRandom(options.seed);
  const dataset = createDatasetBuilder(DEFAULT_FEATURES, benchmarkInputSet(gate.tasks.map((t) => t.input)));
  let active: RouterVersion = { ...options.initial, explorationRate: options.explorationRate };
  const cycles: SimulatedCycle[] = [];
  const requests = arrivalOrder(scenario.train, options.seed).slice(0, options.limit);
  requests.forEach((request, index) => {
    const candidates = scenario.retrieve(request.text);
    const decision = decideRoute(active, { input: request.text, candidates }, random());
    const trajectory: Trajectory = {
      id: `SIM${String(index).padStart(23, '0')}`,
      recordedAt: '2026-01-01T00:00:00.000Z',
      source: 'live',
      task: { input: request.text },
      candidates,
      decision,
      outcome: sampledOutcome(request.route, decision.route, random()),
    };
    dataset.add(trajectory);
    if ((index + 1) % options.cycleEvery !== 0) return;
    const cycle = cycles.length + 1;
    const challenger = trainChallenger(
      {
        id: `SIMROUTER${String(cycle).padStart(17, '0')}`,
        label: `v${cycle + 1}`,
        createdAt: trajectory.recordedAt,
        parentId: active.id,
        explorationRate: options.explorationRate,
        features: DEFAULT_FEATURES,
        training: DEFAULT_TRAINING,
        safety: options.safety,
        behaviour: active,
      },
      dataset.build().samples,
    );
    // The cycle's own judgement: both routers on the gate suite, paired task by task, through the policy.
    const judged = judgeOnSuite(active, challenger, gate, { resamples: policy.bootstrapResamples, confidenceLevel: policy.confidenceLevel, seed: policy.seed });
    const verdict = evaluatePromotion(judged, policy);
    cycles.push({
      cycle,
      challenger: judged.challenger.meanReward,
      active: judged.baseline.meanReward,
      promoted: verdict.accepted,
      failed: verdict.reasons.filter((r) => !r.passed).map((r) => r.gate),
    });
    if (verdict.accepted) active = challenger;
  });
  return { cycles, active };
}
