import { decideInit, DEFAULT_EXPLORATION_RATE } from '../../domain/init.js';
import { decideRecord } from '../../domain/record.js';
import { decideRollback } from '../../domain/rollback.js';
import { parseItems, validateItems } from '../../domain/trajectoryInput.js';
import { TrajectoryInputSchema, type TrajectoryInput } from '../../domain/vocabulary.js';
import type { RouterVersion } from '../../domain/routerVersion.js';
import { MemabraError } from '../errors.js';
import { decideAndAppend, decideContext, unwrap, type Session } from './session.js';

export async function initLog(session: Session, options: { explorationRate?: number } = {}): Promise<{ version: RouterVersion; seq: number }> {
  const explorationRate = options.explorationRate ?? DEFAULT_EXPLORATION_RATE;
  return decideAndAppend(
    session,
    (state) => decideInit({ explorationRate }, state, decideContext(session.env)),
    (events, result) => ({ version: events[0]!.data.version, seq: result.lastSeq }),
  );
}

/** Validates every item before anything is written; one bad item appends nothing. */
export function parseTrajectories(text: string): TrajectoryInput[] {
  return unwrap(parseItems(text, TrajectoryInputSchema, 'trajectory'));
}

/** The same checks for values that did not come as text (the library API). */
export function validateTrajectories(values: readonly unknown[]): TrajectoryInput[] {
  return unwrap(validateItems(values, TrajectoryInputSchema, 'trajectory'));
}

export async function recordTrajectories(
  session: Session,
  trajectories: readonly TrajectoryInput[],
): Promise<{ ids: string[]; firstSeq: number; lastSeq: number }> {
  if (trajectories.length === 0) throw new MemabraError('input', 'no trajectories given');
  return decideAndAppend(
    session,
    (state) => decideRecord({ trajectories }, state, decideContext(session.env)),
    (events, result) => ({ ids: events.map((event) => event.data.trajectory.id), firstSeq: result.firstSeq, lastSeq: result.lastSeq }),
  );
}

export async function rollbackTo(
  session: Session,
  target: string,
  reason: string | null,
): Promise<{ fromVersionId: string; toVersionId: string; seq: number }> {
  return decideAndAppend(
    session,
    (state) => decideRollback({ target, reason }, state),
    (events, result) => ({ ...events[0]!.data, seq: result.lastSeq }),
  );
}
