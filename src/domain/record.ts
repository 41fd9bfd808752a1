import type { EventOf } from '../events/catalogue.js';
import { trajectorySeq, type MemabraState } from '../projections/state.js';
import type { DecideContext } from './decideContext.js';
import { decided, refused, type Decided } from './domainError.js';
import type { TrajectoryInput } from './vocabulary.js';

export type RecordCommand = { readonly trajectories: readonly TrajectoryInput[] };

/**
 * Records a batch of validated trajectories, giving each an id, a time and a source where the caller left
 * them out. A trajectory id already in the log, or twice in the batch, refuses the whole batch.
 */
export function decideRecord(
  command: RecordCommand,
  state: MemabraState,
  context: DecideContext,
): Decided<EventOf<'TrajectoryRecorded'>[]> {
  if (!state.active) return refused({ type: 'not-initialised' });
  const inBatch = new Map<string, number>();
  const events: EventOf<'TrajectoryRecorded'>[] = [];
  for (const [index, input] of command.trajectories.entries()) {
    const id = input.id ?? context.newId();
    const existing = trajectorySeq(state, id);
    if (existing !== undefined) return refused({ type: 'duplicate-trajectory', trajectoryId: id, where: `at seq ${existing}` });
    const earlier = inBatch.get(id);
    if (earlier !== undefined) {
      return refused({ type: 'duplicate-trajectory', trajectoryId: id, where: `items ${earlier + 1} and ${index + 1} of this batch` });
    }
    inBatch.set(id, index);
    events.push({
      type: 'TrajectoryRecorded',
      data: {
        trajectory: {
          ...input,
          id,
          recordedAt: input.recordedAt ?? context.now,
          source: input.source ?? (input.id ? 'import' : 'live'),
        },
      },
    });
  }
  return decided(events);
}
