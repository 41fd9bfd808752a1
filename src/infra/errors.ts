import type { DomainError } from '../domain/domainError.js';

/**
 * Errors that cross the imperative shell. `usage` and `input` are the user's to fix (exit 2); the others
 * mean the operation could not be done (exit 1). Each message is one line that names the problem.
 * `conflict` is a business refusal against the log's state (a version already active, a log already
 * initialised); `append-conflict` is a lost race (another writer appended between this one's read and its
 * append), the only error a command handler reads again and decides again for.
 */
export type ErrorKind =
  'usage' | 'input' | 'not-found' | 'conflict' | 'append-conflict' | 'corrupt-log' | 'future-schema' | 'lock-timeout' | 'io' | 'not-initialised';

export class MemabraError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    /** The business rule that refused, when it was one: lets HTTP tell a conflicting write from bad input. */
    readonly refusal?: DomainError['type'],
  ) {
    super(message);
    this.name = 'MemabraError';
  }

  get exitCode(): 1 | 2 {
    return this.kind === 'usage' || this.kind === 'input' ? 2 : 1;
  }
}

export function fail(kind: ErrorKind, message: string): never {
  throw new MemabraError(kind, message);
}

/**
 * What a store throws when an append's expected last seq is no longer the log's: nothing was appended,
 * and the caller's decision, based on the older state, is to be made again on the new one.
 */
export function appendConflict(expectedLastSeq: number, foundLastSeq: number): MemabraError {
  return new MemabraError(
    'append-conflict',
    `the log moved on while deciding (expected last seq ${expectedLastSeq}, found ${foundLastSeq}); nothing was appended`,
  );
}

/** True for a lost append race (see ErrorKind), never for a business refusal. */
export function isAppendConflict(error: unknown): error is MemabraError {
  return error instanceof MemabraError && error.kind === 'append-conflict';
}

/** What an operating-system error code means, in the words an operator would use. */
const SYSTEM_ERROR_MEANINGS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EEXIST: 'something is already there',
  ENOENT: 'no such file or directory',
  ENAMETOOLONG: 'the name is too long',
  ENOSPC: 'the disk is full',
  EFBIG: 'the file-size limit was reached',
  EDQUOT: 'the disk quota was reached',
  EROFS: 'the file system is read-only',
  ELOOP: 'too many symbolic links',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'an input/output error',
  EBADF: 'the file descriptor is not open',
  EPIPE: 'the reader went away',
  ENXIO: 'no such device',
  ETXTBSY: 'the file is busy',
};

/**
 * The one-line message for an ordinary operating-system failure (no permission, a file where a directory
 * should be, a full disk), or null for anything else (a bug, which keeps its stack trace).
 */
export function describeSystemError(error: unknown): string | null {
  const { code, syscall, path } = (error ?? {}) as NodeJS.ErrnoException;
  const meaning = code ? SYSTEM_ERROR_MEANINGS[code] : undefined;
  if (!meaning) return null;
  return `cannot ${syscall ?? 'access'}${path ? ` ${path}` : ''}: ${meaning} (${code})`;
}
