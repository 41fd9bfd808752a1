import { CASE_CANDIDATE_PREFIX, normaliseInput } from '../caseMemory.js';
import type { FeatureSettings } from '../routerVersion.js';
import { extractFeatures } from '../routing/features.js';
import type { CaseHint } from '../routing/routeContext.js';
import { ROUTES, type Route, type Trajectory } from '../vocabulary.js';
import { createTrainingSetBuilder, type TrainingSet } from './trainingSet.js';

export type Exclusion = { readonly trajectoryId: string; readonly reason: 'benchmark-input' };

export type Dataset = { readonly samples: TrainingSet; readonly excluded: Exclusion[]; readonly used: number };

/**
 * Builds training samples from trajectories in log order. A trajectory whose normalised input is a benchmark
 * task's input is kept out, so the promotion gate never scores a challenger on what it trained on. The
 * case-index hint of each sample is computed from the trajectories before it only, as `route` would have
 * seen it, so a trajectory never leaks its own reward into its features.
 */
export function createDatasetBuilder(features: FeatureSettings, benchmarkInputs: ReadonlySet<string>) {
  const samples = createTrainingSetBuilder();
  const excluded: Exclusion[] = [];
  const bestCase = new Map<string, CaseHint>();
  return {
    add(trajectory: Trajectory): void {
      const key = normaliseInput(trajectory.task.input);
      if (benchmarkInputs.has(key)) {
        excluded.push({ trajectoryId: trajectory.id, reason: 'benchmark-input' });
        return;
      }
      const hint = bestCase.get(key) ?? null;
      // The episodic memory a case hit added is the hint's, not a retrieval: the router leaves it out too.
      const candidates = trajectory.candidates.some((c) => c.id.startsWith(CASE_CANDIDATE_PREFIX)) ? trajectory.candidates.filter((c) => !c.id.startsWith(CASE_CANDIDATE_PREFIX)) : trajectory.candidates;
      samples.add(
        extractFeatures(features, { input: trajectory.task.input, candidates, caseHint: hint }),
        ROUTES.indexOf(trajectory.decision.route),
        trajectory.outcome.reward,
      );
      if (key && (!hint || trajectory.outcome.reward > hint.reward)) bestCase.set(key, { route: trajectory.decision.route as Route, reward: trajectory.outcome.reward });
    },
    build(): Dataset {
      const set = samples.build();
      return { samples: set, excluded, used: set.count };
    },
  };
}

export function benchmarkInputSet(inputs: Iterable<string>): Set<string> {
  const set = new Set<string>();
  for (const input of inputs) set.add(normaliseInput(input));
  return set;
}
