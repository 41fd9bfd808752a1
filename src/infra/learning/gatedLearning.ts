import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sampledOutcome, expectedOutcome } from '../../domain/benchmark/rewardModel.js';
import { scoreSuite } from '../../domain/evaluation/scoreSuite.js';
import type { DecideContext } from '../../domain/decideContext.js';
import { decideRoutes } from '../../domain/routeRequests.js';
import type { RouterVersion } from '../../events/model/routerVersion.js';
import { arrivalOrder } from '../../domain/simulation/agentLoop.js';
import type { Route } from '../../events/model/vocabulary.js';
import { emptyCaseIndex } from '../../projections/caseTable.js';
import type { MemabraState } from '../../projections/state.js';
import { loadState } from '../app/foldedState.js';
import { unwrap } from '../app/refusalErrors.js';
import type { LoopDriver } from './loopDrivers.js';
import type { Scenario } from './scenarios.js';
import { heldOutBound, type HeldOutBound } from './heldOutBound.js';

/** What judges each cycle's challenger: the scenario's labelled validation suite, or the log's own held-out traffic. */
export type GateEvidence = 'validation' | 'own-traffic';

export type LearningCycle = {
  readonly cycle: number;
  readonly trajectories: number;
  readonly decision: string;
  /** The benchmark the cycle judged on, as its report names it. */
  readonly judgedOn: string;
  readonly failedGates: readonly string[];
  /** The challenger's and the active router's mean reward on the evidence that judged them (null when none was scored). */
  readonly judged: {
    readonly challenger: number;
    readonly active: number;
    /** The paired reward gain's interval, and on held-out traffic the self-normalised one: the gate reads the lower of the two lower bounds. */
    readonly delta: {
      readonly lower: number;
      readonly upper: number;
      readonly selfNormalised: { readonly lower: number; readonly upper: number } | null;
    } | null;
  } | null;
  /**
   * On held-out traffic: the challenger's true gain on the held-out requests it was judged on, and the best
   * any test of those trajectories could do (heldOutBound.ts).
   */
  readonly bound: HeldOutBound | null;
  /** On a promotion: the held-out test reward of the new version and of the one it replaced. */
  readonly promoted: { readonly label: string; readonly test: number; readonly predecessorTest: number } | null;
};

export type LearningRun = {
  readonly scenario: string;
  readonly gate: GateEvidence;
  readonly seed: number;
  readonly baselineTest: number;
  readonly cycles: readonly LearningCycle[];
  readonly finalLabel: string;
  readonly finalTest: number;
  /** The final router on the validation split: what settings are compared on (the test split is only reported). */
  readonly finalValidation: number;
  /** Mean expected reward of the final router on requests it has seen before, with its case memory and without. */
  readonly repeated: {
    readonly requests: number;
    readonly withCases: number;
    readonly withoutCases: number;
    readonly baselineWithCases: number;
    readonly baselineWithoutCases: number;
  };
};

const CHUNK = 1000;

function activeVersion(state: MemabraState): RouterVersion {
  return state.versions.get(state.active!.versionId)!.version;
}

/**
 * Case memory against none, on requests the log has already seen: each is routed greedily by `version`
 * once as `route` would (the case index's episodic memory among its candidates and the hint), once with
 * the retriever's candidates only; the mean expected reward of each.
 */
function repeatedRequests(
  state: MemabraState,
  version: RouterVersion,
  scenario: Scenario,
  requests: Scenario['train'],
): { withCases: number; withoutCases: number } {
  const asked = requests.map((r) => ({ input: r.text, candidates: scenario.retrieve(r.text) }));
  const withState = { ...state, active: { ...state.active!, versionId: version.id } };
  const greedy = () => 0.999_999; // above any exploration rate: the greedy route
  // Not logged, so the decider takes neither a time nor an id: only the draws.
  const preview: DecideContext = {
    now: new Date(0).toISOString(),
    newId: () => {
      throw new Error('a decision that is not logged takes no id');
    },
    uniform: greedy,
  };
  const unlogged = { requests: asked, log: false };
  const withCases = unwrap(decideRoutes(unlogged, withState, preview)).answers;
  const withoutCases = unwrap(decideRoutes(unlogged, { ...withState, cases: emptyCaseIndex }, preview)).answers;
  const mean = (answers: readonly { route: Parameters<typeof expectedOutcome>[1] }[]) =>
    answers.reduce((sum, a, i) => sum + expectedOutcome(requests[i]!.route, a.route).reward, 0) / answers.length;
  return { withCases: mean(withCases), withoutCases: mean(withoutCases) };
}

/** Routes a batch of requests as the active router would, draws each outcome from the reward model, records them. */
async function playBatch(driver: LoopDriver, scenario: Scenario, batch: Scenario['train'], uniform: () => number): Promise<void> {
  const asked = batch.map((r) => ({ input: r.text, candidates: scenario.retrieve(r.text) }));
  await driver.playBatch(asked, (i, route) => sampledOutcome(batch[i]!.route, route, uniform()));
}

