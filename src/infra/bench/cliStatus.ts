import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { seconds } from './measure.js';

/** The command line's entry point, run as a user runs it. */
export const CLI = fileURLToPath(new URL('../../../bin/memabra.js', import.meta.url));

/** Best of `runs` wall times of a whole process, in seconds. */
function bestOf(runs: number, command: readonly string[]): number {
  let best = Infinity;
  for (let run = 0; run < runs; run++) {
    const start = process.hrtime.bigint();
    execFileSync(process.execPath, command, { stdio: 'ignore', maxBuffer: 64 * 1024 * 1024 });
    best = Math.min(best, seconds(start));
  }
  return best;
}

export type StatusFigures = { readonly statusSeconds: number; readonly nodeStartSeconds: number };

/**
 * A one-shot `memabra status` on a log, the whole process from outside, beside Node's own start
 * (`node -e 0`): what a script or a cron job pays to ask. One run first, unmeasured, so the snapshot a
 * first open writes is there, as it is on a log in use.
 */
export function measureCliStatus(dir: string): StatusFigures {
  bestOf(1, [CLI, 'status', '--dir', dir]);
  return { statusSeconds: bestOf(3, [CLI, 'status', '--dir', dir, '--json']), nodeStartSeconds: bestOf(3, ['-e', '0']) };
}
