import { resolve } from 'node:path';
import { MemabraError } from '../errors.js';
import type { EventStore } from './eventStore.js';
import { openJsonlStore, type JsonlStoreOptions } from './jsonlEventStore.js';

/**
 * Where the log lives when nothing more specific is given: $MEMABRA_STORE, else $MEMABRA_DIR, else
 * ./.memabra. An empty variable counts as unset, as in most shells' conventions.
 */
export function storeLocation(explicit?: string): string {
  return explicit || process.env.MEMABRA_STORE || process.env.MEMABRA_DIR || resolve('.memabra');
}

/** A directory holds a JSONL log; a postgres:// URL names a PostgreSQL log. */
export async function openStore(location: string, options: JsonlStoreOptions = {}): Promise<EventStore> {
  if (/^postgres(ql)?:\/\//.test(location)) {
    // Loaded only for a PostgreSQL log: the driver is a tenth of a second of every one-shot command's start.
    const { openPostgresStore } = await import('./postgresEventStore.js');
    return openPostgresStore(location, options);
  }
  // Any other URL is a mistake, not a directory to create (`mysql://x` would otherwise become ./mysql:/x/).
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(location)?.[1];
  if (scheme && scheme.toLowerCase() !== 'file') {
    throw new MemabraError('usage', `unknown store "${scheme}://...": a store is a directory, a file:// URL, or a postgres:// URL`);
  }
  const pause = Number(process.env.MEMABRA_FAULT_PAUSE_MID_WRITE_MS ?? 0);
  return openJsonlStore(location.replace(/^file:\/\//, ''), { ...options, ...(pause > 0 ? { pauseMidWriteMs: pause } : {}) });
}
