import { describe, it } from 'vitest';
import { suiteRef } from '../../src/domain/benchmark/benchmarkSuite.js';
import { decideRegisterBenchmark } from '../../src/domain/registerBenchmark.js';
import { baselineRegistered, decider } from '../support/givenWhenThen.js';
import { smallSuite } from '../support/learningFixtures.js';

const registerBenchmark = decider(decideRegisterBenchmark);
const suite = smallSuite(20);
const other = smallSuite(30);

describe('decideRegisterBenchmark', () => {
  it('given a log, when a suite kept in a file is registered, then BenchmarkRegistered names it by content hash and where it is kept', () => {
    registerBenchmark
      .given(baselineRegistered())
      .when({ suite, storage: { type: 'file', path: 'benchmarks/mine.json' } })
      .then({ type: 'BenchmarkRegistered', data: { benchmark: suiteRef(suite), storage: { type: 'file', path: 'benchmarks/mine.json' } } });
  });

  it('when a suite is embedded, then the event carries the suite itself', () => {
    registerBenchmark
      .given(baselineRegistered())
      .when({ suite, storage: { type: 'embedded' } })
      .then({ type: 'BenchmarkRegistered', data: { benchmark: suiteRef(suite), storage: { type: 'embedded', suite } } });
  });

  it("given a registered suite, when another is registered, then it is the log's gate from then on", () => {
    const first = registerBenchmark
      .given(baselineRegistered())
      .when({ suite: other, storage: { type: 'bundled' } })
      .appended();
    registerBenchmark
      .given(first)
      .when({ suite, storage: { type: 'bundled' } })
      .thenStateMatches((s) => s.benchmark, { ref: suiteRef(suite), storage: { type: 'bundled' }, seq: 3 });
  });
});
