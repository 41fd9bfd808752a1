import { z } from 'zod';
import { canonicalJson } from '../events/canonicalJson.js';
import { decisionProblems } from './decisionRules.js';
import { describeZodIssues, schemaCheck, type ItemCheck } from './trajectoryInput.js';
import {
  CandidateSchema,
  OutcomeReportSchema,
  RouteAnswerSchema,
  RouteRequestSchema,
  TrajectoryInputSchema,
  type Candidate,
  type CheckedRouteRequest,
  type RecordInput,
  type RouteAnswer,
} from '../events/model/vocabulary.js';

const isJsonObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The candidates a trajectory was decided from: its own, and the case memory `route` offered, once. */
export function offeredCandidates(candidates: readonly Candidate[], caseMemory: Candidate | undefined): Candidate[] {
  if (!caseMemory || candidates.some((c) => c.id === caseMemory.id)) return [...candidates];
  return [...candidates, caseMemory];
}

export const sameJson = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);

const checkOutcomeReport = schemaCheck(OutcomeReportSchema);
const CandidatesSchema = z.array(CandidateSchema);

/**
 * One item of `record`: an outcome by decision id (an object with `decisionId` and no `task`), or a whole
 * trajectory. A trajectory's decision is also checked against its candidates (decisionRules.ts) whenever
 * both parse, so a line with a schema problem and a rule problem names both.
 */
export const checkRecordItem: ItemCheck<RecordInput> = (value) => {
  if (isJsonObject(value) && 'decisionId' in value && !('task' in value)) return checkOutcomeReport(value);
  const parsed = TrajectoryInputSchema.safeParse(value);
  if (parsed.success) {
    // The candidates and decision the schema just parsed: parsing them apart again, as below, gives the same.
    const problems = ruleProblems(parsed.data.candidates, parsed.data.decision);
    return problems.length ? { ok: false, problems } : { ok: true, value: parsed.data };
  }
  const problems = describeZodIssues(parsed.error);
  if (isJsonObject(value)) {
    const candidates = CandidatesSchema.safeParse(value.candidates);
    const decision = RouteAnswerSchema.safeParse(value.decision);
    if (candidates.success && decision.success) problems.push(...ruleProblems(candidates.data, decision.data));
  }
  return { ok: false, problems };
};

/** The decision against its candidates (decisionRules.ts), and the case memory against a candidate of its id. */
function ruleProblems(candidates: readonly Candidate[], decision: RouteAnswer): string[] {
  const { caseMemory } = decision;
  const same = caseMemory && candidates.find((c) => c.id === caseMemory.id);
  const problems = caseMemory && same && !sameJson(same, caseMemory) ? [`"decision.caseMemory" differs from the candidate "${caseMemory.id}"`] : [];
  return [...problems, ...decisionProblems(offeredCandidates(candidates, caseMemory), decision)];
}

/** A route request (its candidate ids distinct, so that a selection names one candidate). */
export const checkRouteRequest: ItemCheck<CheckedRouteRequest> = schemaCheck(RouteRequestSchema);
