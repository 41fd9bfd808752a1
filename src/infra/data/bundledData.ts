import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { BenchmarkSuiteSchema, type BenchmarkSuite } from '../../domain/benchmark/benchmarkSuite.js';
import { CatalogueSchema, type CatalogueEntry } from '../../domain/benchmark/catalogue.js';
import { describeZodError } from '../../domain/trajectoryInput.js';
import { RouteSchema } from '../../domain/vocabulary.js';
import { MemabraError } from '../errors.js';

export const BENCHMARK_NAME = 'clinc150-routes';
export const ATTRIBUTION =
  'Derived from CLINC150: Larson et al., "An Evaluation Dataset for Intent Classification and Out-of-Scope Prediction", EMNLP 2019. Licensed under Creative Commons Attribution 3.0.';

const DATA_DIR = fileURLToPath(new URL('../../../data/clinc150/', import.meta.url));
export const BUNDLED_BENCHMARK_PATH = `${DATA_DIR}benchmark.json`;

export const TrainRequestSchema = z.strictObject({ id: z.string(), text: z.string(), intent: z.string(), route: RouteSchema });
export type TrainRequest = z.infer<typeof TrainRequestSchema>;

/** Loads and validates a benchmark suite file; a bad file is the user's input error, named. */
export function loadBenchmark(path: string = BUNDLED_BENCHMARK_PATH): BenchmarkSuite {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new MemabraError('input', `cannot read benchmark ${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  const parsed = BenchmarkSuiteSchema.safeParse(raw);
  if (!parsed.success) throw new MemabraError('input', `benchmark ${path}: ${describeZodError(parsed.error)}`);
  return parsed.data;
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
