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

/**
 * TrajectoryRecorded v2 lets `decision` carry `decisionId` (the logged decision it completes). A v1 line is
 * a v2 line without one; the version is bumped so that an older memabra refuses a newer log by name
 * instead of reading the field as an unknown one.
 */
const sameData: Upcaster = (data) => data;

export const schemaHistory: Readonly<Record<EventType, SchemaHistory>> = {
  RouterRegistered: firstVersion,
  DecisionLogged: firstVersion,
  TrajectoryRecorded: { current: 2, steps: { 1: sameData } },
  CycleStarted: firstVersion,
  CycleSkipped: firstVersion,
  ChallengerTrained: firstVersion,
  ChallengerEvaluated: firstVersion,
  ChallengerPromoted: firstVersion,
  ChallengerRejected: firstVersion,
  CycleFailed: firstVersion,
  RouterRolledBack: { current: 2, steps: { 1: rolledBackV1toV2 } },
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
