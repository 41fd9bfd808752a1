import type { SparseVector } from '../routing/features.js';

/**
 * Training samples pooled in compressed sparse rows: one set of growable typed arrays for the whole set,
 * a few bytes per sample plus eight per feature, where one object and two small arrays per sample cost
 * several times that at a million trajectories.
 */
export type TrainingSet = {
  readonly count: number;
  readonly offsets: Uint32Array;
  readonly indices: Uint32Array;
  readonly values: Float32Array;
  /** Route index (ROUTES order) taken in each sample. */
  readonly routes: Uint8Array;
  readonly rewards: Float32Array;
};

function grown<T extends Uint32Array | Float32Array | Uint8Array>(array: T, needed: number, make: (n: number) => T): T {
  if (needed <= array.length) return array;
  const next = make(Math.max(needed, array.length * 2));
  next.set(array);
  return next;
}

export function createTrainingSetBuilder() {
  let count = 0;
  let nnz = 0;
  let offsets = new Uint32Array(1025);
  let indices = new Uint32Array(16_384);
  let values = new Float32Array(16_384);
  let routes = new Uint8Array(1024);
  let rewards = new Float32Array(1024);
  return {
    add(features: SparseVector, route: number, reward: number): void {
      offsets = grown(offsets, count + 2, (n) => new Uint32Array(n));
      routes = grown(routes, count + 1, (n) => new Uint8Array(n));
      rewards = grown(rewards, count + 1, (n) => new Float32Array(n));
      indices = grown(indices, nnz + features.length, (n) => new Uint32Array(n));
      values = grown(values, nnz + features.length, (n) => new Float32Array(n));
      indices.set(features.indices.subarray(0, features.length), nnz);
      values.set(features.values.subarray(0, features.length), nnz);
      nnz += features.length;
      routes[count] = route;
      rewards[count] = reward;
      count += 1;
      offsets[count] = nnz;
    },
    build(): TrainingSet {
      return {
        count,
        offsets: offsets.subarray(0, count + 1),
        indices: indices.subarray(0, nnz),
        values: values.subarray(0, nnz),
        routes: routes.subarray(0, count),
        rewards: rewards.subarray(0, count),
      };
    },
  };
}

/** Builds a set from sample objects: convenient for small sets and tests. */
export function trainingSetOf(samples: readonly { features: SparseVector; route: number; reward: number }[]): TrainingSet {
  const builder = createTrainingSetBuilder();
  for (const s of samples) builder.add(s.features, s.route, s.reward);
  return builder.build();
}
