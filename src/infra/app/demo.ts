import { indexCatalogue, retrieveCandidates, type CatalogueIndex } from '../../domain/benchmark/catalogue.js';
import { sampledOutcome } from '../../domain/benchmark/rewardModel.js';
import { counted } from '../../domain/plural.js';
import { arrivalOrder } from '../../domain/simulation/agentLoop.js';
import type { OutcomeReport } from '../../events/model/vocabulary.js';
import type { TrainingReport } from '../../projections/state.js';
import { BUNDLED_BENCHMARK_PATH, loadCatalogue, loadTrainRequests, type TrainRequest } from '../data/bundledData.js';
import { MemabraError } from '../errors.js';
import { handleCommand } from './commandHandler.js';
import { commands } from './commands.js';
import type { Session } from './session.js';

export type DemoProgress = (done: number, total: number) => void;

/** One round of the agent loop: its requests routed and recorded, then a cycle. */
export type DemoRound = {
  readonly round: number;
  /** Trajectories in the log after this round's requests. */
  readonly trajectories: number;
  /** Mean reward of this round's routed requests, exploration included. */
  readonly liveReward: number;
  readonly decision: TrainingReport['decision'];
  /** The active router after the cycle, and its mean reward on the benchmark. */
  readonly activeVersionId: string;
  readonly activeReward: number | null;
};

export type DemoResult = {
  seeded: number;
  seedReward: number;
  /** With one round, the dry run that precedes the real cycle; with several, none. */
  dryRun: TrainingReport | null;
  /** The last cycle. */
  cycle: TrainingReport;
  rounds: DemoRound[];
};

const CHUNK = 1000;

/** Routes the requests with the active router and records their drawn outcomes; returns the reward sum. */
async function play(session: Session, requests: readonly TrainRequest[], catalogue: CatalogueIndex, onRouted: (count: number) => void): Promise<number> {
  let rewardSum = 0;
  for (let start = 0; start < requests.length; start += CHUNK) {
    const chunk = requests.slice(start, start + CHUNK);
    const asked = chunk.map((request) => ({ input: request.text, candidates: retrieveCandidates(catalogue, request.text) }));
    const answers = await handleCommand(session, commands.route, { requests: asked });
    // Each decision is logged by `route`; its outcome is reported later by its id, as an agent would.
    const outcomes: OutcomeReport[] = answers.map((answer, i) => {
      const outcome = sampledOutcome(chunk[i]!.route, answer.route, session.env.uniform());
      rewardSum += outcome.reward;
      return { decisionId: answer.decisionId!, outcome };
    });
    await handleCommand(session, commands.record, outcomes);
    onRouted(chunk.length);
  }
  return rewardSum;
}

function roundOf(round: number, trajectories: number, liveReward: number, report: TrainingReport): DemoRound {
  const promoted = report.promotedVersionId !== null;
  return {
    round,
    trajectories,
    liveReward,
    decision: report.decision,
    activeVersionId: promoted ? report.promotedVersionId! : report.baselineVersionId,
    activeReward: (promoted ? report.challengerMetrics : report.baselineMetrics)?.meanReward ?? null,
  };
}

/**
 * The newcomer's tour, through the same paths an agent uses: the CLINC150 train requests, in a random
 * arrival order (the file is sorted by intent, so a `limit` would otherwise see a few intents only), are
 * routed by the active router (`route`, exploration included), their outcomes drawn from the reward model,
 * and the trajectories recorded (`record`). With one round, a dry-run cycle then shows what would happen and
 * a real one decides. With several, the requests are split into that many rounds and a real cycle follows
 * each: the learning loop as an agent would run it, every promotion gated.
 */
export async function runDemo(session: Session, onProgress: DemoProgress = () => {}, limit?: number, roundCount = 1): Promise<DemoResult> {
  const head = await session.store.head();
  if (head.lastSeq > 0) {
    throw new MemabraError(
      'usage',
      `the demo needs an empty data directory, and ${session.store.location} already holds ${counted(head.lastSeq, 'event')}; pass --dir with a new directory`,
    );
  }
  // The demo's traffic is the bundled CLINC150 requests, so the bundled suite of the same intents judges it.
  await handleCommand(session, commands.init, { benchmark: BUNDLED_BENCHMARK_PATH });
  const catalogue = indexCatalogue(loadCatalogue());
  const requests = arrivalOrder(loadTrainRequests(), Math.floor(session.env.uniform() * 2 ** 32)).slice(0, limit);
  const perRound = Math.ceil(requests.length / roundCount);
  let done = 0;
  let rewardSum = 0;
  let dryRun: TrainingReport | null = null;
  const rounds: DemoRound[] = [];
  let cycle: TrainingReport | null = null;
  for (let round = 1; done < requests.length; round++) {
    const batch = requests.slice(done, done + perRound);
    const reward = await play(session, batch, catalogue, (count) => onProgress((done += count), requests.length));
    rewardSum += reward;
    if (roundCount === 1) dryRun = (await handleCommand(session, commands.cycle, { dryRun: true })).report;
    cycle = (await handleCommand(session, commands.cycle, {})).report;
    rounds.push(roundOf(round, done, reward / batch.length, cycle));
  }
  if (!cycle) throw new MemabraError('usage', 'the demo needs at least one request');
  return { seeded: requests.length, seedReward: rewardSum / requests.length, dryRun, cycle, rounds };
}
