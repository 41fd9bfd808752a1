/**
 * Okapi BM25 (Robertson and Zaragoza, "The Probabilistic Relevance Framework: BM25 and Beyond", 2009)
 * over short descriptions: the project's own lexical similarity for benchmark candidates.
 */
export type Bm25Document = { readonly id: string; readonly text: string };

export type Bm25Index = {
  readonly ids: readonly string[];
  readonly lengths: readonly number[];
  readonly averageLength: number;
  readonly postings: ReadonlyMap<string, readonly (readonly [doc: number, tf: number])[]>;
  readonly k1: number;
  readonly b: number;
};

const STOPWORDS = new Set(
  'a an and are as at be but by can could do does for from have how i if in is it me my of on or please so that the this to was what when where which who will with would you your'.split(
    ' ',
  ),
);

export function terms(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/['’]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 1 && !STOPWORDS.has(t));
}

export function buildBm25Index(documents: readonly Bm25Document[], k1 = 1.2, b = 0.75): Bm25Index {
  const postings = new Map<string, [number, number][]>();
  const lengths = documents.map((doc, index) => {
    const counts = new Map<string, number>();
    const docTerms = terms(doc.text);
    for (const term of docTerms) counts.set(term, (counts.get(term) ?? 0) + 1);
    for (const [term, tf] of counts) {
      const list = postings.get(term) ?? [];
      list.push([index, tf]);
      postings.set(term, list);
    }
    return docTerms.length;
  });
  const averageLength = lengths.reduce((a, n) => a + n, 0) / Math.max(1, lengths.length);
  return { ids: documents.map((d) => d.id), lengths, averageLength, postings, k1, b };
}

/** The top `k` documents with a positive score, best first; ties by document order. */
export function searchBm25(index: Bm25Index, query: string, k: number): { id: string; score: number }[] {
  const scores = new Float64Array(index.ids.length);
  const n = index.ids.length;
  for (const term of new Set(terms(query))) {
    const list = index.postings.get(term);
    if (!list) continue;
    const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
    for (const [doc, tf] of list) {
      const norm = index.k1 * (1 - index.b + (index.b * index.lengths[doc]!) / index.averageLength);
      scores[doc]! += (idf * tf * (index.k1 + 1)) / (tf + norm);
    }
  }
  const ranked: { id: string; score: number }[] = [];
  scores.forEach((score, doc) => {
    if (score > 0) ranked.push({ id: index.ids[doc]!, score });
  });
  ranked.sort((a, b) => b.score - a.score || index.ids.indexOf(a.id) - index.ids.indexOf(b.id));
  return ranked.slice(0, k);
}
