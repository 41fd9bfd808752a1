import { closeSync, constants, fdatasyncSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { StoredEvent } from '../../events/catalogue.js';
import type { DecodeMode } from './sealedLine.js';
import { loadLineSchemas, needSchemas, SCHEMAS_NEEDED, withLineSchemas } from './lineDecoder.js';
import { GENESIS_HASH, lineHash } from './hashChain.js';
import { appendConflict, describeSystemError, MemabraError } from '../errors.js';
import {
  DEFAULT_MAX_EVENT_BYTES,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type Head,
  type LogReader,
  type NewEvent,
  type ReadCursor,
  type VerifyReport,
} from './eventStore.js';
import { lockExclusive, unlock } from './fileLock.js';
import { scanLog, type ScanStart, type ScanSummary } from './logScanner.js';
import type { encodeBatch } from './batchEncoder.js';
import { findTail, type LogTail } from './logTail.js';
import { seekSeq } from './logSeek.js';
import { snapshotFiles } from './snapshotFiles.js';

export const LOG_FILE = 'events.jsonl';

export type JsonlStoreOptions = {
  maxEventBytes?: number;
  lockTimeoutMs?: number;
  /** The clock that stamps `at`; the shell passes the real one, tests a fixed one. */
  now?: () => Date;
  /**
   * Fault injection for the crash tests: write half of each batch, say so on stderr, and pause this long
   * before writing the rest, so a test can kill the process with a torn batch on disk. Never set in use.
   */
  pauseMidWriteMs?: number;
};

function fsyncDirectory(path: string): void {
  const fd = openSync(path, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function describeIoError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return 'the disk is full';
  if (code === 'EFBIG') return 'the file-size limit was reached';
  if (code === 'EDQUOT') return 'the disk quota was reached';
  return (error as Error).message ?? String(error);
}

/** Writes buffer[from, to) at `position + from`, looping over short writes. */
function writeRange(fd: number, buffer: Buffer, from: number, to: number, position: number): void {
  for (let offset = from; offset < to;) {
    offset += writeSync(fd, buffer, offset, to - offset, position + offset);
  }
}

function writeAll(fd: number, buffer: Buffer, position: number, pauseMidWriteMs: number): void {
  if (pauseMidWriteMs > 0) {
    const half = Math.floor(buffer.length / 2);
    writeRange(fd, buffer, 0, half, position);
    process.stderr.write(`fault injection: paused mid-write after ${half} of ${buffer.length} bytes\n`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pauseMidWriteMs);
    writeRange(fd, buffer, half, buffer.length, position);
    return;
  }
  writeRange(fd, buffer, 0, buffer.length, position);
}

/**
 * Whether the log file is there. Only "no such file" means an empty log: a data directory that is a file
 * (or /dev/null), that cannot be read, or a log that is a directory is an error with its cause named, never
 * an empty, healthy log.
 */
export function logExists(path: string): boolean {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    const directory = dirname(path);
    if (code === 'ENOTDIR') throw new MemabraError('io', `cannot read the log: ${directory} is not a directory`);
    if (code === 'EACCES' || code === 'EPERM') throw new MemabraError('io', `cannot read the log ${path}: permission denied`);
    throw new MemabraError('io', `cannot read the log: ${describeSystemError(error) ?? String(error)}`);
  }
  if (!isFile) throw new MemabraError('io', `cannot read the log: ${path} is not a regular file`);
  return true;
}

/** Opens the log, naming the cause in one line when it cannot be (no permission, for example). */
function openLog(path: string, flags: number | string, mode?: number): number {
  try {
    return openSync(path, flags, mode);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw new MemabraError('io', `cannot open the log ${path}: permission denied`);
    throw new MemabraError('io', `cannot open the log: ${describeSystemError(error) ?? String(error)}`);
  }
}

/** Creates the data directory (and its parents) for a first append, naming what is in the way if it cannot. */
function makeDataDirectory(directory: string): void {
  try {
    mkdirSync(directory, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new MemabraError('io', `cannot create the data directory ${directory}: a file is in the way`);
    throw new MemabraError('io', `cannot create the data directory: ${describeSystemError(error) ?? String(error)}`);
  }
}

/**
 * Scans the whole log from a fresh descriptor, checking every line; throws on the first bad one. A line
 * that needs the schemas before they are loaded ends it (run it in withLineSchemas).
 */
export function scanLogFile(path: string, onBatch?: (batch: readonly StoredEvent[]) => void, fromSeq = 1, mode: DecodeMode = 'sealed'): ScanSummary {
  if (!logExists(path)) {
    return { lastSeq: 0, lastHash: GENESIS_HASH, lastAt: null, lines: 0, validBytes: 0, tail: { kind: 'clean' } };
  }
  const fd = openLog(path, 'r');
  try {
    const scan = scanLog(fd, fstatSync(fd).size, fromSeq, undefined, mode);
    for (let step = scan.next(); ; step = scan.next()) {
      if (step.done) return step.value;
      if (step.value === SCHEMAS_NEEDED) needSchemas();
      onBatch?.(step.value);
    }
  } finally {
    closeSync(fd);
  }
}

/** One log file's settings, and what this store has learnt of the file. */
type JsonlLog = {
  readonly directory: string;
  readonly path: string;
  readonly maxEventBytes: number;
  readonly lockTimeoutMs: number;
  readonly now: () => Date;
  readonly pauseMidWriteMs: number;
  /**
   * How far this store has checked the log line by line (seal, seq, chain, framing): its reads, from the
   * start or from a snapshot's cursor, and its own appends. A writer extends only a log it has checked up
   * to where it appends, so it never acknowledges events after damage it has not looked at.
   */
  checked: ReadCursor | null;
  /**
   * Where this store's own last append ended, and the length of its last line with the newline. While
   * the log still ends there with that line, the tail is known without reading back through the file:
   * the line's `prev` chains it to every line before it, so the same last line means the same log.
   */
  ownTail: { readonly cursor: ReadCursor; readonly lineBytes: number } | null;
};

/**
 * The log as one JSON Lines file in a directory. One writer at a time (a kernel lock on the log itself), group
 * commit (a batch is one write, then fdatasync, before append returns), readers lock-free.
 */
export function openJsonlStore(directory: string, options: JsonlStoreOptions = {}): EventStore {
  const pauseMidWriteMs = options.pauseMidWriteMs ?? 0;
  const log: JsonlLog = {
    directory,
    path: join(directory, LOG_FILE),
    maxEventBytes: options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES,
    lockTimeoutMs: options.lockTimeoutMs ?? 30_000,
    now: options.now ?? (() => new Date()),
    pauseMidWriteMs,
    checked: null,
    ownTail: null,
  };
  return {
    location: log.path,
    head: () => readHead(log),
    readBatches: (fromSeq) => readBatches(log, fromSeq),
    readFrom: (cursor) => readFrom(log, cursor),
    append: (events, appendOptions) => append(log, events, appendOptions),
    verify: (onBatch) => verifyLogFile(log.path, onBatch),
    repair: () => repair(log),
    snapshots: snapshotFiles(directory, { pauseMidWriteMs }),
    close: async () => {},
  };
}

const checkedAt = (summary: ScanSummary): ReadCursor => ({ seq: summary.lastSeq, offset: summary.validBytes, hash: summary.lastHash, at: summary.lastAt });

/** Checks the lines between the last checked point (or the start) and the tail; throws on the first bad one. */
function checkUpTo(log: JsonlLog, fd: number, tail: LogTail): void {
  const { checked } = log;
  if (checked && checked.offset === tail.validBytes && checked.hash === tail.lastHash) return;
  const from = checked && checked.offset < tail.validBytes ? resumePoint(log, fd, checked) : undefined;
  // Events are not collected (fromSeq past any seq): only the checks matter here.
  const scan = scanLog(fd, tail.validBytes, Number.MAX_SAFE_INTEGER, from, 'sealed');
  let step = scan.next();
  while (!step.done) {
    if (step.value === SCHEMAS_NEEDED) needSchemas();
    step = scan.next();
  }
  if (step.value.lastSeq !== tail.lastSeq || step.value.lastHash !== tail.lastHash) {
    throw new MemabraError('corrupt-log', `the log at ${log.path} does not check up to its last append (seq ${tail.lastSeq}); nothing was appended`);
  }
  log.checked = checkedAt(step.value);
}

/** The tail of the log as this store's own last append left it, if the file still ends with that line. */
function knownTail({ ownTail }: JsonlLog, fd: number, size: number): LogTail | null {
  if (!ownTail || ownTail.cursor.offset !== size || ownTail.cursor.at === null) return null;
  const { cursor, lineBytes } = ownTail;
  const from = size - lineBytes;
  const take = from > 0 ? lineBytes + 1 : lineBytes;
  const bytes = Buffer.allocUnsafe(take);
  if (readSync(fd, bytes, 0, take, size - take) !== take || bytes[take - 1] !== 0x0a || (from > 0 && bytes[0] !== 0x0a)) return null;
  if (lineHash(bytes.subarray(take - lineBytes, take - 1)) !== cursor.hash) return null;
  return { lastSeq: cursor.seq, lastHash: cursor.hash, lastAt: cursor.at, validBytes: size };
}

function readTail(log: JsonlLog, fd: number): LogTail {
  const size = fstatSync(fd).size;
  const known = knownTail(log, fd, size);
  if (known) return known;
  const found = findTail(fd, size);
  if (found.ok) return found.tail;
  // A bad line near the end: the full scan names it.
  const summary = scanLogFile(log.path);
  return { lastSeq: summary.lastSeq, lastHash: summary.lastHash, lastAt: summary.lastAt, validBytes: summary.validBytes };
}

async function readHead(log: JsonlLog): Promise<Head> {
  if (!logExists(log.path)) return { lastSeq: 0, lastHash: GENESIS_HASH, lastAt: null };
  const fd = openLog(log.path, 'r');
  try {
    const { lastSeq, lastHash, lastAt } = await withLineSchemas(() => readTail(log, fd));
    return { lastSeq, lastHash, lastAt };
  } finally {
    closeSync(fd);
  }
}

async function* readBatches(log: JsonlLog, fromSeq = 1): AsyncIterable<readonly StoredEvent[]> {
  if (!logExists(log.path)) return;
  const fd = openLog(log.path, 'r');
  try {
    const size = fstatSync(fd).size;
    const start = await withLineSchemas(() => seekSeq(fd, size, fromSeq, log.maxEventBytes));
    const scan = scanLog(fd, size, fromSeq, start);
    for (let step = scan.next(); ; step = scan.next()) {
      if (step.done) {
        // A read that started past what this store had checked leaves the lines before it unchecked.
        if (!start || (log.checked && log.checked.seq >= start.seq)) log.checked = checkedAt(step.value);
        return;
      }
      if (step.value === SCHEMAS_NEEDED) await loadLineSchemas();
      else yield step.value;
    }
  } finally {
    closeSync(fd);
  }
}

/** The cursor is still valid when the line ending at its offset is the line it saw (same hash). */
function resumePoint(log: JsonlLog, fd: number, cursor: ReadCursor | null): ScanStart | undefined {
  if (!cursor || cursor.offset === 0) return undefined;
  const probe = Math.min(cursor.offset, log.maxEventBytes + 1);
  const bytes = Buffer.allocUnsafe(probe);
  if (readSync(fd, bytes, 0, probe, cursor.offset - probe) !== probe || bytes[probe - 1] !== 0x0a) return undefined;
  const previous = bytes.lastIndexOf(0x0a, probe - 2);
  if (previous < 0 && probe < cursor.offset) return undefined;
  if (lineHash(bytes.subarray(previous + 1, probe - 1)) !== cursor.hash) return undefined;
  // Line N of a log that checks holds seq N (one event a line, seq gap-free from 1), so the lines before
  // the cursor are its seq, and a bad line after it is named by its real line number in the file.
  return { offset: cursor.offset, seq: cursor.seq, hash: cursor.hash, at: cursor.at, lines: cursor.seq };
}

async function readFrom(log: JsonlLog, cursor: ReadCursor | null): Promise<LogReader> {
  const empty: ReadCursor = { seq: 0, offset: 0, hash: GENESIS_HASH, at: null };
  if (!logExists(log.path)) {
    return {
      resumed: cursor === null || cursor.seq === 0,
      batches: (async function* () {
        return empty;
      })(),
    };
  }
  const fd = openLog(log.path, 'r');
  const start = resumePoint(log, fd, cursor);
  async function* batches(): AsyncGenerator<readonly StoredEvent[], ReadCursor> {
    try {
      const scan = scanLog(fd, fstatSync(fd).size, 1, start);
      for (let step = scan.next(); ; step = scan.next()) {
        if (step.done) {
          log.checked = checkedAt(step.value);
          return log.checked;
        }
        if (step.value === SCHEMAS_NEEDED) await loadLineSchemas();
        else yield step.value;
      }
    } finally {
      closeSync(fd);
    }
  }
  return { resumed: cursor === null || cursor.offset === 0 || start !== undefined, batches: batches() };
}

async function append(log: JsonlLog, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
  // A writer validates what it seals and checks the log up to where it appends, under its lock and
  // without pausing: its schemas are loaded first, with the encoder (a reader loads neither).
  await loadLineSchemas();
  const { encodeBatch } = await import('./batchEncoder.js');
  makeDataDirectory(log.directory);
  const created = !logExists(log.path);
  const fd = openLog(log.path, constants.O_RDWR | constants.O_CREAT, 0o644);
  try {
    if (created) fsyncDirectory(dirname(log.path));
    await lockExclusive(fd, log.path, log.lockTimeoutMs);
    try {
      return appendLocked(log, fd, events, options, encodeBatch);
    } finally {
      unlock(fd);
    }
  } finally {
    closeSync(fd);
  }
}

/** An append under the writer's lock: the tail found and checked, the batch written and synced. */
function appendLocked(
  log: JsonlLog,
  fd: number,
  events: readonly NewEvent[],
  { expectedLastSeq, validated = false }: AppendOptions,
  encode: typeof encodeBatch,
): AppendResult {
  const tail = readTail(log, fd);
  if (fstatSync(fd).size > tail.validBytes) {
    // The remains of an append that died before it returned: never acknowledged, so dropped.
    ftruncateSync(fd, tail.validBytes);
    fdatasyncSync(fd);
  }
  checkUpTo(log, fd, tail);
  if (expectedLastSeq !== 'any' && expectedLastSeq !== tail.lastSeq) {
    throw appendConflict(expectedLastSeq, tail.lastSeq);
  }
  if (events.length === 0) return { firstSeq: tail.lastSeq + 1, lastSeq: tail.lastSeq, events: [] };
  const { bytes: buffer, stored, lastHash } = encode(events, tail, log.now(), log.maxEventBytes, validated);
  writeBatch(log, fd, buffer, tail);
  log.checked = { seq: tail.lastSeq + events.length, offset: tail.validBytes + buffer.length, hash: lastHash, at: stored.at(-1)!.at };
  log.ownTail = { cursor: log.checked, lineBytes: buffer.length - (buffer.lastIndexOf(0x0a, buffer.length - 2) + 1) };
  return { firstSeq: tail.lastSeq + 1, lastSeq: tail.lastSeq + events.length, events: stored };
}

/** The batch's bytes after the tail, then fdatasync; on failure, the file cut back to the tail. */
function writeBatch(log: JsonlLog, fd: number, buffer: Buffer, tail: LogTail): void {
  try {
    writeAll(fd, buffer, tail.validBytes, log.pauseMidWriteMs);
    fdatasyncSync(fd);
  } catch (error) {
    try {
      ftruncateSync(fd, tail.validBytes);
      fdatasyncSync(fd);
    } catch {
      // The torn bytes stay; the next writer drops them, and readers never see them.
    }
    throw new MemabraError(
      'io',
      `could not append to ${log.path}: ${describeIoError(error)}; nothing of this batch was kept, the log up to seq ${tail.lastSeq} is intact`,
    );
  }
}

async function verifyLogFile(path: string, onBatch?: (batch: readonly StoredEvent[]) => void): Promise<VerifyReport> {
  let events = 0;
  // A mistyped --dir must not pass an audit as an empty, healthy log.
  if (!logExists(path)) return { ok: false, events, error: `there is no log at ${path} (nothing to verify; \`memabra init\` creates one)` };
  await loadLineSchemas(); // verify checks every line against its schema
  try {
    const summary = scanLogFile(
      path,
      (batch) => {
        events += batch.length;
        onBatch?.(batch);
      },
      1,
      'full',
    );
    const tornTail = summary.tail.kind === 'torn' ? { firstLine: summary.tail.firstLine, bytes: summary.tail.bytes, reason: summary.tail.reason } : null;
    return { ok: true, events, lastSeq: summary.lastSeq, lastHash: summary.lastHash, tornTail };
  } catch (error) {
    if (error instanceof MemabraError && (error.kind === 'corrupt-log' || error.kind === 'future-schema')) {
      return { ok: false, events, error: error.message };
    }
    throw error;
  }
}

async function repair(log: JsonlLog): Promise<number> {
  if (!logExists(log.path)) return 0;
  const fd = openLog(log.path, constants.O_RDWR);
  try {
    await lockExclusive(fd, log.path, log.lockTimeoutMs);
    try {
      const size = fstatSync(fd).size;
      const tail = await withLineSchemas(() => readTail(log, fd));
      if (size > tail.validBytes) {
        ftruncateSync(fd, tail.validBytes);
        fdatasyncSync(fd);
      }
      return size - tail.validBytes;
    } finally {
      unlock(fd);
    }
  } finally {
    closeSync(fd);
  }
}
