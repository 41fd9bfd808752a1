import type { z } from 'zod';
import { summariseReports, summariseStatus, summariseVersions } from '../../domain/summaries.js';
import { describeZodError } from '../../domain/trajectoryInput.js';
import { handleCommand } from '../app/commandHandler.js';
import { commands } from '../app/commands.js';
import type { CycleRequest } from '../app/cycleInputs.js';
import { findReport } from '../app/reports.js';
import { validateRouteRequests, validateTrajectories } from '../app/parsedInput.js';
import { loadState } from '../app/foldedState.js';
import type { Session } from '../app/session.js';
import { loadClientBenchmark } from '../data/bundledData.js';
import { MemabraError } from '../errors.js';
import { packageVersion } from '../packageInfo.js';
import {
  CycleBodySchema,
  HealthAnswerSchema,
  JsonObjectSchema,
  RecordAnswerSchema,
  RecordBodySchema,
  RecordEnvelope,
  ReportParamsSchema,
  RollbackAnswerSchema,
  RollbackBodySchema,
  RouteAnswerSchema,
  RouteBatchAnswerSchema,
  RouteBodySchema,
  RouteEnvelope,
  RouteLogOption,
} from './httpSchemas.js';
import type { WriteQueue } from './writeQueue.js';

/** What a handler gets: the open log, the queues its writes go through, and the request's parts. */
export type EndpointContext = {
  readonly session: Session;
  /** Records, routes and rollbacks, one at a time. */
  readonly writes: WriteQueue;
  /** Cycles, one at a time; a cycle rebases over records appended while it decides, so it need not block them. */
  readonly cycles: WriteQueue;
  readonly body: unknown;
  readonly params: Readonly<Record<string, string>>;
};

export type Endpoint = {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly summary: string;
  readonly description: string;
  readonly body?: z.ZodType;
  readonly params?: z.ZodType;
  readonly answer: z.ZodType;
  /** The error statuses this endpoint can answer with besides 401 and 413, for the OpenAPI document. */
  readonly errors: readonly number[];
  readonly run: (context: EndpointContext) => Promise<unknown>;
};

/** Checks a body's outer shape; the items inside are checked by the same functions as the CLI's. */
function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new MemabraError('input', describeZodError(parsed.error));
  return parsed.data;
}

const isBatch = (body: unknown, key: string): boolean => typeof body === 'object' && body !== null && !Array.isArray(body) && key in body;

function requireBody(body: unknown, what: string): unknown {
  if (body === undefined) throw new MemabraError('input', `no ${what} given: the body is empty`);
  return body;
}

