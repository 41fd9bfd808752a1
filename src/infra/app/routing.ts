import type { BenchmarkRef, BenchmarkSuite } from '../../events/model/benchmarkSuite.js';
import { suiteRef } from '../../domain/benchmark/benchmarkSuite.js';
import { scoreSuite } from '../../domain/evaluation/scoreSuite.js';
import type { Metrics } from '../../events/model/metrics.js';
import { decideRoutes, type RouteAnswer } from '../../domain/routeRequests.js';
import { checkRouteRequest } from '../../domain/recordInput.js';
import { parseItems, validateItems } from '../../domain/trajectoryInput.js';
import { resolveVersion } from '../../domain/versionRef.js';
import type { CheckedRouteRequest } from '../../events/model/vocabulary.js';
import { loadBenchmark } from '../data/bundledData.js';
import { MemabraError } from '../errors.js';
import { handleCommand } from './commandHandler.js';
import { decideContext, type Session } from './session.js';
import { loadState } from './foldedState.js';
import { unwrap } from './refusalErrors.js';
import { loadRegisteredBenchmark } from './benchmarks.js';

export function parseRouteRequests(text: string): CheckedRouteRequest[] {
  return unwrap(parseItems(text, checkRouteRequest, 'request'));
}

export function validateRouteRequests(values: readonly unknown[]): CheckedRouteRequest[] {
  return unwrap(validateItems(values, checkRouteRequest, 'request'));
}

export type RouteOptions = {
  /** false: decide without logging (previews, evaluation); the answers carry no decisionId. Default true. */
  readonly log?: boolean;
};

/**
 * Routes requests with the active router, reading the log once for the whole batch. Logged (the default),
 * every decision is appended as a DecisionLogged, all of them in one append, and each answer carries its
 * `decisionId`; should another writer get in first, the batch is decided again on the newer log.
 */
export async function routeRequests(session: Session, requests: readonly CheckedRouteRequest[], options: RouteOptions = {}): Promise<RouteAnswer[]> {
  if (options.log === false || requests.length === 0) {
    const state = await loadState(session.store);
    return unwrap(decideRoutes(requests, state, session.env.uniform)).answers;
  }
  let answers: RouteAnswer[] = [];
  await handleCommand(session, (state) => {
    const routed = decideRoutes(requests, state, session.env.uniform, decideContext(session.env));
    if (!routed.ok) return routed;
    answers = routed.value.answers;
    return { ok: true, value: routed.value.events };
  });
  return answers;
}

export type Evaluation = { versionId: string; label: string; benchmark: BenchmarkRef; metrics: Metrics };

/**
 * Scores a version (default: the active one) on a benchmark suite: a file the operator named, a suite
 * already loaded (a remote client's, confined), else the one registered for the log, else the bundled one.
 */
export async function evaluateVersion(session: Session, options: { benchmark?: string | BenchmarkSuite; version?: string }): Promise<Evaluation> {
  const state = await loadState(session.store);
  const suite =
    typeof options.benchmark === 'object'
      ? options.benchmark
      : options.benchmark === undefined && state.benchmark
        ? await loadRegisteredBenchmark(session, state.benchmark)
        : loadBenchmark(options.benchmark);
  const ref = options.version ?? state.active?.versionId;
  if (!ref) throw new MemabraError('not-initialised', 'no router is registered yet: run `memabra init` first');
  const entry = unwrap(resolveVersion(state, ref));
  return { versionId: entry.version.id, label: entry.version.label, benchmark: suiteRef(suite), metrics: scoreSuite(entry.version, suite).metrics };
}
