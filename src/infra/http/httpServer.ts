import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Session } from '../app/session.js';
import { MemabraError } from '../errors.js';
import { packageVersion } from '../packageInfo.js';
import { ENDPOINTS, type Endpoint } from './endpoints.js';
import { toHttpError } from './httpErrors.js';
import { ErrorAnswerSchema, OPENAPI_COMPONENTS } from './httpSchemas.js';
import { hostOfHeader, isLoopbackHost } from './loopback.js';
import { createWriteQueue } from './writeQueue.js';

/** 8 MiB: a few thousand trajectories per request; an event is at most 1 MiB, so any one fits. */
export const DEFAULT_BODY_LIMIT = 8 * 1024 * 1024;

export type HttpServerOptions = {
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  readonly token: string | null;
  readonly bodyLimit?: number;
};

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * JSON.parse rather than Fastify's parser: that one refuses (or strips) a "__proto__" key, and the CLI
 * takes trajectory metadata exactly as given. Bytes that are not UTF-8 are refused, never replaced.
 */
function parseJsonBody(_request: FastifyRequest, body: Buffer): unknown {
  if (body.length === 0) return undefined;
  let text: string;
  try {
    text = strictUtf8.decode(body);
  } catch {
    throw new MemabraError('input', 'the body is not valid UTF-8 text');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new MemabraError('input', `the body is not valid JSON (${(error as Error).message})`);
  }
}

/** The parsed body; undefined when the request had none (Fastify gives null then, as for a JSON null). */
function bodyOf(request: FastifyRequest): unknown {
  if (request.body !== null && request.body !== undefined) return request.body;
  const length = request.headers['content-length'];
  const sent = request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  return sent ? request.body : undefined;
}

/**
 * A body refused unread (for its size or its type) is still on its way: closing the connection now (Fastify's default) makes
 * the kernel reset it under a client that is still sending, and the client never reads the 413, only a
 * broken pipe. So the rest is read and dropped, and the connection kept, up to a few times the limit;
 * past that the connection is closed after all.
 */
function drainRefusedBody(request: FastifyRequest, reply: FastifyReply, bodyLimit: number): void {
  reply.removeHeader('connection');
  const raw = request.raw;
  let drained = 0;
  raw.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > 4 * bodyLimit) raw.socket.destroy();
  });
  raw.resume();
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Compares in constant time, so the answer's timing says nothing about how much of a guess was right. */
function bearerMatches(header: string | undefined, token: string): boolean {
  return header !== undefined && timingSafeEqual(digest(header), digest(`Bearer ${token}`));
}

function sendError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send({ error: message });
}

function documentedResponses(endpoint: Endpoint, withToken: boolean): Record<number, unknown> {
  const statuses = [...endpoint.errors, ...(endpoint.body ? [413] : []), ...(withToken ? [401] : [])];
  return Object.fromEntries([[200, endpoint.answer], ...statuses.sort().map((status) => [status, ErrorAnswerSchema])]);
}

/**
 * memabra's HTTP API over one open log. Writes go through one queue, so concurrent clients wait their
 * turn rather than race for the log. Closing it (`app.close()`) stops taking requests and finishes the
 * ones in progress; whatever was acknowledged was already durable when its answer was sent.
 */
export async function buildHttpServer(session: Session, options: HttpServerOptions): Promise<FastifyInstance> {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const { token } = options;
  const app = Fastify({ logger: false, bodyLimit, return503OnClosing: true, forceCloseConnections: 'idle' });
  acceptJsonBodies(app);
  admitRequests(app, token);
  answerErrors(app, bodyLimit);
  await describeApi(app, token);
  routeEndpoints(app, session, token);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.ready();
  return app;
}

function acceptJsonBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    try {
      done(null, parseJsonBody(request, body as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  // Bodies are checked in the handlers, by the functions the CLI checks its input with (same messages);
  // the zod schemas on the routes generate the OpenAPI document. Answers are plain JSON.
  app.setValidatorCompiler(() => (data) => ({ value: data }));
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
}

/** With a token, only requests that carry it; without one, only requests to a loopback name. */
function admitRequests(app: FastifyInstance, token: string | null): void {
  app.addHook('onRequest', async (request, reply) => {
    if (token === null) {
      // Without a token the server is on loopback; a page in a browser that rebinds its own domain to
      // 127.0.0.1 would still send its own name as Host, and is turned away here.
      const host = hostOfHeader(request.headers.host ?? '');
      if (!isLoopbackHost(host))
        return sendError(reply, 403, `Host "${host}" is not a loopback name; without a token this server answers only to localhost, 127.0.0.1 or [::1]`);
      return;
    }
    if (!bearerMatches(request.headers.authorization, token)) {
      reply.header('www-authenticate', 'Bearer realm="memabra"');
      return sendError(reply, 401, 'missing or wrong bearer token: send "Authorization: Bearer <token>"');
    }
  });
}

function answerErrors(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((error, request, reply) => {
    const answer = toHttpError(error, bodyLimit);
    // Refused before the body was read (too large, not JSON): the client may still be sending it.
    if (answer.status === 413 || answer.status === 415) drainRefusedBody(request, reply, bodyLimit);
    if (answer.bug) process.stderr.write(`memabra: internal error (a bug, please report it): ${(error as Error)?.stack ?? String(error)}\n`);
    return sendError(reply, answer.status, answer.message);
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, `no endpoint ${request.method} ${request.url.split('?')[0]} (see GET /openapi.json)`));
}

/** The OpenAPI document, generated from the routes' zod schemas. */
async function describeApi(app: FastifyInstance, token: string | null): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'memabra',
        version: packageVersion(),
        description:
          'A self-improving context router for AI agents: route before the turn, record after it. Errors are `{"error": "one line"}`: 400 bad input (nothing appended), 401 missing or wrong token, 404 no such version or report, 409 a conflicting write, 413 body too large.',
      },
      ...(token === null ? {} : { components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } }, security: [{ bearer: [] }] }),
    },
    transform: createJsonSchemaTransform({ schemaRegistry: OPENAPI_COMPONENTS }),
    transformObject: createJsonSchemaTransformObject({ schemaRegistry: OPENAPI_COMPONENTS }),
  });
}

function routeEndpoints(app: FastifyInstance, session: Session, token: string | null): void {
  const writes = createWriteQueue();
  const cycles = createWriteQueue();
  for (const endpoint of ENDPOINTS) {
    app.route({
      method: endpoint.method,
      url: endpoint.url,
      schema: {
        summary: endpoint.summary,
        description: endpoint.description,
        ...(endpoint.body ? { body: endpoint.body } : {}),
        ...(endpoint.params ? { params: endpoint.params } : {}),
        response: documentedResponses(endpoint, token !== null),
      },
      handler: async (request) => endpoint.run({ session, writes, cycles, body: bodyOf(request), params: (request.params ?? {}) as Record<string, string> }),
    });
  }
}
