import { indexCatalogue, retrieveCandidates } from '../../domain/benchmark/catalogue.js';
import { sampledOutcome } from '../../domain/benchmark/rewardModel.js';
import { arrivalOrder } from '../../domain/simulation/agentLoop.js';
import type { TrajectoryInput } from '../../domain/vocabulary.js';
import type { TrainingReport } from '../../projections/state.js';
import { loadCatalogue, loadTrainRequests } from '../data/bundledData.js';
import { MemabraError } from '../errors.js';
import { runCycle } from './cycle.js';
import { initLog, recordTrajectories } from './operations.js';
import { routeRequests } from './routing.js';
import type { Session } from './session.js';

export type DemoProgress = (done: number, total: number) => void;

export type DemoResult = {
  seeded: number;
  seedReward: number;
  dryRun: TrainingReport;
  cycle: TrainingReport;
};

const CHUNK = 1000;

/**
 * The newcomer's tour, through the same paths an agent uses: every CLINC150 train request, in a random
 * arrival order (the file is sorted by intent, so a `limit` would otherwise see a few intents only), is
 * routed by the active router (`route`, exploration included), its outcome drawn from the reward model, and
 * the trajectory recorded (`record`); then a dry-run cycle shows what would happen, and a real one decides.
 */
export async function runDemo(session: Session, onProgress: DemoProgress = () => {}, limit?: number): Promise<DemoResult> {
  const head = await session.store.head();
  if (head.lastSeq > 0) {
    throw new MemabraError('usage', `the demo needs an empty data directory, and ${session.store.location} already holds ${head.lastSeq} events; pass --dir with a new directory`);
  }
  await initLog(session);
  const catalogue = indexCatalogue(loadCatalogue());
  const requests = arrivalOrder(loadTrainRequests(), Math.floor(session.env.uniform() * 2 ** 32)).slice(0, limit);
  let rewardSum = 0;
  for (let start = 0; start < requests.length; start += CHUNK) {
    const chunk = requests.slice(start, start + CHUNK);
    const asked = chunk.map((request) => ({ input: request.text, candidates: retrieveCandidates(catalogue, request.text) }));
    const answers = await routeRequests(session, asked);
    const trajectories: TrajectoryInput[] = answers.map(({ caseMemory, ...decision }, i) => {
      const outcome = sampledOutcome(chunk[i]!.route, decision.route, session.env.uniform());
      rewardSum += outcome.reward;
      const candidates = caseMemory ? [...asked[i]!.candidates, caseMemory] : asked[i]!.candidates;
      return { task: { input: asked[i]!.input }, candidates, decision, outcome };
    });
    await recordTrajectories(session, trajectories);
    onProgress(start + chunk.length, requests.length);
  }
  const dryRun = (await runCycle(session, { dryRun: true })).report;
  const cycle = (await runCycle(session, {})).report;
  return { seeded: requests.length, seedReward: rewardSum / Math.max(1, requests.length), dryRun, cycle };
}
