import type { FeatureSettings } from '../../events/model/routerVersion.js';
import { CANDIDATE_KINDS, ROUTES } from '../../events/model/vocabulary.js';
import { summariseCandidates, type RouteContext } from './routeContext.js';

export type SparseVector = {
  readonly indices: Uint32Array;
  readonly values: Float32Array;
  readonly length: number;
  /**
   * From `extractFeatures`: where the features that say what kind of request this is lie (the text, then
   * the best candidates' identities), so `kindFeatures` can take them without extracting again.
   */
  readonly kind?: { readonly textEnd: number; readonly idsStart: number; readonly idsEnd: number };
};

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over s[start, end), continuing from `hash`; works on char codes so no substrings are built. */
function fnv(hash: number, text: string, start: number, end: number): number {
  let h = hash;
  for (let i = start; i < end; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h;
}

function family(tag: number): number {
  return Math.imul(FNV_OFFSET ^ tag, FNV_PRIME);
}

const WORD = family(1);
const BIGRAM = family(2);
const TRIGRAM = family(3);
const CHAR = family(4);
const CANDIDATE = family(5);
const CASE = family(6);
const CANDIDATE_ID = family(7);
/** Only the best few candidates' identities are features: lower ones are mostly retrieval noise. */
const CANDIDATE_IDS = 3;

function pushCandidateIds(context: RouteContext, push: (hash: number, value: number) => void): void {
  const ranked = context.candidates.length <= 1 ? context.candidates : [...context.candidates].sort((a, b) => (b.score ?? 0.5) - (a.score ?? 0.5));
  for (let i = 0; i < Math.min(CANDIDATE_IDS, ranked.length); i++) {
    const candidate = ranked[i]!;
    push(fnv(CANDIDATE_ID, candidate.id, 0, candidate.id.length), candidate.score ?? 0.5);
  }
}

/** Lower-cased words of letters and digits; apostrophes dropped so "what's" is one word. */
function words(input: string): string[] {
  return input
    .toLowerCase()
    .replace(/['’]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** The bucket the case hint of this route takes when it has slots of its own: the last ones of the space. */
export function caseHintSlot(settings: FeatureSettings, route: (typeof ROUTES)[number]): number {
  return (1 << settings.bits) - 1 - ROUTES.indexOf(route);
}

/** Where a hashed feature goes: its low bits, folded below the case hint's slots when it has them. */
function hashedBucket(settings: FeatureSettings): (hash: number) => number {
  const mask = (1 << settings.bits) - 1;
  if (!settings.caseHintSlots) return (hash) => (hash >>> 0) & mask;
  const top = mask + 1 - ROUTES.length;
  return (hash) => {
    const index = (hash >>> 0) & mask;
    return index >= top ? index - ROUTES.length : index;
  };
}

/** The marker a request carries when it was offered no candidate of the `k`th kind (CANDIDATE_KINDS). */
function absenceHash(k: number): number {
  return fnv(CANDIDATE ^ (k * 16), 'none', 0, 4);
}

/** Where the marker of no `kind` candidate lies in the hashed space: the evidence of a route with that kind absent. */
export function absenceBucket(settings: FeatureSettings, kind: (typeof CANDIDATE_KINDS)[number]): number {
  return hashedBucket(settings)(absenceHash(CANDIDATE_KINDS.indexOf(kind)));
}

const scratchIndices = new Uint32Array(4096);
const scratchValues = new Float32Array(4096);

/**
 * Hashed features of a request: word n-grams and in-word character n-grams of the text (weighted so the
 * text as a whole has unit norm), and the shape of the candidates (best score per kind, bucketed, and
 * presence), and a case-index hit when there is one.
 */
export function extractFeatures(settings: FeatureSettings, context: RouteContext): SparseVector {
  const bucketOf = hashedBucket(settings);
  let n = 0;
  const pushAt = (index: number, value: number): void => {
    if (n < scratchIndices.length) {
      scratchIndices[n] = index;
      scratchValues[n] = value;
      n++;
    }
  };
  const push = (hash: number, value: number): void => pushAt(bucketOf(hash), value);

  const tokens = words(context.input);
  const wordHashes = tokens.map((token) => fnv(WORD, token, 0, token.length));
  for (const h of wordHashes) push(h, 1);
  if (settings.wordNgrams >= 2) {
    for (let i = 1; i < wordHashes.length; i++) push(Math.imul(BIGRAM ^ wordHashes[i - 1]!, FNV_PRIME) ^ wordHashes[i]!, 1);
  }
  if (settings.wordNgrams >= 3) {
    for (let i = 2; i < wordHashes.length; i++) {
      push(Math.imul(Math.imul(TRIGRAM ^ wordHashes[i - 2]!, FNV_PRIME) ^ wordHashes[i - 1]!, FNV_PRIME) ^ wordHashes[i]!, 1);
    }
  }
  if (settings.charNgramMin > 0) {
    for (const token of tokens) {
      const padded = ` ${token} `;
      for (let size = settings.charNgramMin; size <= settings.charNgramMax; size++) {
        for (let start = 0; start + size <= padded.length; start++) push(fnv(CHAR ^ size, padded, start, start + size), 1);
      }
    }
  }
  const textCount = n;
  let idsStart = n;
  const norm = textCount ? 1 / Math.sqrt(textCount) : 0;
  for (let i = 0; i < textCount; i++) scratchValues[i]! *= norm;

  if (settings.candidateFeatures) {
    const summary = summariseCandidates(context.candidates);
    CANDIDATE_KINDS.forEach((kind, k) => {
      const { best, count } = summary[kind];
      if (count === 0) {
        push(absenceHash(k), 1);
        return;
      }
      push(fnv(CANDIDATE ^ (k * 16 + 1), 'best', 0, 4), best);
      push(fnv(CANDIDATE ^ (k * 16 + 2), 'bucket', 0, 6) ^ Math.min(4, Math.floor(best * 5)), 1);
    });
    // How well anything at all retrieved: nothing relevant is the signature of a request to answer directly.
    const overall = Math.max(summary.memory.best, summary.tool.best, summary.skill.best);
    push(fnv(CANDIDATE, 'overall', 0, 7) ^ Math.min(9, Math.floor(overall * 10)), 1);
    // Which catalogue entries retrieved best says much about the request; weighted by their scores.
    idsStart = n;
    pushCandidateIds(context, push);
  }
  const idsEnd = settings.candidateFeatures ? n : textCount;
  if (!settings.candidateFeatures) idsStart = textCount;
  const hint = context.caseHint;
  if (hint) {
    if (settings.caseHintSlots) pushAt(caseHintSlot(settings, hint.route), hint.reward);
    else push(fnv(CASE ^ ROUTES.indexOf(hint.route), 'case', 0, 4), hint.reward);
  }

  return { indices: scratchIndices.slice(0, n), values: scratchValues.slice(0, n), length: n, kind: { textEnd: textCount, idsStart, idsEnd } };
}

/** The kind features of an extracted vector (as `evidenceFeatures` gives them), without extracting again. */
export function kindFeatures(features: SparseVector, settings: FeatureSettings, context: RouteContext): SparseVector {
  const kind = features.kind;
  if (!kind) return evidenceFeatures(settings, context);
  const { textEnd, idsStart, idsEnd } = kind;
  const length = textEnd + (idsEnd - idsStart);
  const indices = new Uint32Array(length);
  const values = new Float32Array(length);
  indices.set(features.indices.subarray(0, textEnd));
  values.set(features.values.subarray(0, textEnd));
  indices.set(features.indices.subarray(idsStart, idsEnd), textEnd);
  values.set(features.values.subarray(idsStart, idsEnd), textEnd);
  return { indices, values, length };
}

/**
 * The features that say what kind of request this is, for counting evidence: its text and the identities
 * of its best candidates, in the same hashed space as `extractFeatures`. The shape of the scores (buckets,
 * absence markers) is left out: every request has one, so it would lend any route the evidence of all the
 * others.
 */
export function evidenceFeatures(settings: FeatureSettings, context: RouteContext): SparseVector {
  const text = extractFeatures({ ...settings, candidateFeatures: false }, { input: context.input, candidates: [] });
  if (!settings.candidateFeatures) return text;
  const bucketOf = hashedBucket(settings);
  const indices = Array.from(text.indices);
  const values = Array.from(text.values);
  pushCandidateIds(context, (hash, value) => {
    indices.push(bucketOf(hash));
    values.push(value);
  });
  return { indices: Uint32Array.from(indices), values: Float32Array.from(values), length: indices.length };
}
