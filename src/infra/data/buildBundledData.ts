/**
 * Rebuilds the data shipped in data/clinc150 from the CLINC150 route labels:
 *   npm run build-data -- SOURCE_DIR [TARGET_DIR]
 * The candidate catalogue is derived from the train split only, so nothing of the test split (the
 * benchmark) shapes the candidates that are scored on it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { BenchmarkSuite } from '../../events/model/benchmarkSuite.js';
import { indexCatalogue, retrieveCandidates, type CatalogueEntry } from '../../domain/benchmark/catalogue.js';
import { expectedOutcome } from '../../domain/benchmark/rewardModel.js';
import { terms } from '../../domain/retrieval/bm25.js';
import { ROUTES, RouteSchema, type Route } from '../../events/model/vocabulary.js';
import { ATTRIBUTION, BENCHMARK_NAME } from './bundledData.js';

const RowSchema = z.object({
  id: z.string(),
  text: z.string(),
  intent: z.string(),
  domain: z.string(),
  split: z.enum(['train', 'val', 'test']),
  route: RouteSchema,
});
type Row = z.infer<typeof RowSchema>;

const DESCRIPTION_TERMS = 6;
export const CANDIDATES_PER_TASK = 5;

/** The words that most set an intent's train requests apart from the other intents' (document-frequency TF-IDF). */
function distinctiveTerms(rows: readonly Row[]): Map<string, string[]> {
  const byIntent = new Map<string, Map<string, number>>();
  const sizes = new Map<string, number>();
  for (const row of rows) {
    const counts = byIntent.get(row.intent) ?? new Map<string, number>();
    for (const term of new Set(terms(row.text))) counts.set(term, (counts.get(term) ?? 0) + 1);
    byIntent.set(row.intent, counts);
    sizes.set(row.intent, (sizes.get(row.intent) ?? 0) + 1);
  }
  const intentFrequency = new Map<string, number>();
  for (const counts of byIntent.values()) for (const term of counts.keys()) intentFrequency.set(term, (intentFrequency.get(term) ?? 0) + 1);
  const result = new Map<string, string[]>();
  for (const [intent, counts] of byIntent) {
    const scored = [...counts].map(([term, df]) => [term, (df / sizes.get(intent)!) * Math.log(byIntent.size / intentFrequency.get(term)!)] as const);
    scored.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    result.set(
      intent,
      scored.slice(0, DESCRIPTION_TERMS).map(([term]) => term),
    );
  }
  return result;
}

const humanise = (intent: string) => intent.replace(/_/g, ' ');

export function buildCatalogue(train: readonly Row[], routes: ReadonlyMap<string, Route>): CatalogueEntry[] {
  const keywords = distinctiveTerms(train);
  const entries: CatalogueEntry[] = [];
  for (const [intent, route] of [...routes].sort(([a], [b]) => a.localeCompare(b))) {
    const words = (keywords.get(intent) ?? []).join(', ');
    const tool = { id: `tool.${intent}`, kind: 'tool' as const, name: intent, description: `Live ${humanise(intent)} service: ${words}` };
    const skill = {
      id: `skill.${intent}`,
      kind: 'skill' as const,
      name: `how-to: ${humanise(intent)}`,
      description: `Procedure for ${humanise(intent)}: ${words}`,
    };
    const memory = {
      id: `memory.${intent}`,
      kind: 'memory' as const,
      name: `profile: ${humanise(intent)}`,
      description: `What the user told us about ${humanise(intent)}: ${words}`,
    };
    if (route === 'tool') entries.push(tool);
    if (route === 'skill') entries.push(skill);
    if (route === 'memory') entries.push(memory);
    if (route === 'composite') entries.push(memory, tool);
  }
  return entries;
}

export function buildBenchmark(test: readonly Row[], catalogue: readonly CatalogueEntry[]): BenchmarkSuite {
  const index = indexCatalogue(catalogue);
  return {
    name: BENCHMARK_NAME,
    version: 1,
    description:
      'CLINC150 test split: 5,500 real requests labelled with the context route each needs; outcomes from the memabra reward model (docs/formats.md)',
    attribution: ATTRIBUTION,
    tasks: test.map((row) => ({
      id: row.id,
      input: row.text,
      category: row.route,
      candidates: retrieveCandidates(index, row.text, CANDIDATES_PER_TASK),
      outcomes: Object.fromEntries(ROUTES.map((route) => [route, expectedOutcome(row.route, route)])) as BenchmarkSuite['tasks'][number]['outcomes'],
    })),
  };
}

function main(source: string, target: string): void {
  const rows = readFileSync(join(source, 'tasks.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => RowSchema.parse(JSON.parse(line)));
  const routes = new Map(
    Object.entries(z.record(z.string(), z.object({ route: RouteSchema })).parse(JSON.parse(readFileSync(join(source, 'intent-routes.json'), 'utf8')))).map(
      ([k, v]) => [k, v.route],
    ),
  );
  const train = rows.filter((r) => r.split === 'train');
  const test = rows.filter((r) => r.split === 'test');
  const catalogue = buildCatalogue(train, routes);
  mkdirSync(target, { recursive: true });
  writeFileSync(join(target, 'catalogue.json'), `${JSON.stringify(catalogue, null, 1)}\n`);
  writeFileSync(join(target, 'train.jsonl'), train.map((r) => JSON.stringify({ id: r.id, text: r.text, intent: r.intent, route: r.route })).join('\n') + '\n');
  writeFileSync(join(target, 'benchmark.json'), `${JSON.stringify(buildBenchmark(test, catalogue))}\n`);
  process.stdout.write(`wrote ${catalogue.length} catalogue entries, ${train.length} train requests, ${test.length} benchmark tasks to ${target}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const source = process.argv[2];
  if (!source) {
    process.stderr.write('usage: npm run build-data -- SOURCE_DIR [TARGET_DIR] (SOURCE_DIR holds tasks.jsonl and intent-routes.json)\n');
    process.exit(2);
  }
  main(resolve(source), resolve(process.argv[3] ?? 'data/clinc150'));
}
