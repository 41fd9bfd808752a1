import type { DomainEvent, EventOf, Evidence, HeldOutRule, OffPolicyReport, SeqRange } from '../events/catalogue.js';
import { unseenTrajectoryCount, type MemabraState, type TrainingReport } from '../projections/state.js';
import { suiteRef } from './benchmark/benchmarkSuite.js';
import type { BenchmarkSuite } from '../events/model/benchmarkSuite.js';
import type { DecideContext } from './decideContext.js';
import { decided, refused, type Decided } from './domainError.js';
import { DEFAULT_HELD_OUT_RULE, trajectoriesForHeldOut } from './evaluation/heldOutShare.js';
import { judgeOnHeldOut } from './evaluation/judgeOnHeldOut.js';
import { judgeOnSuite } from './evaluation/judgeOnSuite.js';
import type { Judgement } from './evaluation/judgement.js';
import { estimatePolicyValue, type LoggedSample } from './evaluation/offPolicy.js';
import { evaluatePromotion, type PromotionVerdict } from './promotionPolicy.js';
import type { PromotionPolicy } from '../events/model/promotionPolicy.js';
import type { FeatureSettings, RouterVersion, TrainingSettings } from '../events/model/routerVersion.js';
import { challengerRunnerUpShare, policyProbabilities, scoreRoutes } from './routing/routeDecision.js';
import type { RouteContext } from './routing/routeContext.js';
import { benchmarkInputSet, createDatasetBuilder, type Dataset } from './training/dataset.js';
import { CYCLE_WINDOW, cycleWindow } from './cycleWindow.js';
import { trainChallenger, type ChallengerSpec } from './training/trainChallenger.js';
import type { TrainingSet } from './training/trainingSet.js';
import { nextVersionLabel, resolveVersion } from './versionRef.js';
import { ROUTES, type Trajectory } from '../events/model/vocabulary.js';

export type CycleOptions = {
  readonly dryRun: boolean;
  readonly minNewTrajectories: number;
  readonly baselineVersion?: string;
  readonly policy: PromotionPolicy;
  readonly seed: number;
  readonly features: FeatureSettings;
  readonly training: TrainingSettings;
  /**
   * The exploration rate the challenger will route with if promoted; absent, the baseline's own, so the
   * rate an operator chose at `init` lives on through every promotion.
   */
  readonly explorationRate?: number;
  /** The most trajectories the cycle reads, the latest ones (`cycleWindow`); absent, CYCLE_WINDOW. */
  readonly window?: number;
};

export type LoggedTrajectory = { readonly seq: number; readonly trajectory: Trajectory };

/** The learner, injectable so tests can make training fail; the real one by default. */
export type Learner = (spec: ChallengerSpec, samples: TrainingSet) => RouterVersion;

/** What a cycle is asked, with the inputs the shell gathered for the state it is decided on. */
export type CycleCommand = {
  /**
   * The recorded trajectories of the cycle's window (`cycleWindow(state, options.window)`), in log order,
   * read as a stream and never held whole; any before the window are passed over, so a shell may stream
   * from further back.
   */
  readonly trajectories: Iterable<LoggedTrajectory> | AsyncIterable<LoggedTrajectory>;
  /** A suite passed to this cycle (`cycle --benchmark FILE`): it judges, whatever the log registered. */
  readonly benchmark?: BenchmarkSuite;
  /** The suite registered for this log (state.benchmark), read back by the shell; needed only when one is. */
  readonly registered?: BenchmarkSuite;
  readonly options: CycleOptions;
  readonly learner?: Learner;
};

/** The command with the state and the context it is decided in: what the stages of a cycle read. */
export type CycleInputs = CycleCommand & { readonly state: MemabraState; readonly context: DecideContext };

/** A suite to judge on, or the log's held-out share: what `selectEvidence` chose. */
export type CycleEvidence =
  | { readonly type: 'suite'; readonly source: 'option' | 'registered'; readonly suite: BenchmarkSuite }
  | { readonly type: 'held-out'; readonly rule: HeldOutRule };

/**
 * The held-out share this log keeps out of training: its rule as first recorded (so it never moves once a
 * cycle used it), or the default; none once the log has a registered suite, which judges instead.
 */
export function heldOutRuleOf(state: MemabraState): HeldOutRule | null {
  return state.benchmark ? null : (state.heldOutRule ?? DEFAULT_HELD_OUT_RULE);
}

/**
 * What a cycle judges a challenger on, in this order: the suite passed to the cycle; else the suite
 * registered for the log; else the log's own held-out traffic. Refused when the log registered a suite
 * that the shell could not hand over as registered (its content hash differs).
 */
