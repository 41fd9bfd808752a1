import { createHash } from 'node:crypto';
import type { HeldOutRule } from '../../events/catalogue.js';
import type { Trajectory } from '../../events/model/vocabulary.js';

/**
 * One in five trajectories with a propensity is held out. Enough to judge a clearly better router after a
 * few hundred routed requests, and few enough that the challenger loses little of its training data.
 */
export const DEFAULT_HELD_OUT_RULE: HeldOutRule = { method: 'sha256-trajectory-id', share: 0.2 };

/** Where a trajectory id falls in [0, 1): the first four bytes of sha256 of its id, big-endian, over 2^32. */
export function idPosition(trajectoryId: string): number {
  return createHash('sha256').update(trajectoryId).digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * Whether a trajectory is in the log's held-out share: only trajectories with a propensity can be judged
 * off-policy, so only they are held out; the rest always train. A function of the trajectory alone, so
 * the share is the same in every cycle and never depends on what else the log holds.
 */
export function isHeldOut(rule: HeldOutRule, trajectory: Trajectory): boolean {
  switch (rule.method) {
    case 'sha256-trajectory-id':
      return trajectory.decision.propensity !== undefined && idPosition(trajectory.id) < rule.share;
    default:
      return rule.method satisfies never;
  }
}

/** About how many more trajectories with a propensity it takes to hold out `missing` more of them. */
export function trajectoriesForHeldOut(rule: HeldOutRule, missing: number): number {
  return Math.max(1, Math.ceil(missing / rule.share));
}
