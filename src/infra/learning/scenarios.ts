import { createHash } from 'node:crypto';
import type { BenchmarkSuite } from '../../events/model/benchmarkSuite.js';
import { indexCatalogue, retrieveCandidates, type CatalogueEntry } from '../../domain/benchmark/catalogue.js';
import { expectedOutcome } from '../../domain/benchmark/rewardModel.js';
import { overlapDocuments, searchOverlap } from '../../domain/retrieval/tokenOverlap.js';
import { ROUTES, type Candidate, type Route } from '../../events/model/vocabulary.js';
import { ATTRIBUTION, loadBenchmark, loadCatalogue, loadTrainRequests } from '../data/bundledData.js';

/** A labelled request: its text and the route it needs. */
export type LabelledRequest = { readonly id: string; readonly text: string; readonly route: Route };

/**
 * A world to learn in: the requests an agent meets (train, minus a validation split carved from it), the
 * agent's retriever, a labelled validation suite (for tuning and as a gate) and the held-out test suite,
 * reported once.
 */
export type Scenario = {
  readonly name: string;
  readonly description: string;
  readonly retrieve: (input: string) => Candidate[];
  readonly train: readonly LabelledRequest[];
  readonly validation: BenchmarkSuite;
  readonly test: BenchmarkSuite;
};

/** One train request in six, chosen by a hash of its id: stable, and spread over every intent. */
const VALIDATION_SHARE = 6;

export function isValidationRequest(id: string): boolean {
  return createHash('sha256').update(id).digest().readUInt32BE(0) % VALIDATION_SHARE === 0;
}

export function suiteOf(name: string, description: string, requests: readonly LabelledRequest[], retrieve: (input: string) => Candidate[]): BenchmarkSuite {
  return {
    name,
    version: 1,
    description,
    attribution: ATTRIBUTION,
    tasks: requests.map((r) => ({
      id: r.id,
      input: r.text,
      category: r.route,
      candidates: retrieve(r.text),
      outcomes: Object.fromEntries(ROUTES.map((route) => [route, expectedOutcome(r.route, route)])) as BenchmarkSuite['tasks'][number]['outcomes'],
    })),
  };
}

function splits(): { train: LabelledRequest[]; validation: LabelledRequest[]; test: LabelledRequest[] } {
  const all = loadTrainRequests().map(({ id, text, route }) => ({ id, text, route }));
  const test = loadBenchmark().tasks.map((t) => ({ id: t.id, text: t.input, route: t.category }));
  return { train: all.filter((r) => !isValidationRequest(r.id)), validation: all.filter((r) => isValidationRequest(r.id)), test };
}

/** The bundled world: CLINC150 requests, candidates by the project's BM25 over the bundled catalogue. */
export function clincScenario(): Scenario {
  const index = indexCatalogue(loadCatalogue());
  const retrieve = (input: string) => retrieveCandidates(index, input);
  const { train, validation } = splits();
  return {
    name: 'clinc150',
    description: 'CLINC150 requests, candidates by BM25 over the bundled catalogue',
    retrieve,
    train,
    validation: suiteOf('clinc150-validation', 'one in six CLINC150 train requests, carved out for tuning and gating', validation, retrieve),
    test: loadBenchmark(),
  };
}

/** The words of an entry that a terse catalogue keeps: its name and its first three keywords. */
function terseEntry(entry: CatalogueEntry): { id: string; text: string } {
  const keywords = entry.description
    .split(':')
    .slice(1)
    .join(':')
    .split(',')
    .map((w) => w.trim())
    .slice(0, 3);
  return { id: entry.id, text: `${entry.name.replace(/_/g, ' ')} ${keywords.join(' ')}` };
}

/**
 * A user's own retriever: Jaccard word overlap over a terser catalogue (names and three keywords), so
 * scores sit mostly under the baseline rule's thresholds and the rule answers `direct` far too often.
 */
export function overlapScenario(): Scenario {
  const catalogue = loadCatalogue();
  const byId = new Map(catalogue.map((e) => [e.id, e]));
  const documents = overlapDocuments(catalogue.map(terseEntry));
  const retrieve = (input: string): Candidate[] =>
    searchOverlap(documents, input, 5).map(({ id, score }) => {
      const entry = byId.get(id)!;
      return { id: entry.id, kind: entry.kind, name: entry.name, score };
    });
  const { train, validation, test } = splits();
  return {
    name: 'overlap',
    description: 'CLINC150 requests, candidates by word overlap (Jaccard) over a terse catalogue',
    retrieve,
    train,
    validation: suiteOf(
      'overlap-validation',
      'one in six CLINC150 train requests, carved out for tuning and gating, candidates by word overlap',
      validation,
      retrieve,
    ),
    test: suiteOf('overlap-test', 'the CLINC150 test split, candidates by word overlap', test, retrieve),
  };
}

/** How many times each request of the repeating scenario is asked, and one in how many train requests it keeps. */
export const REPEATS = 4;

/**
 * An agent's own traffic often repeats itself: the bundled world, with one train request in four (by four
 * other bytes of the hash of its id that carves out validation) asked four times each, so the train stream keeps its
 * length and every request after its first arrival has a case in the case index. The validation and test
 * suites are clinc150's: requests the stream never asks.
 */
export function repeatingScenario(): Scenario {
  const base = clincScenario();
  const kept = base.train.filter((r) => createHash('sha256').update(r.id).digest().readUInt32BE(4) % REPEATS === 0);
  return {
    ...base,
    name: 'repeating',
    description: `CLINC150 requests asked ${REPEATS} times each (one train request in ${REPEATS}), candidates by BM25 over the bundled catalogue`,
    train: kept.flatMap((r) => Array.from({ length: REPEATS }, (_, copy) => ({ ...r, id: `${r.id}#${copy + 1}` }))),
  };
}
