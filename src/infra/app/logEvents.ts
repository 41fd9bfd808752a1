import type { StoredEvent } from '../../events/catalogue.js';
import type { EventStore } from '../store/eventStore.js';

/** The log's events from `fromSeq` on, one at a time, read batch by batch (never held whole). */
export async function* allEvents(store: EventStore, fromSeq = 1): AsyncGenerator<StoredEvent> {
  for await (const batch of store.readBatches(fromSeq)) yield* batch;
}
