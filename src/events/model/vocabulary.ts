import { z } from 'zod';
import { ROUTES } from './routes.js';

/** The five places context can come from (routes.ts). Order matters: it is the index of a route in model weights. */
export { ROUTES } from './routes.js';
export const RouteSchema = z.enum(ROUTES);
export type Route = z.infer<typeof RouteSchema>;

export const CANDIDATE_KINDS = ['memory', 'tool', 'skill'] as const;
export const CandidateKindSchema = z.enum(CANDIDATE_KINDS);
export type CandidateKind = z.infer<typeof CandidateKindSchema>;

const isJsonObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * How deep metadata may nest (objects and arrays). Deeper values would overflow the stack of every
 * recursive JSON walk after validation (the canonical encoder, JSON.stringify), so they are bad input.
 */
export const MAX_METADATA_DEPTH = 64;

/** Whether `value` nests at most `limit` objects or arrays deep; iterative, so any depth is safe to check. */
export function nestingWithin(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth > limit) return false;
    for (const child of Object.values(item)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return true;
}

/**
 * Free-form JSON the caller attaches, carried verbatim. Not z.record: it rebuilds the object and drops a
 * "__proto__" key, and an acknowledged trajectory must come back exactly as it was given. Not z.custom:
 * MCP hosts read the tools' input schemas as JSON Schema, which a custom type has none of.
 */
const MetadataSchema = z
  .unknown()
  .refine(isJsonObject, 'must be an object')
  .refine((value) => nestingWithin(value, MAX_METADATA_DEPTH), `must be nested at most ${MAX_METADATA_DEPTH} levels deep`)
  .meta({ type: 'object' });

const finite = () => z.number().refine(Number.isFinite, 'must be a finite number');
const unitInterval = () => finite().min(0, 'must be in [0, 1]').max(1, 'must be in [0, 1]');

export const CandidateSchema = z.strictObject({
  id: z.string().min(1),
  kind: CandidateKindSchema,
  name: z.string(),
  description: z.string().optional(),
  score: unitInterval().optional(),
  metadata: MetadataSchema.optional(),
});
export type Candidate = z.infer<typeof CandidateSchema>;

export const TaskSchema = z.strictObject({
  input: z.string(),
  category: RouteSchema.optional(),
  metadata: MetadataSchema.optional(),
});
export type Task = z.infer<typeof TaskSchema>;

/**
 * ULIDs are 26 Crockford base32 characters holding 128 bits, so the first is 0-7 (a larger one is not a
 * ULID); imported ids must look like ours so they sort by time.
 */
export const UlidSchema = z.string().regex(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/, 'must be a ULID (26 Crockford base32 characters, the first 0-7)');

export const RouteScoresSchema = z.strictObject({
  direct: finite(),
  memory: finite(),
  tool: finite(),
  skill: finite(),
  composite: finite(),
});
export type RouteScores = z.infer<typeof RouteScoresSchema>;

export const DecisionSchema = z.strictObject({
  /** The DecisionLogged event this decision completes; absent for decisions made outside memabra (imports). */
  decisionId: UlidSchema.optional(),
  route: RouteSchema,
  selected: z.array(z.string()),
  routerVersionId: z.string().optional(),
  propensity: finite().gt(0, 'must be in (0, 1]').max(1, 'must be in (0, 1]').optional(),
  scores: RouteScoresSchema.optional(),
});
export type Decision = z.infer<typeof DecisionSchema>;

/**
 * A decision as `route` answers it, and as `record` takes it back: the stored decision plus, on a case-index
 * hit, `caseMemory`, the episodic memory candidate `route` offered the router beside the caller's own.
 * It is one of the trajectory's candidates: `record` adds it to them (the stored trajectory holds it there,
 * and its decision does not repeat it), so the answer can be recorded exactly as it was returned.
 */
export const RouteAnswerSchema = DecisionSchema.extend({ caseMemory: CandidateSchema.optional() });
export type RouteAnswer = z.infer<typeof RouteAnswerSchema>;

export const OutcomeSchema = z.strictObject({
  reward: unitInterval(),
  error: z.string().nullable().optional(),
  latencyMs: finite().min(0, 'must be >= 0'),
});
export type Outcome = z.infer<typeof OutcomeSchema>;

export const IsoTimeSchema = z.iso.datetime({ offset: true });

/** The years a recorded time may fall in: year 0000 or 9999 is a placeholder or a typo, not a record. */
export const RECORDED_YEARS = { from: 1970, until: 2100 } as const;

const RecordedAtSchema = IsoTimeSchema.refine(
  (text) => {
    const year = new Date(text).getUTCFullYear();
    return year >= RECORDED_YEARS.from && year < RECORDED_YEARS.until;
  },
  `must be a time from ${RECORDED_YEARS.from} to ${RECORDED_YEARS.until - 1}`,
);

/** Candidates are named by id in a decision's `selected`: two with the same id make it ambiguous. */
const CandidatesSchema = z.array(CandidateSchema).superRefine((candidates, ctx) => {
  const seen = new Set<string>();
  candidates.forEach((candidate, index) => {
    if (seen.has(candidate.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicate candidate id "${candidate.id}"` });
    seen.add(candidate.id);
  });
});

export const TrajectorySourceSchema = z.enum(['live', 'import']);

export const TrajectorySchema = z.strictObject({
  id: UlidSchema,
  recordedAt: RecordedAtSchema,
  source: TrajectorySourceSchema,
  task: TaskSchema,
  candidates: CandidatesSchema,
  decision: DecisionSchema,
  outcome: OutcomeSchema,
});
export type Trajectory = z.infer<typeof TrajectorySchema>;

/** What `record` accepts: a trajectory whose id, time and source may be left for memabra to assign. */
export const TrajectoryInputSchema = TrajectorySchema.extend({
  id: UlidSchema.optional(),
  recordedAt: RecordedAtSchema.optional(),
  source: TrajectorySourceSchema.optional(),
  decision: RouteAnswerSchema,
});
export type TrajectoryInput = z.infer<typeof TrajectoryInputSchema>;

/** The outcome of a decision `route` logged, reported later by its id: the short form of `record`. */
export const OutcomeReportSchema = z.strictObject({
  decisionId: UlidSchema,
  outcome: OutcomeSchema,
});
export type OutcomeReport = z.infer<typeof OutcomeReportSchema>;

/** One item of `record`: a whole trajectory, or the outcome of a logged decision. */
export type RecordInput = TrajectoryInput | OutcomeReport;

export function isOutcomeReport(item: RecordInput): item is OutcomeReport {
  return !('task' in item);
}

export const RouteRequestSchema = z.strictObject({
  input: z.string(),
  candidates: CandidatesSchema.default([]),
  category: RouteSchema.optional(),
  metadata: MetadataSchema.optional(),
});
/** A route request once validated: candidates always present. */
export type CheckedRouteRequest = z.output<typeof RouteRequestSchema>;
/** A route request as the caller writes it: candidates may be left out. */
export type RouteRequest = Omit<CheckedRouteRequest, 'candidates'> & { readonly candidates?: readonly Candidate[] };
