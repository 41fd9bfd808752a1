import type { LinearModel } from '../../events/model/routerVersion.js';
import { ROUTES } from '../../events/model/vocabulary.js';
import type { SparseVector } from './features.js';

/**
 * Per route and feature, how much logged evidence there is: the sum of the squared feature values over the
 * samples where that route was taken (the diagonal of the route's Gram matrix X^T X, which is what a ridge
 * regression's confidence in that direction grows with).
 */
export type EvidenceCounts = readonly Float32Array[];

/** Quantisation steps per doubling: counts come back within about 2% of what they were. */
const STEPS_PER_OCTAVE = 24;
const MAX_LEVEL = 255;

/**
 * One byte per route and feature, log-scaled: 5 * 2^15 features cost 160 KB (220 KB of base64) next to the
 * weights' 440 KB, inside the 1 MiB event limit, and counts from 0 up to about 1,600 keep two-percent
 * precision (above that they saturate, where more evidence no longer changes a decision).
 */
export function encodeEvidence(counts: EvidenceCounts): string {
  const dimension = counts[0]!.length;
  const bytes = new Uint8Array(ROUTES.length * dimension);
  counts.forEach((route, r) => {
    for (let j = 0; j < dimension; j++) {
      const level = Math.round(Math.log2(1 + route[j]!) * STEPS_PER_OCTAVE);
      bytes[r * dimension + j] = Math.min(MAX_LEVEL, level);
    }
  });
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

const decoded = new WeakMap<LinearModel, EvidenceCounts>();

/** The counts a stored model holds (none: null); memoised per model object since routing reads them per request. */
export function decodeEvidence(model: LinearModel, bits: number): EvidenceCounts | null {
  if (model.evidence === undefined) return null;
  const cached = decoded.get(model);
  if (cached) return cached;
  const dimension = 1 << bits;
  const bytes = Buffer.from(model.evidence, 'base64');
  if (bytes.length !== ROUTES.length * dimension) {
    throw new Error(`evidence holds ${bytes.length} bytes, expected ${ROUTES.length * dimension}`);
  }
  const levels = new Float32Array(MAX_LEVEL + 1);
  for (let q = 0; q <= MAX_LEVEL; q++) levels[q] = 2 ** (q / STEPS_PER_OCTAVE) - 1;
  const counts = ROUTES.map((_, r) => {
    const route = new Float32Array(dimension);
    for (let j = 0; j < dimension; j++) route[j] = levels[bytes[r * dimension + j]!]!;
    return route;
  });
  decoded.set(model, counts);
  return counts;
}

/**
 * The effective number of samples of a route that look like this request: per feature, how many samples
 * of the route carried it at this request's value (the route's sum of squared values over the request's
 * squared value), averaged geometrically, each feature weighted by its squared value, as
 * exp(mean log(1 + n_j)) - 1. A request none of whose features was ever seen with the route has 0; one
 * whose every feature was seen n times has n. The geometric mean sits between the harmonic one, which a
 * single new bigram would drive to zero, and the arithmetic one, which a common word would drive up: a
 * request whose words are half new and half seen ten times counts 2.3.
 */
export function effectiveCount(counts: Float32Array, features: SparseVector): number {
  let weight = 0;
  let logSum = 0;
  for (let i = 0; i < features.length; i++) {
    const v2 = features.values[i]! * features.values[i]!;
    if (v2 === 0) continue;
    weight += v2;
    logSum += v2 * Math.log1p(counts[features.indices[i]!]! / v2);
  }
  return weight === 0 ? 0 : Math.expm1(logSum / weight);
}

/**
 * The effective number of samples of each route (ROUTES order) among requests of this kind: the weighted
 * harmonic mean, over the request's features that the log knows (that some route was logged with), of how
 * many samples of the route carried each, plus one, less one. The harmonic mean is ruled by the rarest
 * features, the ones that say what kind of request this is (a word only one intent uses, its best
 * candidate): a request whose distinctive words were logged only under one route has next to no evidence
 * for the others, however often its common words ("can you tell me") were. Features the log never saw say
 * nothing of any route and are left out, so a new bigram does not make a known kind unknown.
 */
export function kindCounts(counts: EvidenceCounts, features: SparseVector): number[] {
  let weight = 0;
  const uncertainty = counts.map(() => 0);
  for (let i = 0; i < features.length; i++) {
    const v2 = features.values[i]! * features.values[i]!;
    const j = features.indices[i]!;
    if (v2 === 0) continue;
    const c0 = counts[0]![j]!,
      c1 = counts[1]![j]!,
      c2 = counts[2]![j]!,
      c3 = counts[3]![j]!,
      c4 = counts[4]![j]!;
    if (c0 + c1 + c2 + c3 + c4 === 0) continue;
    weight += v2;
    uncertainty[0]! += v2 / (c0 / v2 + 1);
    uncertainty[1]! += v2 / (c1 / v2 + 1);
    uncertainty[2]! += v2 / (c2 / v2 + 1);
    uncertainty[3]! += v2 / (c3 / v2 + 1);
    uncertainty[4]! += v2 / (c4 / v2 + 1);
  }
  return uncertainty.map((u) => (weight === 0 ? 0 : Math.max(0, weight / u - 1)));
}
