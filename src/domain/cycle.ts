import type { DomainEvent, EventOf, OffPolicyReport, SeqRange } from '../events/catalogue.js';
import { unseenTrajectoryCount, type MemabraState } from '../projections/state.js';
import { suiteRef, type BenchmarkSuite } from './benchmark/benchmarkSuite.js';
import type { DecideContext } from './decideContext.js';
import { decided, refused, type Decided } from './domainError.js';
import { estimatePolicyValue, type LoggedSample } from './evaluation/offPolicy.js';
import { pairedBootstrap } from './evaluation/pairedComparison.js';
import { scoreSuite } from './evaluation/scoreSuite.js';
import { evaluatePromotion, type PromotionPolicy, type PromotionVerdict } from './promotionPolicy.js';
import type { FeatureSettings, RouterVersion, TrainingSettings } from './routerVersion.js';
import { greedyRoute, routeProbabilities, scoreRoutes } from './routing/routeDecision.js';
import type { RouteContext } from './routing/routeContext.js';
import { benchmarkInputSet, createDatasetBuilder, type Dataset } from './training/dataset.js';
import { trainChallenger, type ChallengerSpec } from './training/trainChallenger.js';
import type { TrainingSet } from './training/trainingSet.js';
import { nextVersionLabel, resolveVersion } from './versionRef.js';
import { ROUTES, type Trajectory } from './vocabulary.js';

export type CycleOptions = {
  readonly dryRun: boolean;
  readonly minNewTrajectories: number;
  readonly baselineVersion?: string;
  readonly policy: PromotionPolicy;
  readonly seed: number;
  readonly features: FeatureSettings;
  readonly training: TrainingSettings;
  /** The exploration rate the challenger will route with if promoted. */
  readonly explorationRate: number;
};

export type LoggedTrajectory = { readonly seq: number; readonly trajectory: Trajectory };

/** The learner, injectable so tests can make training fail; the real one by default. */
export type Learner = (spec: ChallengerSpec, samples: TrainingSet) => RouterVersion;

export type CycleInputs = {
  readonly state: MemabraState;
  /** Every recorded trajectory up to state.lastSeq, in log order; read as a stream, never held whole. */
  readonly trajectories: Iterable<LoggedTrajectory> | AsyncIterable<LoggedTrajectory>;
  readonly benchmark: BenchmarkSuite;
  readonly options: CycleOptions;
  readonly context: DecideContext;
  readonly learner?: Learner;
};

/** Logged decisions used for the off-policy estimates: the latest ones, to bound the cost of a cycle. */
const OFF_POLICY_SAMPLES = 20_000;

function probabilitiesUnder(version: RouterVersion, context: RouteContext): number[] {
  const probabilities = routeProbabilities(greedyRoute(scoreRoutes(version, context)), version.explorationRate);
  return ROUTES.map((route) => probabilities[route]);
}

