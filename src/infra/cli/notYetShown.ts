import { CYCLE_WINDOW } from '../../domain/windowSize.js';
import type { TrainingReport } from '../../projections/state.js';

const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(3)}`;

/**
 * Why a challenger judged on the log's own traffic was not promoted although its estimated gain clears the
 * bar: the interval is too wide yet. Only the held-out trajectories where the two routers choose
 * differently tell them apart, and of those only the few that explored the challenger's route speak for
 * it, so on a router that is already decent the first cycles often cannot show a gain of a few points.
 * Said so a user reads "not yet", not "worse", and knows what judges sooner. Null when that is not the case.
 */
export function notYetShown(report: TrainingReport): string | null {
  const gate = report.reasons.find((r) => r.gate === 'reward-delta');
  const { comparison, paired } = report;
  if (report.evidence.type !== 'held-out' || !gate || gate.passed || !comparison || !paired) return null;
  const { reward } = comparison;
  if (reward.meanDelta <= report.policy.minRewardDelta) return null;
  const { wins, losses, ties } = paired;
  const level = `${(comparison.confidenceLevel * 100).toFixed(0)}%`;
  const heldOut = wins + losses + ties;
  return (
    `not yet shown: the estimated gain is ${signed(reward.meanDelta)}, but its ${level} interval (${signed(reward.lower)} to ${signed(reward.upper)}) ` +
    `is ${(reward.upper - reward.lower).toFixed(3)} wide: the routers choose differently on ${wins + losses} of ${heldOut} held-out trajectories, ` +
    `and only those that explored the challenger's route speak for it. ${howMuchMore(report, heldOut)}` +
    'a labelled suite (`memabra benchmark use FILE`) judges sooner.'
  );
}

/**
 * How much held-out traffic would show the estimated gain if it held: an interval's half-width falls as
 * 1 / sqrt(n), so the lower bound clears the bar at n * ((mean - lower) / (mean - bar))^2. An estimate
 * on thin evidence is itself uncertain, hence "if it held"; the point is the order of magnitude, and
 * whether a cycle's window can hold that many at all.
 */
function howMuchMore(report: TrainingReport, heldOut: number): string {
  const { reward } = report.comparison!;
  const share = report.evidence.type === 'held-out' ? report.evidence.rule.share : 1;
  const needed = Math.ceil(heldOut * ((reward.meanDelta - reward.lower) / (reward.meanDelta - report.policy.minRewardDelta)) ** 2);
  const more = Math.ceil((needed - heldOut) / share);
  const window =
    needed > CYCLE_WINDOW * share
      ? ` (more than a cycle's default window of ${CYCLE_WINDOW.toLocaleString('en-US')} trajectories holds: \`cycle --window N\` reads more)`
      : '';
  return (
    `If the estimate held, about ${needed.toLocaleString('en-US')} held-out trajectories would show it: ` +
    `about ${more.toLocaleString('en-US')} more routed and recorded, of which the log holds out ${+(share * 100).toFixed(1)}%${window}; `
  );
}
