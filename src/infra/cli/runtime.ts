import { readFileSync } from 'node:fs';
import type { Session } from '../app/session.js';
import { MemabraError } from '../errors.js';
import type { EventStore } from '../store/eventStore.js';

export type GlobalOptions = { dir?: string; store?: string };

const openStores: EventStore[] = [];

/** The seqs this process has committed to the log, so a failure after them can say the write stands. */
let committed: { firstSeq: number; lastSeq: number } | null = null;

export function committedSeqs(): { firstSeq: number; lastSeq: number } | null {
  return committed;
}

/**
 * Opens the log a command works on. `serving`: the process keeps answering while a snapshot is written
 * (`memabra serve`, `memabra mcp`), so a worker thread writes its snapshots; a one-shot command writes
 * them in its own thread after its answer, and waits for them before it exits.
 */
export async function openSession(options: GlobalOptions, { serving = false }: { serving?: boolean } = {}): Promise<Session> {
  // The stores (and zod's event schemas under them) load with the first session, not with the CLI: a
  // command that opens no log (`--help`, a usage error, `benchmark build`) never pays for them.
  const [{ realEnvironment }, { openStore, storeLocation }] = await Promise.all([import('../app/clock.js'), import('../store/openStore.js')]);
  const env = realEnvironment();
  const location = storeLocation(options.store || options.dir);
  const opened = await openStore(location, { now: env.now });
  const store: EventStore = {
    ...opened,
    append: async (events, appendOptions) => {
      const result = await opened.append(events, appendOptions);
      if (result.events.length) committed = { firstSeq: committed?.firstSeq ?? result.firstSeq, lastSeq: result.lastSeq };
      return result;
    },
  };
  if (serving) (await import('../app/snapshotSchedule.js')).writeSnapshotsInWorker(store, location);
  openStores.push(store);
  return { store, env };
}

/**
 * Closes what the command opened (a PostgreSQL pool would otherwise keep the process alive), after the
 * snapshots its reads started are written. A command that opened no log scheduled no snapshot.
 */
export async function closeSessions(): Promise<void> {
  if (openStores.length === 0) return;
  const { settleSnapshots } = await import('../app/snapshotSchedule.js');
  await settleSnapshots();
  await Promise.allSettled(openStores.splice(0).map((store) => store.close()));
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads FILE, or standard input for "-" or no file; bytes that are not UTF-8 are refused, never replaced. */
export function readInput(file: string | undefined): string {
  const source = file === undefined || file === '-' ? 'standard input' : file;
  let bytes: Buffer;
  try {
    bytes = readFileSync(file === undefined || file === '-' ? 0 : file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new MemabraError(
      'input',
      `cannot read ${source}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message}`,
    );
  }
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new MemabraError('input', `${source} is not valid UTF-8 text`);
  }
}
