import type { BenchmarkRef } from '../../events/catalogue.js';
import { suiteRef } from '../../domain/benchmark/benchmarkSuite.js';
import { scoreSuite } from '../../domain/evaluation/scoreSuite.js';
import type { Metrics } from '../../domain/metrics.js';
import { decideRoutes, type RouteAnswer } from '../../domain/routeRequests.js';
import { parseItems, validateItems } from '../../domain/trajectoryInput.js';
import { resolveVersion } from '../../domain/versionRef.js';
import { RouteRequestSchema, type RouteRequest } from '../../domain/vocabulary.js';
import { loadBenchmark } from '../data/bundledData.js';
import { MemabraError } from '../errors.js';
import { loadState, unwrap, type Session } from './session.js';
import { loadRegisteredBenchmark } from './benchmarks.js';

export function parseRouteRequests(text: string): RouteRequest[] {
  return unwrap(parseItems(text, RouteRequestSchema, 'request'));
}

export function validateRouteRequests(values: readonly unknown[]): RouteRequest[] {
  return unwrap(validateItems(values, RouteRequestSchema, 'request'));
}

/** Routes requests with the active router; reads the log once for the whole batch. */
export async function routeRequests(session: Session, requests: readonly RouteRequest[]): Promise<RouteAnswer[]> {
  const state = await loadState(session.store);
  return unwrap(decideRoutes(requests, state, session.env.uniform)).answers;
}

export type Evaluation = { versionId: string; label: string; benchmark: BenchmarkRef; metrics: Metrics };

/** Scores a version (default: the active one) on a suite (default: the one registered for the log, else the bundled one). */
export async function evaluateVersion(session: Session, options: { benchmark?: string; version?: string }): Promise<Evaluation> {
  const state = await loadState(session.store);
  const suite = options.benchmark === undefined && state.benchmark ? await loadRegisteredBenchmark(session, state.benchmark) : loadBenchmark(options.benchmark);
  const ref = options.version ?? state.active?.versionId;
  if (!ref) throw new MemabraError('not-initialised', 'no router is registered yet: run `memabra init` first');
  const entry = unwrap(resolveVersion(state, ref));
  return { versionId: entry.version.id, label: entry.version.label, benchmark: suiteRef(suite), metrics: scoreSuite(entry.version, suite).metrics };
}
