import type { DomainError } from '../domain/domainError.js';

/**
 * Errors that cross the imperative shell. `usage` and `input` are the user's to fix (exit 2); the others
 * mean the operation could not be done (exit 1). Each message is one line that names the problem.
 */
export type ErrorKind =
  | 'usage'
  | 'input'
  | 'not-found'
  | 'conflict'
  | 'corrupt-log'
  | 'future-schema'
  | 'lock-timeout'
  | 'io'
  | 'not-initialised';

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
