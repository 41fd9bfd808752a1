import { describe, expect, it } from 'vitest';
import { MemabraError, type ErrorKind } from '../../../src/infra/errors.js';
import { toHttpError } from '../../../src/infra/http/httpErrors.js';

describe('toHttpError', () => {
  it('maps each kind of error to its status, keeping its one line', () => {
    const cases: [ErrorKind, number][] = [
      ['usage', 400],
      ['input', 400],
      ['not-found', 404],
      ['conflict', 409],
      ['append-conflict', 409],
      ['not-initialised', 409],
      ['lock-timeout', 503],
      ['io', 503],
      ['corrupt-log', 503],
      ['future-schema', 503],
    ];
    for (const [kind, status] of cases) {
      expect(toHttpError(new MemabraError(kind, `a ${kind} problem`), 1024), kind).toEqual({ status, message: `a ${kind} problem`, bug: false });
    }
  });

  it('answers a refused write that conflicts with the log with 409, though the CLI calls it bad input', () => {
    const duplicate = new MemabraError('input', 'trajectory X is already recorded (at seq 2); nothing was appended', 'duplicate-trajectory');
    expect(toHttpError(duplicate, 1024).status).toBe(409);
    expect(toHttpError(new MemabraError('conflict', 'already active', 'already-active'), 1024).status).toBe(409);
    expect(toHttpError(new MemabraError('input', 'ambiguous', 'version-ambiguous'), 1024).status).toBe(400);
  });

  it('says what the framework refused in one line: a body over the limit names the limit', () => {
    expect(toHttpError(Object.assign(new Error('Request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' }), 2048)).toEqual({
      status: 413,
      message: "the body is larger than the server's limit of 2048 bytes; send fewer trajectories per request",
      bug: false,
    });
  });

  it('calls anything else a bug: 500, flagged for the log', () => {
    expect(toHttpError(new TypeError('x is undefined\n  at f'), 1024)).toEqual({
      status: 500,
      message: 'internal error (a bug, please report it): x is undefined',
      bug: true,
    });
  });
});
