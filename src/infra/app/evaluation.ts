import type { BenchmarkRef, BenchmarkSuite } from '../../events/model/benchmarkSuite.js';
import { suiteRef } from '../../domain/benchmark/benchmarkSuite.js';
import { scoreSuite } from '../../domain/evaluation/scoreSuite.js';
import type { Metrics } from '../../events/model/metrics.js';
import { resolveVersion } from '../../domain/versionRef.js';
import { loadBenchmark } from '../data/bundledData.js';
import { MemabraError } from '../errors.js';
import type { Session } from './session.js';
import { loadState } from './foldedState.js';
import { unwrap } from './refusalErrors.js';
import { loadRegisteredBenchmark } from './benchmarks.js';

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