export function selectEvidence(state: MemabraState, option: BenchmarkSuite | undefined, registered: BenchmarkSuite | undefined): Decided<CycleEvidence> {
  if (option) return decided({ type: 'suite', source: 'option', suite: option });
  if (state.benchmark) {
    const expected = state.benchmark.ref;
    if (!registered || suiteRef(registered).hash !== expected.hash) {
      return refused({
        type: 'invalid-input',
        message: `the registered benchmark ${expected.name} v${expected.version} (sha256 ${expected.hash.slice(0, 12)}) could not be read back as registered; register it again with \`memabra benchmark use FILE\``,
      });
    }
    return decided({ type: 'suite', source: 'registered', suite: registered });
  }
  return decided({ type: 'held-out', rule: state.heldOutRule ?? DEFAULT_HELD_OUT_RULE });
}

function evidenceRef(evidence: CycleEvidence): Evidence {
  return evidence.type === 'suite'
    ? { type: 'suite', source: evidence.source, benchmark: suiteRef(evidence.suite) }
    : { type: 'held-out', rule: evidence.rule };
}

/** Logged decisions used for the off-policy estimates: the latest ones, to bound the cost of a cycle. */
const OFF_POLICY_SAMPLES = 20_000;

function probabilitiesUnder(version: RouterVersion, context: RouteContext): number[] {
  const probabilities = policyProbabilities(version, context);
  return ROUTES.map((route) => probabilities[route]);
}

