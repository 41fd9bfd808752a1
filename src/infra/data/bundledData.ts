import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { BenchmarkSuiteSchema, type BenchmarkSuite } from '../../events/model/benchmarkSuite.js';
import { CatalogueSchema, type CatalogueEntry } from '../../domain/benchmark/catalogue.js';
import { describeZodIssues, joinProblems } from '../../domain/trajectoryInput.js';
import { RouteSchema } from '../../events/model/vocabulary.js';
import { MemabraError } from '../errors.js';
import { benchmarkRoots, confineBenchmarkPath, readBenchmarkBytes } from './benchmarkFile.js';

export const BENCHMARK_NAME = 'clinc150-routes';
export const ATTRIBUTION =
  'Derived from CLINC150: Larson et al., "An Evaluation Dataset for Intent Classification and Out-of-Scope Prediction", EMNLP 2019. Licensed under Creative Commons Attribution 3.0.';

const DATA_DIR = fileURLToPath(new URL('../../../data/clinc150/', import.meta.url));
export const BUNDLED_BENCHMARK_PATH = `${DATA_DIR}benchmark.json`;

export const TrainRequestSchema = z.strictObject({ id: z.string(), text: z.string(), intent: z.string(), route: RouteSchema });
export type TrainRequest = z.infer<typeof TrainRequestSchema>;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses and validates a suite's bytes. A file that is not JSON is refused without quoting it (a parser's
 * message quotes the text); `detail: false` also keeps the schema's message out (it can quote keys and
 * values), for callers that must learn nothing of a file that is not a suite.
 */
function parseSuite(bytes: Buffer, name: string, detail: boolean): BenchmarkSuite {
  let raw: unknown;
  try {
    raw = JSON.parse(strictUtf8.decode(bytes));
  } catch {
    throw new MemabraError('input', `benchmark ${name} is not a JSON benchmark suite`);
  }
  const parsed = BenchmarkSuiteSchema.safeParse(raw);
  if (!parsed.success)
    throw new MemabraError(
      'input',
      detail ? `benchmark ${name}: ${joinProblems(describeZodIssues(parsed.error))}` : `benchmark ${name} is not a valid benchmark suite`,
    );
  return parsed.data;
}

/** Loads and validates a benchmark suite file the operator named; a bad file is the user's input error, named. */
export function loadBenchmark(path: string = BUNDLED_BENCHMARK_PATH): BenchmarkSuite {
  return parseSuite(readBenchmarkBytes(path), path, true);
}

/**
 * Loads a suite that a remote client (MCP, HTTP) named, for the store at `storeLocation`: confined to the
 * data directory, the bundled suite and the operator's allow-list (see confineBenchmarkPath), capped in
 * size, and refused without echoing a byte of a file that is not a valid suite.
 */
export function loadClientBenchmark(requested: string, storeLocation: string): BenchmarkSuite {
  const path = confineBenchmarkPath(requested, benchmarkRoots(storeLocation, [BUNDLED_BENCHMARK_PATH]));
  return parseSuite(readBenchmarkBytes(path), `"${requested}"`, false);
}

export function loadCatalogue(): CatalogueEntry[] {
  return CatalogueSchema.parse(JSON.parse(readFileSync(`${DATA_DIR}catalogue.json`, 'utf8')));
}

/** The CLINC150 train split: the requests the demo and the learning test play through the agent loop. */
export function loadTrainRequests(): TrainRequest[] {
  return readFileSync(`${DATA_DIR}train.jsonl`, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => TrainRequestSchema.parse(JSON.parse(line)));
}
