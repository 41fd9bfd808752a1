import type { BenchmarkStorage, EventOf } from '../events/catalogue.js';
import { suiteRef } from './benchmark/benchmarkSuite.js';
import type { BenchmarkRef, BenchmarkSuite } from '../events/model/benchmarkSuite.js';
import { decided, type Decided } from './domainError.js';

export type RegisterBenchmarkCommand = {
  readonly suite: BenchmarkSuite;
  /** Where the shell keeps it; an embedded suite is the suite itself. */
  readonly storage: { readonly type: 'bundled' } | { readonly type: 'file'; readonly path: string } | { readonly type: 'embedded' };
};

/**
 * Registers a labelled suite as the log's gate: from the next cycle on, challengers are judged on it
 * instead of the log's held-out traffic (unless a cycle is given a suite of its own). A later
 * registration replaces it; registering the same suite again is harmless and recorded.
 */
export function decideRegisterBenchmark(command: RegisterBenchmarkCommand): Decided<EventOf<'BenchmarkRegistered'>[]> {
  const storage: BenchmarkStorage = command.storage.type === 'embedded' ? { type: 'embedded', suite: command.suite } : command.storage;
  return decided([{ type: 'BenchmarkRegistered', data: { benchmark: suiteRef(command.suite), storage } }]);
}

/** What `benchmark use` answers: the suite registered, and how the log keeps it. */
export function registeredBenchmark(events: readonly EventOf<'BenchmarkRegistered'>[]): { benchmark: BenchmarkRef; storage: BenchmarkStorage['type'] } {
  const { benchmark, storage } = events[0]!.data;
  return { benchmark, storage: storage.type };
}