/** One real cycle, as its report tells it, with the test reward of a promoted version and of the one it replaced. */
async function gatedCycle(
  driver: LoopDriver,
  cycle: number,
  trajectories: number,
  testReward: (version: RouterVersion) => number,
  needOf: ReadonlyMap<string, Route>,
): Promise<LearningCycle> {
  // Scored from the folded log, not from the report: the report names the promoted version by id, and
  // scoring it on the test split needs its parameters; the held-out bound needs the log itself.
  const before = activeVersion(await loadState(driver.store));
  const report = await driver.cycle();
  const state = await loadState(driver.store);
  const after = activeVersion(state);
  const judged =
    report.challengerMetrics && report.baselineMetrics
      ? {
          challenger: report.challengerMetrics.meanReward,
          active: report.baselineMetrics.meanReward,
          delta: report.comparison
            ? {
                lower: report.comparison.reward.lower,
                upper: report.comparison.reward.upper,
                selfNormalised: report.comparison.snipsReward
                  ? { lower: report.comparison.snipsReward.lower, upper: report.comparison.snipsReward.upper }
                  : null,
              }
            : null,
        }
      : null;
  return {
    cycle,
    trajectories,
    decision: report.decision,
    judgedOn: report.evidence.type === 'suite' ? report.evidence.benchmark.name : 'held-out traffic',
    failedGates: report.reasons.filter((r) => !r.passed).map((r) => r.gate),
    judged,
    bound: report.evidence.type === 'suite' ? null : await heldOutBound(driver.store, state, needOf),
    promoted: after.id === before.id ? null : { label: after.label, test: testReward(after), predecessorTest: testReward(before) },
  };
}

/**
 * The gated learning loop through `init`, `route`, `record` and `cycle`, in process or through the CLI's
 * child processes (loopDrivers.ts):
 * the scenario's train requests arrive in a random order drawn from the seed, each is routed by the active
 * router (with its exploration), its outcome drawn from the reward model for the route it needs and
 * recorded, and a cycle runs after every `cycleEvery` trajectories, judged on the validation suite or on the
 * log's own held-out traffic. Every promoted version is then scored once on the held-out test suite.
 */
export async function runGatedLearning(
  driver: LoopDriver,
  options: {
    /** The draws of the outcomes (in process, the session's own generator, which the route's exploration shares). */
    uniform: () => number;
    /** Only the first this many requests of the arrival order (a short run). */
    limit?: number;
    scenario: Scenario;
    gate: GateEvidence;
    seed: number;
    cycleEvery: number;
    workDir: string;
    repeatedCount?: number;
    runnerUpShare?: number;
    explorationRate?: number;
  },
): Promise<LearningRun> {
  const { scenario } = options;
  // A user with a labelled suite registers it (`init --benchmark FILE`): every cycle then judges on it, and
  // the whole log trains. Passed per cycle instead (`cycle --benchmark FILE`), the log's held-out share
  // would stay out of training, kept for the cycles that judge on traffic.
  const validationPath = join(options.workDir, `${scenario.validation.name}.json`);
  writeFileSync(validationPath, JSON.stringify(scenario.validation));
  await driver.init({
    ...(options.gate === 'validation' ? { benchmark: validationPath } : {}),
    ...(options.runnerUpShare === undefined ? {} : { runnerUpShare: options.runnerUpShare }),
    ...(options.explorationRate === undefined ? {} : { explorationRate: options.explorationRate }),
  });
  const requests = arrivalOrder(scenario.train, options.seed).slice(0, options.limit);
  const needOf = new Map(scenario.train.map((r) => [r.text, r.route]));
  const baseline = activeVersion(await loadState(driver.store));
  const testReward = (version: RouterVersion) => scoreSuite(version, scenario.test).metrics.meanReward;
  const cycles: LearningCycle[] = [];
  for (let done = 0; done < requests.length;) {
    const batch = requests.slice(done, done + Math.min(CHUNK, options.cycleEvery - (done % options.cycleEvery)));
    await playBatch(driver, scenario, batch, options.uniform);
    done += batch.length;
    if (done % options.cycleEvery === 0) cycles.push(await gatedCycle(driver, cycles.length + 1, done, testReward, needOf));
  }
  const state = await loadState(driver.store);
  const final = activeVersion(state);
  const repeated = requests.slice(0, options.repeatedCount ?? 2000);
  const finalCases = repeatedRequests(state, final, scenario, repeated);
  const baselineCases = repeatedRequests(state, baseline, scenario, repeated);
  return {
    scenario: scenario.name,
    gate: options.gate,
    seed: options.seed,
    baselineTest: testReward(baseline),
    cycles,
    finalLabel: final.label,
    finalTest: testReward(final),
    finalValidation: scoreSuite(final, scenario.validation).metrics.meanReward,
    repeated: { requests: repeated.length, ...finalCases, baselineWithCases: baselineCases.withCases, baselineWithoutCases: baselineCases.withoutCases },
  };
}
