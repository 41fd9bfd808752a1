import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { realEnvironment } from '../app/clock.js';
import type { Session } from '../app/session.js';
import { MemabraError } from '../errors.js';
import { openStore } from '../store/openStore.js';

export type GlobalOptions = { dir?: string; store?: string };

/** Where the log lives: --store URL, else --dir, else $MEMABRA_STORE, else $MEMABRA_DIR, else ./.memabra. */
export function storeLocation(options: GlobalOptions): string {
  // An empty variable counts as unset, as in most shells' conventions.
  return options.store || options.dir || process.env.MEMABRA_STORE || process.env.MEMABRA_DIR || resolve('.memabra');
}

export async function openSession(options: GlobalOptions): Promise<Session> {
  const env = realEnvironment();
  return { store: await openStore(storeLocation(options), { now: env.now }), env };
}

/** Reads FILE, or standard input for "-" or no file. */
export function readInput(file: string | undefined): string {
  try {
    return readFileSync(file === undefined || file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new MemabraError('input', `cannot read ${file ?? 'standard input'}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}
