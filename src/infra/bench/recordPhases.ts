import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A one-shot `memabra record` taken apart: its steps timed in a process of its own (recordProcess.ts),
 * the process's start and exit timed from outside it. This file imports none of memabra's modules, so
 * the child, which imports it first, loads them only in its "modules" phase.
 */

/** Milliseconds on the clock every process shares (the epoch, sub-millisecond). */
export const wallMs = (): number => performance.timeOrigin + performance.now();

/** What the child measures, in milliseconds: each step of the command, cold, once. */
export type ChildPhases = {
  /** From the parent's spawn to the child's first line: Node's start and its loading of the entry script. */
  readonly nodeStartMs: number;
  /** memabra's modules, as the CLI's entry point loads them. */
  readonly modulesMs: number;
  /** Reading the file and decoding it as strict UTF-8. */
  readonly readInputMs: number;
  /** JSON.parse of each line, the schemas and the decision rules (parseTrajectories). */
  readonly parseValidateMs: number;
  readonly openSessionMs: number;
  /** Opening the log's state (a fold of the log, or its snapshot and tail). */
  readonly loadStateMs: number;
  /** The decider, the events' ids, and the check that the events need no second validation. */
  readonly decideMs: number;
  /** Finding the log's tail, as the append does under its lock. */
  readonly tailMs: number;
  /** Canonical JSON, seal and hash chain of every line, into one buffer (the store's encodeBatch). */
  readonly encodeMs: number;
  /** One write of the encoded bytes at the log's end, and fdatasync. */
  readonly writeSyncMs: number;
  /** The answer, as --json prints it. */
  readonly answerMs: number;
  /** Waiting for a snapshot scheduled by the open, if any (the CLI waits for it before it exits). */
  readonly snapshotMs: number;
  readonly events: number;
  readonly bytes: number;
  readonly answerBytes: number;
  readonly endedAt: number;
};

export type RecordPhases = Omit<ChildPhases, 'endedAt'> & {
  /** From the child's last step to its exit seen by the parent. */
  readonly exitMs: number;
  /** The whole process, from outside. */
  readonly totalMs: number;
};

const CHILD = fileURLToPath(new URL('./recordProcess.js', import.meta.url));

/**
 * The phases of `runs` records of `input` into fresh logs made by `init` (`initLog(dir)`), and the run
 * whose whole process was quickest (best of, as the CLI row is).
 */
export function measureRecordPhases(input: string, work: string, initLog: (dir: string) => void, runs = 3): RecordPhases {
  let best: RecordPhases | null = null;
  for (let run = 0; run < runs; run++) {
    const dir = join(work, `record-phases-${run}`);
    initLog(dir);
    const spawnedAt = wallMs();
    const out = execFileSync(process.execPath, [CHILD, input, dir, String(spawnedAt)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const exitedAt = wallMs();
    rmSync(dir, { recursive: true, force: true });
    const { endedAt, ...phases } = JSON.parse(out.trim().split('\n').at(-1)!) as ChildPhases;
    const timed: RecordPhases = { ...phases, exitMs: exitedAt - endedAt, totalMs: exitedAt - spawnedAt };
    if (!best || timed.totalMs < best.totalMs) best = timed;
  }
  return best!;
}
