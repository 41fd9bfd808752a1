import { MemabraError } from '../errors.js';

/** An error answer: the status and the one line that goes in `{"error": ...}`. */
export type HttpError = { readonly status: number; readonly message: string; readonly bug: boolean };

/**
 * The HTTP status of what went wrong. A user's mistake is 400, a missing version or report 404, a write
 * that conflicts with the log (an id already recorded, a version already active, a log still without a
 * router) 409; a log that cannot be used right now (a lock held too long, a full disk, a damaged line) is
 * 503 with its message, since it is not a bug; 500 is for bugs only.
 */
export function statusOfError(error: MemabraError): number {
  switch (error.refusal) {
    case 'duplicate-trajectory':
    case 'already-active':
    case 'already-initialised':
      return 409;
    default:
      break;
  }
  switch (error.kind) {
    case 'usage':
    case 'input':
      return 400;
    case 'not-found':
      return 404;
    case 'conflict':
    case 'append-conflict':
    case 'not-initialised':
      return 409;
    case 'lock-timeout':
    case 'io':
    case 'corrupt-log':
    case 'future-schema':
      return 503;
    default:
      return error.kind satisfies never;
  }
}

/** What Fastify itself refuses before a handler runs, as one line each. */
function frameworkMessage(code: string | undefined, fallback: string, bodyLimit: number): string {
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `the body is larger than the server's limit of ${bodyLimit} bytes; send fewer trajectories per request`;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'send the body as JSON, with "Content-Type: application/json"';
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'the body is shorter or longer than its Content-Length';
    default:
      return fallback.split('\n')[0]!;
  }
}

export function toHttpError(error: unknown, bodyLimit: number): HttpError {
  if (error instanceof MemabraError) return { status: statusOfError(error), message: error.message, bug: false };
  const framework = error as { statusCode?: unknown; code?: string; message?: string };
  if (typeof framework.statusCode === 'number' && framework.statusCode >= 400 && framework.statusCode < 500) {
    return { status: framework.statusCode, message: frameworkMessage(framework.code, framework.message ?? 'bad request', bodyLimit), bug: false };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, message: `internal error (a bug, please report it): ${message.split('\n')[0]}`, bug: true };
}
