import { closeSync, constants, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Snapshot, SnapshotStore } from './eventStore.js';
import { decodeSnapshot, encodeSnapshot } from './snapshotCodec.js';

const KEEP = 2;
const NAME = /^state-(\d{12})\.snap$/;
/** Snapshots of the earlier all-JSON layout: never read, removed when a new snapshot is written. */
const OLD_LAYOUT = /^state-\d{12}\.json$/;

function fsyncPath(path: string, flags: number): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Snapshots as files in DIR/snapshots (state-SEQ.snap, in snapshotCodec's layout).
 * Written atomically (temp file, fsync, rename, fsync of the directory); a file that fails its checksum
 * or does not parse is passed over. Deleting them never changes an answer, only the time to open.
 */
export function snapshotFiles(directory: string): SnapshotStore {
  const folder = join(directory, 'snapshots');

  function newestFirst(): string[] {
    try {
      return readdirSync(folder).filter((name) => NAME.test(name)).sort().reverse();
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
      const name = `state-${String(snapshot.cursor.seq).padStart(12, '0')}.snap`;
      const temp = join(folder, `.${name}.${process.pid}.tmp`);
      const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o644);
      try {
        const buffer = encodeSnapshot(snapshot);
        for (let offset = 0; offset < buffer.length; ) offset += writeSync(fd, buffer, offset, buffer.length - offset);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, join(folder, name));
      fsyncPath(folder, constants.O_RDONLY | constants.O_DIRECTORY);
      for (const old of newestFirst().slice(KEEP)) rmSync(join(folder, old), { force: true });
      for (const old of readdirSync(folder).filter((file) => OLD_LAYOUT.test(file))) rmSync(join(folder, old), { force: true });
    },
  };
}
