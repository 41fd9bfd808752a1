import { describeDomainError, type Decided, type DomainError } from '../../domain/domainError.js';
import { MemabraError, type ErrorKind } from '../errors.js';

function errorKindOf(error: DomainError): ErrorKind {
  switch (error.type) {
    case 'invalid-input':
    case 'duplicate-trajectory':
    case 'decision-unknown':
    case 'decision-completed':
    case 'decision-mismatch':
    case 'version-ambiguous':
      return 'input';
    case 'version-not-found':
      return 'not-found';
    case 'not-initialised':
      return 'not-initialised';
    case 'already-initialised':
    case 'already-active':
      return 'conflict';
    default:
      return error satisfies never;
  }
}

/** Turns a refusal into the error the shell reports; passes decided values through. */
export function unwrap<T>(result: Decided<T>): T {
  if (result.ok) return result.value;
  throw new MemabraError(errorKindOf(result.error), describeDomainError(result.error), result.error.type);
}
