import type { EvidenceCounts } from '../routing/evidence.js';
import { ROUTES } from '../../events/model/vocabulary.js';
import type { TrainingSet } from './trainingSet.js';

/** Per route and feature, the sum of the squared feature values over the samples where the route was taken. */
export function countEvidence(set: TrainingSet, dimension: number): EvidenceCounts {
  const counts = ROUTES.map(() => new Float32Array(dimension));
  const { indices, values, offsets, routes } = set;
  for (let row = 0; row < set.count; row++) {
    const route = counts[routes[row]!]!;
    for (let k = offsets[row]!; k < offsets[row + 1]!; k++) route[indices[k]!]! += values[k]! * values[k]!;
  }
  return counts;
}
