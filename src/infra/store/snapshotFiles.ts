import { closeSync, constants, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import type { Snapshot, SnapshotStore } from './eventStore.js';
import { decodeSnapshot, encodeSnapshot } from './snapshotCodec.js';

const KEEP = 2;
const NAME = /^state-(\d{12})\.snap$/;
/** Snapshots of the earlier all-JSON layout: never read, removed when a new snapshot is written. */
const OLD_LAYOUT = /^state-\d{12}\.json$/;
/** A snapshot being written, by the process whose pid it names (and the worker thread, when one writes it). */
const TEMP = /^\.state-\d{12}\.snap\.(\d+)(?:-\d+)?\.tmp$/;

export type SnapshotFileOptions = {
  /** Fault injection for the crash tests (as the log's): write half of a snapshot, say so on stderr, pause. */
  pauseMidWriteMs?: number;
};

/** Whether a process with this pid is running here (one of another user counts as running). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temp files of writers that died before they renamed them (kill -9, a power cut): each is a
 * partial snapshot nobody will finish, and on a small disk they would take the space the next one needs.
 */
function removeStaleTemps(folder: string): void {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = TEMP.exec(name)?.[1];
    if (pid !== undefined && Number(pid) !== process.pid && !isRunning(Number(pid))) rmSync(join(folder, name), { force: true });
  }
}

function fsyncPath(path: string, flags: number): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function writeSnapshotBytes(fd: number, buffer: Buffer, pauseMidWriteMs: number): void {
  const write = (from: number, to: number) => {
    for (let offset = from; offset < to;) offset += writeSync(fd, buffer, offset, to - offset);
  };
  if (pauseMidWriteMs > 0) {
    const half = Math.floor(buffer.length / 2);
    write(0, half);
    process.stderr.write(`fault injection: paused mid-snapshot after ${half} of ${buffer.length} bytes\n`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pauseMidWriteMs);
    write(half, buffer.length);
    return;
  }
  write(0, buffer.length);
}

/**
 * Snapshots as files in DIR/snapshots (state-SEQ.snap, in snapshotCodec's layout).
 * Written atomically (temp file, fsync, rename, fsync of the directory); a file that fails its checksum
 * or does not parse is passed over. Deleting them never changes an answer, only the time to open.
 */
export function snapshotFiles(directory: string, options: SnapshotFileOptions = {}): SnapshotStore {
  const folder = join(directory, 'snapshots');

  function newestFirst(): string[] {
    try {
      return readdirSync(folder)
        .filter((name) => NAME.test(name))
        .sort()
        .reverse();
    } catch {
      return [];
    }
  }

  return {
    async load(): Promise<Snapshot | null> {
      for (const name of newestFirst()) {
        let bytes: Buffer;
        try {
          bytes = readFileSync(join(folder, name));
        } catch {
          continue;
        }
        const snapshot = decodeSnapshot(bytes);
        if (snapshot) return snapshot;
      }
      return null;
    },

    async save(snapshot: Snapshot): Promise<void> {
      mkdirSync(folder, { recursive: true });
      removeStaleTemps(folder);
      const name = `state-${String(snapshot.cursor.seq).padStart(12, '0')}.snap`;
      // A worker thread names itself too: two threads of one process may write the same seq.
      const temp = join(folder, `.${name}.${process.pid}${threadId ? `-${threadId}` : ''}.tmp`);
      const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o644);
      try {
        try {
          writeSnapshotBytes(fd, encodeSnapshot(snapshot), options.pauseMidWriteMs ?? 0);
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        renameSync(temp, join(folder, name));
      } catch (error) {
        // A full disk or a file-size limit: the partial file is nobody's, and would hold the space.
        rmSync(temp, { force: true });
        throw error;
      }
      fsyncPath(folder, constants.O_RDONLY | constants.O_DIRECTORY);
      for (const old of newestFirst().slice(KEEP)) rmSync(join(folder, old), { force: true });
      for (const old of readdirSync(folder).filter((file) => OLD_LAYOUT.test(file))) rmSync(join(folder, old), { force: true });
    },
  };
}
