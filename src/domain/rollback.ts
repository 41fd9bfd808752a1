import type { EventOf } from '../events/catalogue.js';
import type { MemabraState } from '../projections/state.js';
import { decided, refused, type Decided } from './domainError.js';
import { resolveVersion } from './versionRef.js';

export type RollbackCommand = { readonly target: string; readonly reason: string | null };

/** Makes an earlier version active again. History is kept: this is a new event, never an edit. */
export function decideRollback(command: RollbackCommand, state: MemabraState): Decided<EventOf<'RouterRolledBack'>[]> {
  if (!state.active) return refused({ type: 'not-initialised' });
  const target = resolveVersion(state, command.target);
  if (!target.ok) return target;
  const { id, label } = target.value.version;
  if (id === state.active.versionId) return refused({ type: 'already-active', versionId: id, label });
  return decided([{ type: 'RouterRolledBack', data: { fromVersionId: state.active.versionId, toVersionId: id, reason: command.reason } }]);
}

/** What `rollback` answers: from which version to which, and why. */
export function rolledBack(events: readonly EventOf<'RouterRolledBack'>[]): EventOf<'RouterRolledBack'>['data'] {
  return events[0]!.data;
}
