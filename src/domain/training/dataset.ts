import type { HeldOutRule } from '../../events/catalogue.js';
import { CASE_CANDIDATE_PREFIX, normaliseInput } from '../../projections/caseMemory.js';
import { isHeldOut } from '../evaluation/heldOutShare.js';
import type { HeldOutSample, OutcomeModel } from '../evaluation/judgeOnHeldOut.js';
import type { FeatureSettings } from '../../events/model/routerVersion.js';
import { extractFeatures } from '../routing/features.js';
import type { CaseHint } from '../routing/routeContext.js';
import { ROUTES, type Route, type Trajectory } from '../../events/model/vocabulary.js';
import { createTrainingSetBuilder, type TrainingSet } from './trainingSet.js';

export type Exclusion = { readonly trajectoryId: string; readonly reason: 'benchmark-input' };

/** Where a trajectory went: into training, or kept out because a benchmark task has its input, or held out. */
export type Placement = 'trained' | 'benchmark-input' | 'held-out';

export type HeldOutSet = {
  /** Every held-out trajectory seen. */
  readonly count: number;
  /** The latest of them, kept whole for judging (at most HELD_OUT_SAMPLES). */
  readonly samples: readonly HeldOutSample[];
};

export type Dataset = {
  readonly samples: TrainingSet;
  readonly excluded: Exclusion[];
  readonly used: number;
  readonly heldOut: HeldOutSet;
  /** Per-route outcome means of the training share, the direct-method model of off-policy judging. */
  readonly outcomeModel: OutcomeModel;
};

/** Held-out trajectories kept whole for judging: the latest ones, to bound a cycle's memory and time. */
export const HELD_OUT_SAMPLES = 20_000;

function outcomeModelOf(sums: { n: number[]; reward: number[]; error: number[]; latency: number[] }): OutcomeModel {
  const total = sums.n.reduce((a, b) => a + b, 0);
  const overall = (values: number[]) => (total ? values.reduce((a, b) => a + b, 0) / total : 0);
  // A route never taken in training falls back on the mean over all routes: any value keeps the doubly
  // robust estimate unbiased, this one keeps it from inventing a difference.
  const per = (values: number[]) => ROUTES.map((_, r) => (sums.n[r] ? values[r]! / sums.n[r]! : overall(values)));
  return { reward: per(sums.reward), error: per(sums.error), latency: per(sums.latency) };
}

/**
 * Builds training samples from trajectories in log order. Kept out of training: a trajectory whose
 * normalised input is a benchmark task's input, so the gate never scores a challenger on what it trained
 * on; and, when `heldOut` is given, the log's held-out share, which is what judges the challenger instead.
 * The case-index hint of each sample is computed from the training trajectories before it only, as
 * `route` would have seen it, so a trajectory never leaks its own reward into its features, and a
 * held-out reward never reaches training through a hint.
 */
export function createDatasetBuilder(features: FeatureSettings, benchmarkInputs: ReadonlySet<string>, heldOut: HeldOutRule | null = null) {
  const samples = createTrainingSetBuilder();
  const excluded: Exclusion[] = [];
  const bestCase = new Map<string, CaseHint>();
  const held: HeldOutSample[] = [];
  let heldCount = 0;
  const sums = { n: ROUTES.map(() => 0), reward: ROUTES.map(() => 0), error: ROUTES.map(() => 0), latency: ROUTES.map(() => 0) };
  return {
    add(trajectory: Trajectory, seq = 0): Placement {
      const key = normaliseInput(trajectory.task.input);
      if (benchmarkInputs.has(key)) {
        excluded.push({ trajectoryId: trajectory.id, reason: 'benchmark-input' });
        return 'benchmark-input';
      }
      const hint = bestCase.get(key) ?? null;
      if (heldOut && isHeldOut(heldOut, trajectory)) {
        heldCount += 1;
        held.push({ seq, trajectory, caseHint: hint });
        if (held.length >= 2 * HELD_OUT_SAMPLES) held.splice(0, HELD_OUT_SAMPLES);
        return 'held-out';
      }
      // The episodic memory a case hit added is the hint's, not a retrieval: the router leaves it out too.
      const candidates = trajectory.candidates.some((c) => c.id.startsWith(CASE_CANDIDATE_PREFIX))
        ? trajectory.candidates.filter((c) => !c.id.startsWith(CASE_CANDIDATE_PREFIX))
        : trajectory.candidates;
      const route = ROUTES.indexOf(trajectory.decision.route);
      samples.add(extractFeatures(features, { input: trajectory.task.input, candidates, caseHint: hint }), route, trajectory.outcome.reward);
      sums.n[route]! += 1;
      sums.reward[route]! += trajectory.outcome.reward;
      sums.error[route]! += trajectory.outcome.error ? 1 : 0;
      sums.latency[route]! += trajectory.outcome.latencyMs;
      if (key && (!hint || trajectory.outcome.reward > hint.reward))
        bestCase.set(key, { route: trajectory.decision.route as Route, reward: trajectory.outcome.reward });
      return 'trained';
    },
    build(): Dataset {
      const set = samples.build();
      return {
        samples: set,
        excluded,
        used: set.count,
        heldOut: { count: heldCount, samples: held.slice(-HELD_OUT_SAMPLES) },
        outcomeModel: outcomeModelOf(sums),
      };
    },
  };
}

export function benchmarkInputSet(inputs: Iterable<string>): Set<string> {
  const set = new Set<string>();
  for (const input of inputs) set.add(normaliseInput(input));
  return set;
}