function offPolicyReport(logged: readonly Trajectory[], baseline: RouterVersion, challenger: RouterVersion): OffPolicyReport {
  const usable = logged.filter((t) => t.decision.propensity !== undefined).slice(-OFF_POLICY_SAMPLES);
  const samplesFor = (target: RouterVersion): LoggedSample[] =>
    usable.map((t) => {
      const context = { input: t.task.input, candidates: t.candidates };
      const predicted = challenger.kind === 'learned' ? ROUTES.map((r) => scoreRoutes(challenger, context)[r]) : ROUTES.map(() => 0.5);
      return {
        route: ROUTES.indexOf(t.decision.route),
        reward: t.outcome.reward,
        propensity: t.decision.propensity!,
        target: probabilitiesUnder(target, context),
        predicted,
      };
    });
  return { sampleCount: usable.length, baseline: estimatePolicyValue(samplesFor(baseline)), challenger: estimatePolicyValue(samplesFor(challenger)) };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One online-learning cycle, as events: CycleStarted, then either CycleSkipped (too few new trajectories,
 * or too little held-out evidence to judge), or ChallengerTrained, ChallengerEvaluated and exactly one of
 * ChallengerPromoted / ChallengerRejected; a failure in any stage after the start becomes CycleFailed
 * instead. The active router changes only through ChallengerPromoted.
 */
export async function decideCycle(command: CycleCommand, state: MemabraState, context: DecideContext): Promise<Decided<DomainEvent[]>> {
  const inputs: CycleInputs = { ...command, state, context };
  const { options } = inputs;
  const start = startCycle(inputs);
  if (!start.ok) return start;
  const { started, baseline, evidence } = start.value;
  const { cycleId, newTrajectories } = started.data;
  const skipped = (thinEvidence?: EventOf<'CycleSkipped'>['data']['thinEvidence']): Decided<DomainEvent[]> =>
    decided([
      started,
      {
        type: 'CycleSkipped',
        data: { cycleId, newTrajectoryCount: newTrajectories.count, minNewTrajectories: options.minNewTrajectories, ...(thinEvidence ? { thinEvidence } : {}) },
      },
    ]);
  const failed = (stage: EventOf<'CycleFailed'>['data']['stage'], error: unknown, before: readonly DomainEvent[] = [started]): Decided<DomainEvent[]> =>
    decided([...before, { type: 'CycleFailed', data: { cycleId, stage, error: message(error) } }]);
  if (newTrajectories.count < options.minNewTrajectories) return skipped();

  const heldOutRule = heldOutRuleOf(state);
  const window = cycleWindow(state, options.window ?? CYCLE_WINDOW);
  const gathered = await gatherDataset(inputs, evidence, heldOutRule, window.fromSeq);
  if (!gathered.ok) return failed('dataset', gathered.error);
  const { dataset, logged } = gathered;
  if (evidence.type === 'held-out' && dataset.heldOut.samples.length < options.policy.requiredTaskCount) {
    // Judging on a handful of trajectories would promote on noise: say how much more it takes, change nothing.
    const heldOutCount = dataset.heldOut.samples.length;
    const requiredCount = options.policy.requiredTaskCount;
    return skipped({ heldOutCount, requiredCount, moreTrajectoriesNeeded: trajectoriesForHeldOut(evidence.rule, requiredCount - heldOutCount) });
  }

  let challenger: RouterVersion;
  try {
    challenger = trainFrom(inputs, baseline, dataset, evidence);
  } catch (error) {
    return failed('training', error);
  }
  const trained: EventOf<'ChallengerTrained'> = {
    type: 'ChallengerTrained',
    data: {
      cycleId,
      challenger,
      trainingSet: { fromSeq: window.fromSeq, toSeq: state.lastSeq, count: dataset.used },
      excluded: dataset.excluded,
      heldOut: heldOutRule ? { rule: heldOutRule, count: dataset.heldOut.count } : null,
    },
  };
  let judged: { evaluated: EventOf<'ChallengerEvaluated'>; verdict: PromotionVerdict };
  try {
    judged = judgeChallenger(inputs, started, evidence, { baseline, challenger, dataset, logged });
  } catch (error) {
    return failed('evaluation', error, [started, trained]);
  }
  return decided([started, trained, judged.evaluated, cycleEnd(inputs, cycleId, challenger, judged.verdict)]);
}

/** The cycle's start: its baseline and evidence chosen, its id drawn, or the refusal of a cycle that cannot start. */
function startCycle(inputs: CycleInputs): Decided<{ started: EventOf<'CycleStarted'>; baseline: RouterVersion; evidence: CycleEvidence }> {
  const { state, options, context } = inputs;
  if (!state.active) return refused({ type: 'not-initialised' });
  const baselineEntry = resolveVersion(state, options.baselineVersion ?? state.active.versionId);
  if (!baselineEntry.ok) return baselineEntry;
  const baseline = baselineEntry.value.version;
  const chosen = selectEvidence(state, inputs.benchmark, inputs.registered);
  if (!chosen.ok) return chosen;
  const evidence = chosen.value;
  const window = options.window ?? CYCLE_WINDOW;
  if (evidence.type === 'held-out' && options.policy.requiredTaskCount > Math.floor(evidence.rule.share * window)) {
    // The window's held-out share could never hold that many: the cycle would ask for more traffic forever.
    return refused({
      type: 'invalid-input',
      message: `a required task count of ${options.policy.requiredTaskCount} is more than the held-out share of a cycle's ${window} latest trajectories can hold (about ${Math.floor(evidence.rule.share * window)}); lower it, or judge on a labelled suite`,
    });
  }
  const newTrajectories: SeqRange = { fromSeq: state.trajectories.seenThroughSeq + 1, toSeq: state.lastSeq, count: unseenTrajectoryCount(state) };
  const started: EventOf<'CycleStarted'> = {
    type: 'CycleStarted',
    data: {
      cycleId: context.newId(),
      baselineVersionId: baseline.id,
      evidence: evidenceRef(evidence),
      policy: options.policy,
      options: { dryRun: options.dryRun, minNewTrajectories: options.minNewTrajectories, seed: options.seed, window },
      newTrajectories,
    },
  };
  return decided({ started, baseline, evidence });
}

/**
 * Dataset: every eligible trajectory of the window (from `fromSeq` on), old and new; a judging suite's
 * inputs and the held-out share kept out. Only the latest few are kept whole, for the off-policy
 * estimates; the rest live on as training samples. A failure to read the log is the shell's to report,
 * not a cycle outcome: only building samples is caught.
 */
async function gatherDataset(
  inputs: CycleInputs,
  evidence: CycleEvidence,
  heldOutRule: HeldOutRule | null,
  fromSeq: number,
): Promise<{ ok: true; dataset: Dataset; logged: Trajectory[] } | { ok: false; error: unknown }> {
  const logged: Trajectory[] = [];
  const builder = createDatasetBuilder(
    inputs.options.features,
    benchmarkInputSet(evidence.type === 'suite' ? evidence.suite.tasks.map((t) => t.input) : []),
    heldOutRule,
  );
  for await (const { seq, trajectory } of inputs.trajectories) {
    if (seq < fromSeq) continue;
    try {
      builder.add(trajectory, seq);
    } catch (error) {
      return { ok: false, error };
    }
    if (trajectory.decision.propensity !== undefined) {
      logged.push(trajectory);
      if (logged.length >= 2 * OFF_POLICY_SAMPLES) logged.splice(0, OFF_POLICY_SAMPLES);
    }
  }
  return { ok: true, dataset: builder.build(), logged };
}

/**
 * Whether the challenger may leave the rule only for the rule's runner-up: when it will be judged on the
 * held-out traffic of the rule itself. The rule explores its runner-up at its runner-up share and every
 * other route at a fifth of the rest (by default all of it goes to the runner-up: a held-out trajectory
 * that tried it weighs 10, and other routes are never tried; at a share of 0.5, 17 and 100): a move the
 * held-out share can show is a move to the runner-up (docs/learning.md, "Safe challengers"). A learned baseline's ranking is its own, which the
 * challenger does not carry: after the first promotion, challengers move as far as their evidence allows.
 */
function departuresFor(baseline: RouterVersion, evidence: CycleEvidence): 'runner-up' | undefined {
  return evidence.type === 'held-out' && baseline.kind === 'baseline' && (baseline.runnerUpShare ?? 0) > 0 ? 'runner-up' : undefined;
}

const optionalShare = (runnerUpShare: number | undefined) => (runnerUpShare === undefined ? {} : { runnerUpShare });

/** The challenger, trained on the dataset as the baseline's successor; throws when training fails. */
function trainFrom({ state, options, context, learner }: CycleInputs, baseline: RouterVersion, dataset: Dataset, evidence: CycleEvidence): RouterVersion {
  const departures = departuresFor(baseline, evidence);
  const spec: ChallengerSpec = {
    id: context.newId(),
    label: nextVersionLabel(state),
    createdAt: context.now,
    parentId: baseline.id,
    explorationRate: options.explorationRate ?? baseline.explorationRate,
    ...optionalShare(challengerRunnerUpShare(baseline)),
    features: options.features,
    training: options.training,
    behaviour: baseline,
    ...(departures ? { departures } : {}),
  };
  return (learner ?? trainChallenger)(spec, dataset.samples);
}

/** The challenger judged against the baseline on the chosen evidence, and the policy's verdict; throws when evaluation fails. */
function judgeChallenger(
  { state, options }: CycleInputs,
  started: EventOf<'CycleStarted'>,
  evidence: CycleEvidence,
  { baseline, challenger, dataset, logged }: { baseline: RouterVersion; challenger: RouterVersion; dataset: Dataset; logged: readonly Trajectory[] },
): { evaluated: EventOf<'ChallengerEvaluated'>; verdict: PromotionVerdict } {
  const bootstrap = { resamples: options.policy.bootstrapResamples, confidenceLevel: options.policy.confidenceLevel, seed: options.policy.seed };
  let judgement: Judgement;
  let offPolicy: OffPolicyReport;
  let judged: SeqRange | null = null;
  if (evidence.type === 'suite') {
    judgement = judgeOnSuite(baseline, challenger, evidence.suite, bootstrap);
    offPolicy = offPolicyReport(logged, baseline, challenger);
  } else {
    const samples = dataset.heldOut.samples;
    const held = judgeOnHeldOut(baseline, challenger, samples, dataset.outcomeModel, bootstrap, (id) => state.versions.get(id)?.version);
    judgement = held;
    offPolicy = held.offPolicy;
    judged = { fromSeq: samples[0]!.seq, toSeq: samples[samples.length - 1]!.seq, count: samples.length };
  }
  const evaluated: EventOf<'ChallengerEvaluated'> = {
    type: 'ChallengerEvaluated',
    data: {
      cycleId: started.data.cycleId,
      evidence: started.data.evidence,
      judged,
      baseline: { versionId: baseline.id, metrics: judgement.baseline },
      challenger: { versionId: challenger.id, metrics: judgement.challenger },
      paired: judgement.paired,
      comparison: judgement.comparison,
      offPolicy,
    },
  };
  return { evaluated, verdict: evaluatePromotion(judgement, options.policy) };
}

/** Promoted when the verdict accepts it outside a dry run; otherwise rejected, saying whether it would have been promoted. */
function cycleEnd({ state, options }: CycleInputs, cycleId: string, challenger: RouterVersion, verdict: PromotionVerdict): DomainEvent {
  const activeVersionId = state.active!.versionId;
  return verdict.accepted && !options.dryRun
    ? { type: 'ChallengerPromoted', data: { cycleId, versionId: challenger.id, priorVersionId: activeVersionId, reasons: verdict.reasons } }
    : {
        type: 'ChallengerRejected',
        data: {
          cycleId,
          challengerVersionId: challenger.id,
          activeVersionId,
          reasons: verdict.reasons,
          dryRun: options.dryRun,
          wouldPromote: verdict.accepted,
        },
      };
}

/** What `cycle` answers: the report of the cycle its events began, read from the state they were folded onto. */
export function cycleReport(events: readonly DomainEvent[], after: MemabraState): TrainingReport {
  const started = events.find((event): event is EventOf<'CycleStarted'> => event.type === 'CycleStarted');
  return after.reports.get(started!.data.cycleId)!;
}
