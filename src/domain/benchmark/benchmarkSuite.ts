import { createHash } from 'node:crypto';
import { canonicalJson } from '../../events/canonicalJson.js';
import type { BenchmarkRef, BenchmarkSuite } from '../../events/model/benchmarkSuite.js';

/** sha256 of the suite's canonical JSON: the same suite always has the same hash, whatever its key order. */
export function suiteHash(suite: BenchmarkSuite): string {
  return createHash('sha256').update(canonicalJson(suite)).digest('hex');
}

export function suiteRef(suite: BenchmarkSuite): BenchmarkRef {
  return { name: suite.name, version: suite.version, hash: suiteHash(suite), taskCount: suite.tasks.length };
}
