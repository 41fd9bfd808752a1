import { z } from 'zod';
import {
  CandidateSchema,
  DecisionSchema,
  OutcomeReportSchema,
  OutcomeSchema,
  RouteRequestSchema,
  TaskSchema,
  TrajectoryInputSchema,
} from '../../events/model/vocabulary.js';
import { ClientCycleSchema } from '../app/cycleInputs.js';

/**
 * The bodies and answers of memabra's HTTP API, built from the zod schemas the CLI and MCP validate with.
 * The OpenAPI document is generated from these; the handlers check bodies with the same schemas (through
 * the same functions as the CLI), so a bad body gets the CLI's one-line message.
 */

/** `POST /v1/route` takes one request, or many under `requests`. */
const LogOption = z.boolean().optional().describe('false: decide without logging (previews, evaluation); the answers carry no decisionId');
export const RouteBatchSchema = z.strictObject({ requests: z.array(RouteRequestSchema).min(1), log: LogOption });
export const RouteBodySchema = z.union([RouteRequestSchema.extend({ log: LogOption }), RouteBatchSchema]);

/** The shape around a batch; each item is then checked as `route` checks it, with its messages. */
export const RouteEnvelope = z.strictObject({ requests: z.array(z.unknown()).min(1, 'give at least one request'), log: LogOption });
/** The `log` option beside one request's own fields. */
export const RouteLogOption = z.object({ log: LogOption });

export const RouteAnswerSchema = DecisionSchema.extend({
  caseMemory: CandidateSchema.optional().describe('the episodic memory of the same request before, when the case index knows it'),
}).describe('the decision: its decisionId (when logged), route, selected candidate ids, the router version and the propensity of the route');
export const RouteBatchAnswerSchema = z.strictObject({ decisions: z.array(RouteAnswerSchema) });

/** `POST /v1/record` takes one trajectory, or many under `trajectories`; all or nothing per call. */
const RecordItemSchema = z.union([OutcomeReportSchema, TrajectoryInputSchema]);
export const RecordBatchSchema = z.strictObject({ trajectories: z.array(RecordItemSchema).min(1) });
export const RecordBodySchema = z.union([RecordItemSchema, RecordBatchSchema]);
export const RecordEnvelope = z.strictObject({ trajectories: z.array(z.unknown()).min(1, 'give at least one trajectory') });

export const RecordAnswerSchema = z.strictObject({
  ids: z.array(z.string()).describe('the ids of the recorded trajectories, in order'),
  firstSeq: z.number().int(),
  lastSeq: z.number().int(),
});

/** `POST /v1/cycle`: the fields MCP's `cycle` tool takes too. */
export const CycleBodySchema = ClientCycleSchema;

export const RollbackBodySchema = z.strictObject({
  version: z.string().min(1).describe('version label (v2), id, or id prefix'),
  reason: z.string().optional().describe('why, for the audit trail'),
});
export const RollbackAnswerSchema = z.strictObject({ fromVersionId: z.string(), toVersionId: z.string(), seq: z.number().int() });

export const ReportParamsSchema = z.strictObject({ id: z.string().describe('cycle id or a prefix of it') });

export const HealthAnswerSchema = z.strictObject({
  ok: z.literal(true),
  version: z.string().describe("memabra's version"),
  lastSeq: z.number().int().describe('the seq of the last event in the log'),
});

export const ErrorAnswerSchema = z.strictObject({ error: z.string().describe('one line naming the problem') });

/**
 * Answers whose full shape is the library's (status, versions, reports): documented as JSON objects
 * rather than restated here, where a second copy would drift.
 */
export const JsonObjectSchema = z.looseObject({});

/**
 * The vocabulary's schemas as named components of the OpenAPI document (in a registry of its own, so the
 * shared schemas carry no HTTP metadata). Where a schema reads differently as input, its name gains "Input".
 */
export const OPENAPI_COMPONENTS = z.registry<{ id: string; type?: 'object'; description?: string }>();
// The shared schema carries its JSON Schema type in zod's global registry, which this one does not read.
OPENAPI_COMPONENTS.add(CandidateSchema.shape.metadata.unwrap(), { id: 'Metadata', type: 'object', description: 'free-form JSON, kept exactly as given' });
OPENAPI_COMPONENTS.add(CandidateSchema, { id: 'Candidate' });
OPENAPI_COMPONENTS.add(TaskSchema, { id: 'Task' });
OPENAPI_COMPONENTS.add(DecisionSchema, { id: 'Decision' });
OPENAPI_COMPONENTS.add(OutcomeSchema, { id: 'Outcome' });
OPENAPI_COMPONENTS.add(TrajectoryInputSchema, { id: 'Trajectory' });
OPENAPI_COMPONENTS.add(RouteRequestSchema, { id: 'RouteRequest' });
OPENAPI_COMPONENTS.add(RouteAnswerSchema, { id: 'RouteAnswer' });
OPENAPI_COMPONENTS.add(ErrorAnswerSchema, { id: 'Error' });
