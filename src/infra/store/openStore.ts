import { openPostgresStore } from './postgresEventStore.js';
import type { EventStore } from './eventStore.js';
import { openJsonlStore, type JsonlStoreOptions } from './jsonlEventStore.js';

/** A directory holds a JSONL log; a postgres:// URL names a PostgreSQL log. */
export async function openStore(location: string, options: JsonlStoreOptions = {}): Promise<EventStore> {
  if (/^postgres(ql)?:\/\//.test(location)) return openPostgresStore(location, options);
  const pause = Number(process.env.MEMABRA_FAULT_PAUSE_MID_WRITE_MS ?? 0);
  return openJsonlStore(location.replace(/^file:\/\//, ''), { ...options, ...(pause > 0 ? { pauseMidWriteMs: pause } : {}) });
}
