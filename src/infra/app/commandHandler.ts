import type { Decided } from '../../domain/domainError.js';
import type { DomainEvent } from '../../events/catalogue.js';
import type { MemabraState } from '../../projections/state.js';
import { isAppendConflict } from '../errors.js';
import type { AppendResult } from '../store/eventStore.js';
import { loadState } from './foldedState.js';
import { unwrap } from './refusalErrors.js';
import type { Session } from './session.js';

/**
 * Appends decided events, conditional on the log not having moved since `state` was read. `validated`:
 * the caller has shown that these events' data is valid against the event schemas (the decider built it
 * from input parsed with the same schemas), so the store seals it without validating it a second time.
 */
export async function appendEvents(
  session: Session,
  events: readonly DomainEvent[],
  state: MemabraState,
  validated = false,
): Promise<AppendResult> {
  return session.store.append(
    events.map((event) => ({ ...event, id: session.env.newId() })),
    { expectedLastSeq: state.lastSeq, validated },
  );
}

/**
 * Reads the state, decides, and appends conditionally on the log not having moved; when another writer
 * got in between (the store's append-conflict), reads and decides again (the decision may differ, for
 * example a duplicate id). A refusal, even one against the log's state (kind `conflict`), is final.
 */
export async function decideAndAppend<E extends DomainEvent, R>(
  session: Session,
  decide: (state: MemabraState) => Decided<E[]>,
  done: (events: E[], result: AppendResult) => R,
  attempts = 20,
  /** True for decided events known to be schema-valid already (see appendEvents); absent, the store validates. */
  validated?: (events: readonly E[]) => boolean,
): Promise<R> {
  for (let attempt = 1; ; attempt++) {
    const state = await loadState(session.store);
    const events = unwrap(decide(state));
    try {
      return done(events, await appendEvents(session, events, state, validated?.(events) ?? false));
    } catch (error) {
      if (!isAppendConflict(error) || attempt >= attempts) throw error;
    }
  }
}
