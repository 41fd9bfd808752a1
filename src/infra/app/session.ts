import type { DecideContext } from '../../domain/decideContext.js';
import { describeDomainError, type Decided, type DomainError } from '../../domain/domainError.js';
import type { DomainEvent, StoredEvent } from '../../events/catalogue.js';
import { foldBatches, foldEvents, isWithin, type AsOf } from '../../projections/fold.js';
import { initialState, type MemabraState } from '../../projections/state.js';
import { deserialiseState, serialiseState, type SerialisedState } from '../../projections/stateCodec.js';
import { isAppendConflict, MemabraError, type ErrorKind } from '../errors.js';
import type { AppendResult, EventStore, ReadCursor } from '../store/eventStore.js';
import type { Environment } from './clock.js';

/** An open log with the environment that stamps what is appended to it. */
export type Session = { readonly store: EventStore; readonly env: Environment };

/** A fold of the log, where its read stopped, and the seq of the newest snapshot of this store. */
type FoldedLog = { state: MemabraState; cursor: ReadCursor; snapshotSeq: number };

/**
 * The latest fold of each open store and where its read stopped: a long-lived process (the demo, the MCP
 * server, an agent embedding the library) folds only what was appended since. States are immutable, so
 * sharing them is safe; a log that no longer matches the cursor is read again from the start.
 */
const folded = new WeakMap<EventStore, FoldedLog>();

/** Events folded past the newest snapshot before a new one is written. */
export const SNAPSHOT_EVERY = 10_000;

async function startingPoint(store: EventStore): Promise<FoldedLog | null> {
  const cached = folded.get(store);
  if (cached) return cached;
  const snapshot = await store.snapshots?.load();
  const state = snapshot ? deserialiseState({ data: snapshot.state as SerialisedState, sections: snapshot.sections }) : null;
  return snapshot && state && state.lastSeq === snapshot.cursor.seq ? { state, cursor: snapshot.cursor, snapshotSeq: state.lastSeq } : null;
}

const pendingSnapshots = new Map<EventStore, Promise<void>>();

/**
 * Writes a snapshot once the caller has its answer: serialising and hashing a million-trajectory state
 * takes longer than opening from the previous snapshot, so it is kept off the path that opens the log.
 * A snapshot is only a cache: one that cannot be written (a full disk) is skipped, never an error.
 */
function snapshotLater(store: EventStore, log: FoldedLog): void {
  const snapshots = store.snapshots;
  if (!snapshots || pendingSnapshots.has(store)) return;
  log.snapshotSeq = log.cursor.seq;
  const saving = new Promise<void>((resolve) => setImmediate(resolve))
    .then(() => {
      const { data, sections } = serialiseState(log.state);
      return snapshots.save({ cursor: log.cursor, state: data, sections });
    })
    .catch(() => undefined)
    .finally(() => pendingSnapshots.delete(store));
  pendingSnapshots.set(store, saving);
}

/** Waits for the snapshot writes started for `store` (or every store); call it before closing a store. */
export async function settleSnapshots(store?: EventStore): Promise<void> {
  await Promise.all(store ? [pendingSnapshots.get(store)] : [...pendingSnapshots.values()]);
}

async function loadLatest(store: EventStore): Promise<MemabraState> {
  const start = await startingPoint(store);
  const reader = await store.readFrom(start?.cursor ?? null);
  // A log that no longer matches the cursor (rewritten, restored) is folded again from the start.
  const from = start && reader.resumed ? start.state : initialState;
  let cursor: ReadCursor | undefined;
  async function* untilDone(): AsyncGenerator<readonly StoredEvent[]> {
    for (let step = await reader.batches.next(); ; step = await reader.batches.next()) {
      if (step.done) {
        cursor = step.value;
        return;
      }
      yield step.value;
    }
  }
  const state = await foldBatches(from, untilDone());
  const log: FoldedLog = { state, cursor: cursor!, snapshotSeq: start && reader.resumed ? start.snapshotSeq : 0 };
  folded.set(store, log);
  if (log.cursor.seq - log.snapshotSeq >= SNAPSHOT_EVERY) snapshotLater(store, log);
  return state;
}

/** Folds the log (or its prefix as of a seq or time) into the projections, batch by batch. */
export async function loadState(store: EventStore, asOf?: AsOf): Promise<MemabraState> {
  if (!asOf) return loadLatest(store);
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
    case 'decision-unknown':
    case 'decision-completed':
    case 'decision-mismatch':
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
  throw new MemabraError(errorKindOf(result.error), describeDomainError(result.error), result.error.type);
}

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

export async function* allEvents(store: EventStore, fromSeq = 1): AsyncGenerator<StoredEvent> {
  for await (const batch of store.readBatches(fromSeq)) yield* batch;
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