export const ENDPOINTS: readonly Endpoint[] = [
  {
    method: 'GET',
    url: '/v1/health',
    summary: 'Whether the server is up, its version, and the last seq of the log',
    description: 'Reads only the head of the log, never folds it.',
    answer: HealthAnswerSchema,
    errors: [503],
    run: async ({ session }) => ({ ok: true, version: packageVersion(), lastSeq: (await session.store.head()).lastSeq }),
  },
  {
    method: 'POST',
    url: '/v1/route',
    summary: 'Decide where the context for a request should come from',
    description:
      'One request `{input, candidates}` answers one decision; `{"requests": [...]}` answers `{"decisions": [...]}` in order. Decides with the active router, exploration included. Each logged decision carries its `decisionId`; `"log": false` decides without logging. After the turn, record `{decisionId, outcome}`, or the trajectory with the decision exactly as returned.',
    body: RouteBodySchema,
    answer: RouteAnswerSchema.or(RouteBatchAnswerSchema),
    errors: [400, 409],
    run: async ({ session, writes, body }) => {
      const given = requireBody(body, 'request');
      if (isBatch(given, 'requests')) {
        const { requests, log } = parseBody(RouteEnvelope, given);
        const checked = validateRouteRequests(requests);
        return { decisions: await writes(() => handleCommand(session, commands.route, { requests: checked, log: log !== false })) };
      }
      const isObject = typeof given === 'object' && given !== null && !Array.isArray(given);
      const { log, ...request } = isObject ? (given as Record<string, unknown>) : { log: undefined };
      const { log: option } = parseBody(RouteLogOption, { log });
      const checked = validateRouteRequests([isObject ? request : given]);
      return (await writes(() => handleCommand(session, commands.route, { requests: checked, log: option !== false })))[0];
    },
  },
  {
    method: 'POST',
    url: '/v1/record',
    summary: 'Record outcomes of logged decisions, or trajectories, all or nothing',
    description:
      'An outcome `{decisionId, outcome}` of a decision `/v1/route` logged, one trajectory, or `{"trajectories": [...]}` of either. Every trajectory is checked before anything is written: one bad one appends nothing (400). A trajectory id already recorded is a conflict (409), so a retried request can never record twice.',
    body: RecordBodySchema,
    answer: RecordAnswerSchema,
    errors: [400, 409],
    run: async ({ session, writes, body }) => {
      const given = requireBody(body, 'trajectories');
      const trajectories = validateTrajectories(isBatch(given, 'trajectories') ? parseBody(RecordEnvelope, given).trajectories : [given]);
      return writes(() => handleCommand(session, commands.record, trajectories));
    },
  },
  {
    method: 'POST',
    url: '/v1/cycle',
    summary: 'Run one online-learning cycle and answer its report',
    description:
      'Trains a challenger on the logged trajectories, evaluates it against the active router on the benchmark (the bundled one unless `benchmark` names a suite where the operator allows), and promotes it only if every gate of the promotion policy passes. A rejected challenger is a decision, not an error. Cycles run one at a time.',
    body: CycleBodySchema,
    answer: JsonObjectSchema.describe('the training report: decision, reasons (every gate with its numbers), metrics'),
    errors: [400, 404, 409],
    run: async ({ session, cycles, body }) => {
      const { policy, benchmark, ...options } = parseBody(CycleBodySchema, body ?? {});
      // The same confinement as MCP's: a client names suites only where the operator put them.
      const suite = benchmark === undefined ? {} : { benchmark: loadClientBenchmark(benchmark, session.store.location) };
      const request: CycleRequest = { ...options, ...suite, ...(policy ? { policy } : {}) };
      return (await cycles(() => handleCommand(session, commands.cycle, request))).report;
    },
  },
  {
    method: 'GET',
    url: '/v1/status',
    summary: 'The active router and how it got there, counts, and the latest cycle',
    description: 'The same summary as `memabra status --json`.',
    answer: JsonObjectSchema.describe('status summary'),
    errors: [503],
    run: async ({ session }) => summariseStatus(await loadState(session.store)),
  },
  {
    method: 'GET',
    url: '/v1/versions',
    summary: 'Every router version with its lineage, benchmark metrics and live reward',
    description: 'The same list as `memabra versions --json`.',
    answer: JsonObjectSchema.array(),
    errors: [503],
    run: async ({ session }) => summariseVersions(await loadState(session.store)),
  },
  {
    method: 'GET',
    url: '/v1/reports',
    summary: 'The training reports of every cycle, summarised',
    description: 'The same list as `memabra reports --json`.',
    answer: JsonObjectSchema.array(),
    errors: [503],
    run: async ({ session }) => summariseReports(await loadState(session.store)),
  },
  {
    method: 'GET',
    url: '/v1/reports/:id',
    summary: 'One training report in full',
    description: 'By cycle id or a unique prefix of it; 404 when there is none.',
    params: ReportParamsSchema,
    answer: JsonObjectSchema.describe('the training report'),
    errors: [400, 404],
    run: async ({ session, params }) => findReport((await loadState(session.store)).reports, params.id ?? '', 'GET /v1/reports'),
  },
  {
    method: 'POST',
    url: '/v1/rollback',
    summary: 'Make an earlier router version active again',
    description: 'History is kept: the rollback is one more event. 404 when the version does not exist, 409 when it is already active.',
    body: RollbackBodySchema,
    answer: RollbackAnswerSchema,
    errors: [400, 404, 409],
    run: async ({ session, writes, body }) => {
      const { version, reason } = parseBody(RollbackBodySchema, requireBody(body, 'version'));
      return writes(() => handleCommand(session, commands.rollback, { version, reason }));
    },
  },
];
