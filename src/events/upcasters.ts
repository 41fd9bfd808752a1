import type { EventType } from './catalogue.js';

type Upcaster = (data: unknown) => unknown;

/**
 * Schema history. `current` is the version written today; `steps[n]` turns version n into n + 1.
 * Events are upcast on read, never rewritten: the log stays byte-for-byte what was acknowledged.
 */
type SchemaHistory = { readonly current: number; readonly steps: Readonly<Record<number, Upcaster>> };

const firstVersion: SchemaHistory = { current: 1, steps: {} };

/**
 * RouterRolledBack v1 named its fields `from` and `to` and left `reason` out when none was given; v2 names
 * the versions explicitly and always carries `reason` (null when none was given), so readers never
 * need to guess between "absent" and "empty".
 */
function rolledBackV1toV2(data: unknown): unknown {
  if (typeof data !== 'object' || data === null) return data;
  const { from, to, reason, ...rest } = data as Record<string, unknown>;
  return { ...rest, fromVersionId: from, toVersionId: to, reason: reason ?? null };
}

const asRecord = (data: unknown): Record<string, unknown> | null => (typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : null);

/**
 * v1 of CycleStarted and ChallengerEvaluated named only the suite a cycle was judged on (`benchmark`); v2
 * says what evidence judged it (`evidence`: a suite and where it came from, or the log's held-out
 * traffic). A v1 cycle was always judged on a suite, whose source it did not record.
 */
function benchmarkToEvidence(data: unknown): unknown {
  const record = asRecord(data);
  if (!record) return data;
  const { benchmark, ...rest } = record;
  return { ...rest, evidence: { type: 'suite', source: 'unrecorded', benchmark } };
}

/** ChallengerEvaluated v2 also carries the paired comparison every gate reads, which v1 did not compute. */
function evaluatedV1toV2(data: unknown): unknown {
  const record = asRecord(benchmarkToEvidence(data));
  return record ? { ...record, judged: null, comparison: null } : data;
}

/** ChallengerTrained v2 names the held-out share kept out of training; v1 kept none out. */
function trainedV1toV2(data: unknown): unknown {
  const record = asRecord(data);
  return record ? { ...record, heldOut: null } : data;
}

/**
 * Versions whose data only gained optional fields: a v1 line is a v2 line as it stands. The version is bumped
 * so that an older memabra refuses a newer log by name instead of reading a field as an unknown one.
 * TrajectoryRecorded v2 lets `decision` carry `decisionId` (the logged decision it completes); CycleSkipped
 * v2 may say the held-out evidence was too thin (a v1 skip was always for too few new trajectories).
 */
const sameData: Upcaster = (data) => data;

export const schemaHistory: Readonly<Record<EventType, SchemaHistory>> = {
  RouterRegistered: firstVersion,
  DecisionLogged: firstVersion,
  TrajectoryRecorded: { current: 2, steps: { 1: sameData } },
  CycleStarted: { current: 2, steps: { 1: benchmarkToEvidence } },
  CycleSkipped: { current: 2, steps: { 1: sameData } },
  ChallengerTrained: { current: 2, steps: { 1: trainedV1toV2 } },
  ChallengerEvaluated: { current: 2, steps: { 1: evaluatedV1toV2 } },
  ChallengerPromoted: firstVersion,
  ChallengerRejected: firstVersion,
  CycleFailed: firstVersion,
  RouterRolledBack: { current: 2, steps: { 1: rolledBackV1toV2 } },
  BenchmarkRegistered: firstVersion,
};

export function currentVersion(type: EventType): number {
  return schemaHistory[type].current;
}

export type UpcastResult = { ok: true; data: unknown } | { ok: false; reason: 'future' | 'unknown-version' };

export function upcast(type: EventType, version: number, data: unknown): UpcastResult {
  const history = schemaHistory[type];
  if (version > history.current) return { ok: false, reason: 'future' };
  let value = data;
  for (let v = version; v < history.current; v++) {
    const step = history.steps[v];
    if (!step) return { ok: false, reason: 'unknown-version' };
    value = step(value);
  }
  return { ok: true, data: value };
}
