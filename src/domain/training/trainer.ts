import type { FeatureSettings, TrainingSettings } from '../routerVersion.js';
import type { SparseVector } from '../routing/features.js';
import type { DenseModel } from '../routing/linearModel.js';
import { ROUTES } from '../vocabulary.js';

/** One logged decision as the learner sees it: features, the route taken (index in ROUTES), the reward. */
export type TrainingSample = {
  readonly features: SparseVector;
  readonly route: number;
  readonly reward: number;
};

export const DEFAULT_FEATURES: FeatureSettings = { bits: 15, wordNgrams: 2, charNgramMin: 0, charNgramMax: 0, candidateFeatures: true };
export const DEFAULT_TRAINING: TrainingSettings = { method: 'ridge-cg', l2: 2, maxIterations: 40 };

/** Routes with few samples are shrunk towards this reward, as if two samples had shown it. */
const PRIOR_REWARD = 0.5;
const PRIOR_WEIGHT = 2;

/** The samples of one route in compressed sparse rows. */
type Rows = { indices: Uint32Array; values: Float32Array; offsets: Uint32Array; targets: Float64Array };

function rowsOf(samples: readonly TrainingSample[], intercept: number): Rows {
  let nnz = 0;
  for (const s of samples) nnz += s.features.length;
  const indices = new Uint32Array(nnz);
  const values = new Float32Array(nnz);
  const offsets = new Uint32Array(samples.length + 1);
  const targets = new Float64Array(samples.length);
  let at = 0;
  samples.forEach((s, row) => {
    indices.set(s.features.indices, at);
    values.set(s.features.values, at);
    at += s.features.length;
    offsets[row + 1] = at;
    targets[row] = s.reward - intercept;
  });
  return { indices, values, offsets, targets };
}

/** out = X^T (X v) + l2 v */
function normalProduct(rows: Rows, v: Float64Array, l2: number, out: Float64Array): void {
  out.fill(0);
  const { indices, values, offsets } = rows;
  for (let row = 0; row + 1 < offsets.length; row++) {
    let dot = 0;
    for (let k = offsets[row]!; k < offsets[row + 1]!; k++) dot += values[k]! * v[indices[k]!]!;
    for (let k = offsets[row]!; k < offsets[row + 1]!; k++) out[indices[k]!]! += values[k]! * dot;
  }
  for (let j = 0; j < v.length; j++) out[j]! += l2 * v[j]!;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let j = 0; j < a.length; j++) sum += a[j]! * b[j]!;
  return sum;
}

/** Solves (X^T X + l2 I) w = X^T y by conjugate gradient: exact ridge regression, deterministic. */
function ridge(rows: Rows, dimension: number, settings: TrainingSettings): Float32Array {
  const w = new Float64Array(dimension);
  const r = new Float64Array(dimension);
  const { indices, values, offsets, targets } = rows;
  for (let row = 0; row + 1 < offsets.length; row++) {
    for (let k = offsets[row]!; k < offsets[row + 1]!; k++) r[indices[k]!]! += values[k]! * targets[row]!;
  }
  const p = Float64Array.from(r);
  const ap = new Float64Array(dimension);
  let rs = dot(r, r);
  const tolerance = 1e-10 * Math.max(1, rs);
  for (let iteration = 0; iteration < settings.maxIterations && rs > tolerance; iteration++) {
    normalProduct(rows, p, settings.l2, ap);
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
export function trainRewardModels(samples: readonly TrainingSample[], features: FeatureSettings, training: TrainingSettings): DenseModel {
  const dimension = 1 << features.bits;
  const byRoute = ROUTES.map(() => [] as TrainingSample[]);
  for (const sample of samples) byRoute[sample.route]!.push(sample);
  const bias = byRoute.map((list) => (list.reduce((sum, s) => sum + s.reward, 0) + PRIOR_REWARD * PRIOR_WEIGHT) / (list.length + PRIOR_WEIGHT));
  const weights = byRoute.map((list, route) => (list.length ? ridge(rowsOf(list, bias[route]!), dimension, training) : new Float32Array(dimension)));
  return { bias, weights };
}
