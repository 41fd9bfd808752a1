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
  const problems = parsed.success ? [] : describeZodIssues(parsed.error);
  if (isJsonObject(value)) {
    const candidates = CandidatesSchema.safeParse(value.candidates);
    const decision = RouteAnswerSchema.safeParse(value.decision);
    if (candidates.success && decision.success) {
      const { caseMemory } = decision.data;
      const same = caseMemory && candidates.data.find((c) => c.id === caseMemory.id);
      if (caseMemory && same && !sameJson(same, caseMemory)) problems.push(`"decision.caseMemory" differs from the candidate "${caseMemory.id}"`);
      problems.push(...decisionProblems(offeredCandidates(candidates.data, caseMemory), decision.data));
    }
  }
  return problems.length || !parsed.success ? { ok: false, problems } : { ok: true, value: parsed.data };
};

/** A route request (its candidate ids distinct, so that a selection names one candidate). */
export const checkRouteRequest: ItemCheck<CheckedRouteRequest> = schemaCheck(RouteRequestSchema);
