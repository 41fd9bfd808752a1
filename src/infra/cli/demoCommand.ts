import { DEFAULT_EXPLORATION_RATE } from '../../domain/exploration.js';
import { seededRandom } from '../../domain/random.js';
import { summariseStatus } from '../../domain/summaries.js';
import { runDemo } from '../app/demo.js';
import { loadState } from '../app/foldedState.js';
import { counted, formatReward, formatTable, printJson, printLine } from './output.js';
import { progressBar } from './progressBar.js';
import { renderReport } from './reportView.js';
import { openSession, type GlobalOptions } from './runtime.js';

export async function demoCommand(flags: GlobalOptions & { json?: boolean; limit?: number; seed?: number; rounds?: number }): Promise<void> {
  const opened = await openSession(flags);
  // The demo's exploration and simulated outcomes draw from a seeded generator, so it tells the same story each time.
  const session = { ...opened, env: { ...opened.env, uniform: seededRandom(flags.seed ?? 1) } };
  const started = Date.now();
  const bar = progressBar('routing and recording CLINC150 train requests');
  if (!flags.json) printLine(`memabra demo in ${session.store.location}\n`);
  const result = await runDemo(session, bar.update, flags.limit, flags.rounds);
  bar.finish();
  const state = await loadState(session.store);
  const status = summariseStatus(state);
  if (flags.json) return printJson({ ...result, status, seconds: (Date.now() - started) / 1000 });

  // The demo's log is made by `init` with its default exploration, so the text follows that default.
  const exploring = `${Math.round(DEFAULT_EXPLORATION_RATE * 100)}% exploration`;
  if (result.dryRun) {
    printLine(`1. The baseline router (v1, a transparent rule over retrieval scores, ${exploring}) routed`);
    printLine(`   ${counted(result.seeded, 'real request')}; each outcome was drawn from the reward model and recorded.`);
    printLine(`   Live mean reward while it explored: ${formatReward(result.seedReward)}.\n`);
    printLine(`2. A dry-run cycle trains a challenger and evaluates it, promoting nothing:\n`);
    printLine(renderReport(result.dryRun, state).replace(/^/gm, '   '));
    printLine(`\n3. The real cycle, with the same gates:\n`);
    printLine(renderReport(result.cycle, state).replace(/^/gm, '   '));
  } else {
    printLine(
      `1. The agent loop, ${counted(result.rounds.length, 'round')}: each routes the next ${counted(Math.ceil(result.seeded / result.rounds.length), 'real request')} with the active`,
    );
    printLine(`   router (${exploring}), records their outcomes drawn from the reward model, then runs a cycle:\n`);
    printLine(
      formatTable(
        ['round', 'trajectories', 'live reward', 'cycle', 'active', 'benchmark'],
        result.rounds.map((round) => [
          round.round,
          round.trajectories,
          formatReward(round.liveReward),
          round.decision,
          state.versions.get(round.activeVersionId)?.version.label ?? round.activeVersionId,
          formatReward(round.activeReward),
        ]),
      ).replace(/^/gm, '   '),
    );
    printLine(`\n2. The last cycle's report:\n`);
    printLine(renderReport(result.cycle, state).replace(/^/gm, '   '));
  }
  printLine();
  const active = status.active!;
  printLine(
    `Now active: ${active.label} (${active.kind}), ${active.source}; ${counted(status.versionCount, 'version')}, ${counted(status.trajectoryCount, 'trajectory', 'trajectories')}, ${counted(status.reportCount, 'report')}.`,
  );
  // The same location flag the demo was given, if any (never a store URL: it may hold a password).
  const where = flags.dir ? ` --dir ${flags.dir}` : flags.store ? ' --store <url>' : '';
  printLine(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s. Try: npx memabra${where} history, versions, reports, rollback v1`);
}
