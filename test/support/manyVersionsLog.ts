import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { retrieveCandidates } from '../../src/domain/benchmark/catalogue.js';
import { sampledOutcome } from '../../src/domain/benchmark/rewardModel.js';
import type { Learner } from '../../src/domain/cycle.js';
import { arrivalOrder } from '../../src/domain/simulation/agentLoop.js';
import { handleCommand } from '../../src/infra/app/commandHandler.js';
import { commands } from '../../src/infra/app/commands.js';
import { loadState } from '../../src/infra/app/foldedState.js';
import { testSession } from './fixtures.js';
import { bundled } from './learningFixtures.js';

/**
 * A quick learner for logs that need many versions: a baseline router whose two thresholds come from a
 * fixed walk over a grid, instead of minutes of training. The cycle still scores it on the benchmark and
 * the real gates decide. Like a real learner, the same training set gives the same router.
 */
const thresholdLearner: Learner = ({ id, label, createdAt, parentId, explorationRate }, samples) => {
  const k = Math.round(samples.count / 7);
  return {
    id,
    label,
    createdAt,
    parentId,
    explorationRate,
    kind: 'baseline',
    params: { minScore: 0.2 + ((k * 7) % 25) / 100, compositeMinScore: 0.3 + ((k * 11) % 30) / 100 },
  };
};

const failingLearner: Learner = () => {
  throw new Error('out of memory while training (simulated)');
};

/**
 * Writes a log of `versionCount` router versions to `dir` through the real operations, as an agent and
 * an operator would make it: rounds of routed and recorded requests, each followed by a cycle, with a
 * dry run, a skipped and a failed cycle, and two rollbacks along the way. Returns the benchmark's path.
 */
export async function writeManyVersionsLog(dir: string, versionCount: number): Promise<string> {
  const session = testSession(dir);
  const { suite, catalogue, train } = bundled();
  const benchmark = join(dir, 'benchmark.json');
  writeFileSync(benchmark, JSON.stringify({ ...suite, name: 'clinc150-every-40th', tasks: suite.tasks.filter((_, i) => i % 40 === 0) }));
  await handleCommand(session, commands.init, {});
  const requests = arrivalOrder(train, 11);
  const policy = { bootstrapResamples: 200, minRewardDelta: -0.03 };
  for (let round = 0, versions = 1; versions < versionCount; round++) {
    const chunk = requests.slice(round * 40, round * 40 + 40);
    const asked = chunk.map((r) => ({ input: r.text, candidates: retrieveCandidates(catalogue, r.text) }));
    const answers = await handleCommand(session, commands.route, { requests: asked });
    await handleCommand(
      session,
      commands.record,
      answers.map(({ caseMemory: _, ...decision }, i) => ({
        task: { input: asked[i]!.input },
        candidates: asked[i]!.candidates,
        decision,
        outcome: sampledOutcome(chunk[i]!.route, decision.route, session.env.uniform()),
      })),
    );
    if (round === 8) await handleCommand(session, commands.cycle, { benchmark, minNewTrajectories: 1000, policy });
    else if (round === 17) await handleCommand(session, commands.cycle, { benchmark, minNewTrajectories: 20, policy, learner: failingLearner });
    else {
      // Round 5 is an operator's dry run, then the real cycle on the same data: two challengers with
      // one score at almost one seq, the marks that must not hide each other.
      if (round === 5)
        versions += (await handleCommand(session, commands.cycle, { benchmark, minNewTrajectories: 20, policy, learner: thresholdLearner, dryRun: true }))
          .report.challengerVersionId
          ? 1
          : 0;
      const report = (await handleCommand(session, commands.cycle, { benchmark, minNewTrajectories: round === 5 ? 0 : 20, policy, learner: thresholdLearner }))
        .report;
      if (report.challengerVersionId) versions++;
    }
    if (round === 25 || round === 40) {
      const state = await loadState(session.store);
      const prior = state.active?.priorVersionId;
      if (prior) await handleCommand(session, commands.rollback, { version: prior, reason: `live reward dropped after round ${round}` });
    }
  }
  return benchmark;
}
