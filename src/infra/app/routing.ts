import type { BenchmarkRef } from '../../events/catalogue.js';
import { suiteRef, type BenchmarkSuite } from '../../domain/benchmark/benchmarkSuite.js';
import { scoreSuite } from '../../domain/evaluation/scoreSuite.js';
import type { Metrics } from '../../domain/metrics.js';
import { decideRoutes, type RouteAnswer } from '../../domain/routeRequests.js';
import { parseItems, validateItems } from '../../domain/trajectoryInput.js';
import { resolveVersion } from '../../domain/versionRef.js';
import { RouteRequestSchema, type RouteRequest } from '../../domain/vocabulary.js';
import { loadBenchmark } from '../data/bundledData.js';
import { MemabraError } from '../errors.js';
import { loadState, unwrap, type Session } from './session.js';

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

/**
 * Scores a version (default: the active one) on a benchmark suite (default: the bundled one): a file the
 * operator named, or a suite already loaded (a remote client's, confined).
 */
export async function evaluateVersion(session: Session, options: { benchmark?: string | BenchmarkSuite; version?: string }): Promise<Evaluation> {
  const suite = typeof options.benchmark === 'object' ? options.benchmark : loadBenchmark(options.benchmark);
  const state = await loadState(session.store);
  const ref = options.version ?? state.active?.versionId;
  if (!ref) throw new MemabraError('not-initialised', 'no router is registered yet: run `memabra init` first');
  const entry = unwrap(resolveVersion(state, ref));
  return { versionId: entry.version.id, label: entry.version.label, benchmark: suiteRef(suite), metrics: scoreSuite(entry.version, suite).metrics };
}
