import type { RouterVersion } from '../routerVersion.js';
import type { RouteScores } from '../vocabulary.js';
import { extractFeatures, type SparseVector } from './features.js';
import { denseModel, type DenseModel } from './linearModel.js';
import type { RouteContext } from './routeContext.js';

type LearnedVersion = Extract<RouterVersion, { kind: 'learned' }>;

export function predictRoute(model: DenseModel, features: SparseVector, route: number): number {
  const weights = model.weights[route]!;
  let sum = model.bias[route]!;
  for (let i = 0; i < features.length; i++) sum += weights[features.indices[i]!]! * features.values[i]!;
  return sum;
}

/** Expected reward of each route under the version's per-route reward model. */
export function scoreLearned(version: LearnedVersion, context: RouteContext): RouteScores {
  const model = denseModel(version.model, version.features.bits);
  const features = extractFeatures(version.features, context);
  return {
    direct: predictRoute(model, features, 0),
    memory: predictRoute(model, features, 1),
    tool: predictRoute(model, features, 2),
    skill: predictRoute(model, features, 3),
    composite: predictRoute(model, features, 4),
  };
}
