import { terms } from './bm25.js';

/**
 * Jaccard similarity of word sets, a retriever as simple as many agents' own: its scores live on another
 * scale than BM25's squashed ones (a good match between a ten-word request and a five-word entry is about
 * 0.2), which is what makes a rule with fixed score thresholds misfire.
 */
export type OverlapDocument = { readonly id: string; readonly terms: ReadonlySet<string> };

export function overlapDocuments(documents: readonly { id: string; text: string }[]): OverlapDocument[] {
  return documents.map((d) => ({ id: d.id, terms: new Set(terms(d.text)) }));
}

/** The top `k` documents sharing at least one word with the query, by Jaccard similarity; ties by document order. */
export function searchOverlap(documents: readonly OverlapDocument[], query: string, k: number): { id: string; score: number }[] {
  const queryTerms = new Set(terms(query));
  const ranked: { id: string; score: number; order: number }[] = [];
  documents.forEach((doc, order) => {
    let shared = 0;
    for (const term of queryTerms) if (doc.terms.has(term)) shared += 1;
    if (shared > 0) ranked.push({ id: doc.id, score: Math.round((shared / (queryTerms.size + doc.terms.size - shared)) * 1000) / 1000, order });
  });
  ranked.sort((a, b) => b.score - a.score || a.order - b.order);
  return ranked.slice(0, k).map(({ id, score }) => ({ id, score }));
}
