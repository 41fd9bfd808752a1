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
  return (
    `not yet shown: the estimated gain is ${signed(reward.meanDelta)}, but its ${level} interval (${signed(reward.lower)} to ${signed(reward.upper)}) ` +
    `is ${(reward.upper - reward.lower).toFixed(3)} wide: the routers choose differently on ${wins + losses} of ${wins + losses + ties} held-out trajectories, ` +
    `and only those that explored the challenger's route speak for it. It narrows as routed traffic accumulates; ` +
    'a labelled suite (`memabra benchmark use FILE`) judges sooner.'
  );
}