function offPolicyReport(logged: readonly Trajectory[], baseline: RouterVersion, challenger: RouterVersion): OffPolicyReport {
  const usable = logged.filter((t) => t.decision.propensity !== undefined).slice(-OFF_POLICY_SAMPLES);
  const samplesFor = (target: RouterVersion): LoggedSample[] =>
    usable.map((t) => {
      const context = { input: t.task.input, candidates: t.candidates };
      const predicted = challenger.kind === 'learned' ? ROUTES.map((r) => scoreRoutes(challenger, context)[r]) : ROUTES.map(() => 0.5);
      return { route: ROUTES.indexOf(t.decision.route), reward: t.outcome.reward, propensity: t.decision.propensity!, target: probabilitiesUnder(target, context), predicted };
    });
  return { sampleCount: usable.length, baseline: estimatePolicyValue(samplesFor(baseline)), challenger: estimatePolicyValue(samplesFor(challenger)) };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One online-learning cycle, as events: CycleStarted, then either CycleSkipped, or ChallengerTrained,
 * ChallengerEvaluated and exactly one of ChallengerPromoted / ChallengerRejected; a failure in any stage
 * after the start becomes CycleFailed instead. The active router changes only through ChallengerPromoted.
 */
export async function decideCycle(inputs: CycleInputs): Promise<Decided<DomainEvent[]>> {
  const { state, benchmark, options, context } = inputs;
  if (!state.active) return refused({ type: 'not-initialised' });
  const baselineEntry = resolveVersion(state, options.baselineVersion ?? state.active.versionId);
  if (!baselineEntry.ok) return baselineEntry;
  const baseline = baselineEntry.value.version;
  const cycleId = context.newId();

  const newCount = unseenTrajectoryCount(state);
  const newTrajectories: SeqRange = { fromSeq: state.trajectories.seenThroughSeq + 1, toSeq: state.lastSeq, count: newCount };
  const benchmarkRef = suiteRef(benchmark);
  const started: EventOf<'CycleStarted'> = {
    type: 'CycleStarted',
    data: {
      cycleId,
      baselineVersionId: baseline.id,
      benchmark: benchmarkRef,
      policy: options.policy,
      options: { dryRun: options.dryRun, minNewTrajectories: options.minNewTrajectories, seed: options.seed },
      newTrajectories,
    },
  };
  if (newCount < options.minNewTrajectories) {
    return decided([started, { type: 'CycleSkipped', data: { cycleId, newTrajectoryCount: newCount, minNewTrajectories: options.minNewTrajectories } }]);
  }
  const failed = (stage: EventOf<'CycleFailed'>['data']['stage'], error: unknown): Decided<DomainEvent[]> =>
    decided([started, { type: 'CycleFailed', data: { cycleId, stage, error: message(error) } }]);

  // Dataset: every eligible trajectory, old and new; benchmark inputs kept out. Only the latest few are
  // kept whole, for the off-policy estimates; the rest live on as training samples.
  // A failure to read the log is the shell's to report, not a cycle outcome: only building samples is caught.
  const logged: Trajectory[] = [];
  const builder = createDatasetBuilder(options.features, benchmarkInputSet(benchmark.tasks.map((t) => t.input)));
  for await (const { trajectory } of inputs.trajectories) {
    try {
      builder.add(trajectory);
    } catch (error) {
      return failed('dataset', error);
    }
    if (trajectory.decision.propensity !== undefined) {
      logged.push(trajectory);
      if (logged.length >= 2 * OFF_POLICY_SAMPLES) logged.splice(0, OFF_POLICY_SAMPLES);
    }
  }
  const dataset: Dataset = builder.build();

  let challenger: RouterVersion;
  try {
    const spec: ChallengerSpec = {
      id: context.newId(),
      label: nextVersionLabel(state),
      createdAt: context.now,
      parentId: baseline.id,
      explorationRate: options.explorationRate,
      features: options.features,
      training: options.training,
      behaviour: baseline,
    };
    challenger = (inputs.learner ?? trainChallenger)(spec, dataset.samples);
  } catch (error) {
    return failed('training', error);
  }
  const trained: EventOf<'ChallengerTrained'> = {
    type: 'ChallengerTrained',
    data: { cycleId, challenger, trainingSet: { fromSeq: 1, toSeq: state.lastSeq, count: dataset.used }, excluded: dataset.excluded },
  };

  let evaluated: EventOf<'ChallengerEvaluated'>;
  let verdict: PromotionVerdict;
  try {
    const before = scoreSuite(baseline, benchmark);
    const after = scoreSuite(challenger, benchmark);
    const paired = pairedBootstrap(before.rewards, after.rewards, {
      resamples: options.policy.bootstrapResamples,
      confidenceLevel: options.policy.confidenceLevel,
      seed: options.policy.seed,
    });
    evaluated = {
      type: 'ChallengerEvaluated',
      data: {
        cycleId,
        benchmark: benchmarkRef,
        baseline: { versionId: baseline.id, metrics: before.metrics },
        challenger: { versionId: challenger.id, metrics: after.metrics },
        paired,
        offPolicy: offPolicyReport(logged, baseline, challenger),
      },
    };
    verdict = evaluatePromotion({ baseline: before.metrics, challenger: after.metrics, paired }, options.policy);
  } catch (error) {
    return decided([started, trained, { type: 'CycleFailed', data: { cycleId, stage: 'evaluation', error: message(error) } }]);
  }

  const end: DomainEvent =
    verdict.accepted && !options.dryRun
      ? { type: 'ChallengerPromoted', data: { cycleId, versionId: challenger.id, priorVersionId: state.active.versionId, reasons: verdict.reasons } }
      : {
          type: 'ChallengerRejected',
          data: { cycleId, challengerVersionId: challenger.id, activeVersionId: state.active.versionId, reasons: verdict.reasons, dryRun: options.dryRun, wouldPromote: verdict.accepted },
        };
  return decided([started, trained, evaluated, end]);
}
