import type { FeatureSettings, TrainingSettings } from '../../events/model/routerVersion.js';
import type { TrainingSet } from './trainingSet.js';
import type { DenseModel } from '../routing/linearModel.js';
import { ROUTES } from '../../events/model/vocabulary.js';

export const DEFAULT_FEATURES: FeatureSettings = { bits: 15, wordNgrams: 2, charNgramMin: 0, charNgramMax: 0, candidateFeatures: true, caseHintSlots: true };
export const DEFAULT_TRAINING: TrainingSettings = { method: 'ridge-cg', l2: 2, maxIterations: 40 };

/** Routes with few samples are shrunk towards this reward, as if two samples had shown it. */
const PRIOR_REWARD = 0.5;
const PRIOR_WEIGHT = 2;

/**
 * One route's rows of the training set, with the route's intercept taken off the targets; features at or
 * above `limit` (the case hint's slots) are left out.
 */
type RouteRows = { readonly set: TrainingSet; readonly rows: Uint32Array; readonly intercept: number; readonly limit: number };

/** out = X^T (X v) + l2 v, over the route's rows only (no copy of them). */
function normalProduct({ set, rows, limit }: RouteRows, v: Float64Array, l2: number, out: Float64Array): void {
  out.fill(0);
  const { indices, values, offsets } = set;
  for (const row of rows) {
    let dot = 0;
    for (let k = offsets[row]!; k < offsets[row + 1]!; k++) if (indices[k]! < limit) dot += values[k]! * v[indices[k]!]!;
    for (let k = offsets[row]!; k < offsets[row + 1]!; k++) if (indices[k]! < limit) out[indices[k]!]! += values[k]! * dot;
  }
  for (let j = 0; j < v.length; j++) out[j]! += l2 * v[j]!;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let j = 0; j < a.length; j++) sum += a[j]! * b[j]!;
  return sum;
}

/** Solves (X^T X + l2 I) w = X^T y by conjugate gradient: exact ridge regression, deterministic. */
function ridge(route: RouteRows, dimension: number, settings: TrainingSettings): Float32Array {
  const w = new Float64Array(dimension);
  const r = new Float64Array(dimension);
  const { indices, values, offsets, rewards } = route.set;
  for (const row of route.rows) {
    const target = rewards[row]! - route.intercept;
    for (let k = offsets[row]!; k < offsets[row + 1]!; k++) if (indices[k]! < route.limit) r[indices[k]!]! += values[k]! * target;
  }
  const p = Float64Array.from(r);
  const ap = new Float64Array(dimension);
  let rs = dot(r, r);
  const tolerance = 1e-10 * Math.max(1, rs);
  for (let iteration = 0; iteration < settings.maxIterations && rs > tolerance; iteration++) {
    normalProduct(route, p, settings.l2, ap);
    const alpha = rs / dot(p, ap);
    for (let j = 0; j < dimension; j++) {
      w[j]! += alpha * p[j]!;
      r[j]! -= alpha * ap[j]!;
    }
    const next = dot(r, r);
    const beta = next / rs;
    for (let j = 0; j < dimension; j++) p[j] = r[j]! + beta * p[j]!;
    rs = next;
  }
  return Float32Array.from(w);
}

/**
 * Direct-method off-policy learning: one ridge regression of reward on features per route, fitted on the
 * samples where that route was taken (the only reward a bandit log reveals), around an intercept that is
 * the route's mean reward shrunk towards a prior.
 *
 * Why the direct method and not IPS-weighted training: logged propensities are small for explored routes,
 * and weighting by their inverse makes the regression's variance explode on 0/1 rewards. Measured on the
 * CLINC loop (docs/learning.md): clipped inverse-propensity weights lowered the held-out reward. IPS,
 * SNIPS and doubly robust estimates are used where unbiasedness matters more than variance: to estimate a
 * policy's value on logs (offPolicy.ts).
 */
export function trainRewardModels(set: TrainingSet, features: FeatureSettings, training: TrainingSettings): DenseModel {
  const dimension = 1 << features.bits;
  const counts = ROUTES.map(() => 0);
  const sums = ROUTES.map(() => 0);
  for (let i = 0; i < set.count; i++) {
    counts[set.routes[i]!]! += 1;
    sums[set.routes[i]!]! += set.rewards[i]!;
  }
  const rows = ROUTES.map((_, r) => new Uint32Array(counts[r]!));
  const filled = ROUTES.map(() => 0);
  for (let i = 0; i < set.count; i++) rows[set.routes[i]!]![filled[set.routes[i]!]!++] = i;
  const bias = ROUTES.map((_, r) => (sums[r]! + PRIOR_REWARD * PRIOR_WEIGHT) / (counts[r]! + PRIOR_WEIGHT));
  // No route learns from the case hint: a repeated request's text already carries what its past outcomes
  // taught, and the hint adds one 0/1 outcome, the best of its tries (a lucky one). Routers that fitted it
  // once 50 of a route's samples carried one ended lower on validation, on the test split and on the
  // repeated requests themselves, in a world that asks each request four times (docs/learning.md, "Case
  // memory"). Its slots stay its own, so it never shares a bucket with a word; older versions keep their weights.
  const limit = features.caseHintSlots ? dimension - ROUTES.length : dimension;
  const weights = ROUTES.map((_, r) =>
    counts[r] ? ridge({ set, rows: rows[r]!, intercept: bias[r]!, limit }, dimension, training) : new Float32Array(dimension),
  );
  return { bias, weights };
}
