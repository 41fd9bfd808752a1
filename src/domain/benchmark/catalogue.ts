import { z } from 'zod';
import { buildBm25Index, searchBm25, type Bm25Index } from '../retrieval/bm25.js';
import { CandidateKindSchema, type Candidate } from '../../events/model/vocabulary.js';

/** Something an agent could bring in: one tool per tool intent, one skill per skill intent, stored memories. */
export const CatalogueEntrySchema = z.strictObject({
  id: z.string(),
  kind: CandidateKindSchema,
  name: z.string(),
  description: z.string(),
});
export type CatalogueEntry = z.infer<typeof CatalogueEntrySchema>;

export const CatalogueSchema = z.array(CatalogueEntrySchema);

export type CatalogueIndex = { readonly entries: ReadonlyMap<string, CatalogueEntry>; readonly bm25: Bm25Index };

export function indexCatalogue(entries: readonly CatalogueEntry[]): CatalogueIndex {
  return {
    entries: new Map(entries.map((e) => [e.id, e])),
    bm25: buildBm25Index(entries.map((e) => ({ id: e.id, text: `${e.name} ${e.description}` }))),
  };
}

/** BM25 squashed into [0, 1): s / (s + 4); four is about a one-word match on a rare term. */
export function retrievalScore(bm25: number): number {
  return Math.round((bm25 / (bm25 + 4)) * 1000) / 1000;
}

/** The top `k` catalogue entries for a request, as candidates with their retrieval score. */
export function retrieveCandidates(index: CatalogueIndex, input: string, k = 5): Candidate[] {
  return searchBm25(index.bm25, input, k).map(({ id, score }) => {
    const entry = index.entries.get(id)!;
    return { id: entry.id, kind: entry.kind, name: entry.name, description: entry.description, score: retrievalScore(score) };
  });
}
