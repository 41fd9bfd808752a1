import type { DecideContext } from '../../domain/decideContext.js';
import { describeDomainError, type Decided, type DomainError } from '../../domain/domainError.js';
import type { DomainEvent, StoredEvent } from '../../events/catalogue.js';
import { foldEvents, isWithin, type AsOf } from '../../projections/fold.js';
import { initialState, type MemabraState } from '../../projections/state.js';
import { MemabraError, type ErrorKind } from '../errors.js';
import type { AppendResult, EventStore } from '../store/eventStore.js';
import type { Environment } from './clock.js';

/** An open log with the environment that stamps what is appended to it. */
export type Session = { readonly store: EventStore; readonly env: Environment };

/** Folds the log (or its prefix as of a seq or time) into the projections, batch by batch. */
export async function loadState(store: EventStore, asOf?: AsOf): Promise<MemabraState> {
  let state = initialState;
  for await (const batch of store.readBatches()) {
    const within = asOf ? batch.filter((event) => isWithin(event, asOf)) : batch;
    if (within.length) state = foldEvents(state, within);
    if (within.length < batch.length) break;
  }
  return state;
}

export function decideContext(env: Environment): DecideContext {
  return { now: env.now().toISOString(), newId: env.newId };
}

function errorKindOf(error: DomainError): ErrorKind {
  switch (error.type) {
    case 'invalid-input':
    case 'duplicate-trajectory':
    case 'version-ambiguous':
      return 'input';
    case 'version-not-found':
      return 'not-found';
    case 'not-initialised':
      return 'not-initialised';
    case 'already-initialised':
    case 'already-active':
      return 'conflict';
    default:
      return error satisfies never;
  }
}

/** Turns a refusal into the error the shell reports; passes decided values through. */
export function unwrap<T>(result: Decided<T>): T {
  if (result.ok) return result.value;
  throw new MemabraError(errorKindOf(result.error), describeDomainError(result.error));
}

/** Appends decided events, conditional on the log not having moved since `state` was read. */
export async function appendEvents(
  session: Session,
  events: readonly DomainEvent[],
  state: MemabraState,
): Promise<AppendResult> {
  return session.store.append(
    events.map((event) => ({ ...event, id: session.env.newId() })),
    { expectedLastSeq: state.lastSeq },
  );
}

export async function* allEvents(store: EventStore, fromSeq = 1): AsyncGenerator<StoredEvent> {
  for await (const batch of store.readBatches(fromSeq)) yield* batch;
}

/**
 * Reads the state, decides, and appends conditionally on the log not having moved; when another writer
 * got in between, reads and decides again (the decision may differ, for example a duplicate id).
 */
export async function decideAndAppend<E extends DomainEvent, R>(
  session: Session,
  decide: (state: MemabraState) => Decided<E[]>,
  done: (events: E[], result: AppendResult) => R,
  attempts = 20,
): Promise<R> {
  for (let attempt = 1; ; attempt++) {
    const state = await loadState(session.store);
    const events = unwrap(decide(state));
    try {
      return done(events, await appendEvents(session, events, state));
    } catch (error) {
      if (!(error instanceof MemabraError && error.kind === 'conflict') || attempt >= attempts) throw error;
    }
  }
}
