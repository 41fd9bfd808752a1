import type { LinearModel } from '../../events/model/routerVersion.js';
import { ROUTES } from '../../events/model/vocabulary.js';

/** Dense per-route weights, as the trainer produces them and the scorer reads them. */
export type DenseModel = { readonly bias: readonly number[]; readonly weights: readonly Float32Array[] };

/**
 * int16 quantisation keeps a 2^15-feature, five-route model near 440 KB of base64, well inside the 1 MiB
 * event limit, at a rounding error far below the reward noise.
 */
export function quantiseModel(model: DenseModel): LinearModel {
  const dimension = model.weights[0]!.length;
  const packed = new Int16Array(ROUTES.length * dimension);
  const scale = model.weights.map((weights, r) => {
    let max = 0;
    for (const w of weights) max = Math.max(max, Math.abs(w));
    const s = max > 0 ? max / 32767 : 1;
    for (let i = 0; i < dimension; i++) packed[r * dimension + i] = Math.round(weights[i]! / s);
    return s;
  });
  const bytes = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
  return { bias: [...model.bias], scale, weights: bytes.toString('base64') };
}

const decoded = new WeakMap<LinearModel, DenseModel>();

/** The dense form of a stored model; memoised per model object since routing calls it per request. */
export function denseModel(model: LinearModel, bits: number): DenseModel {
  const cached = decoded.get(model);
  if (cached) return cached;
  const dimension = 1 << bits;
  const bytes = Buffer.from(model.weights, 'base64');
  if (bytes.length !== ROUTES.length * dimension * 2) {
    throw new Error(`model weights hold ${bytes.length} bytes, expected ${ROUTES.length * dimension * 2}`);
  }
  const packed = new Int16Array(ROUTES.length * dimension);
  for (let i = 0; i < packed.length; i++) packed[i] = bytes.readInt16LE(i * 2);
  const weights = ROUTES.map((_, r) => {
    const dense = new Float32Array(dimension);
    const s = model.scale[r]!;
    for (let i = 0; i < dimension; i++) dense[i] = packed[r * dimension + i]! * s;
    return dense;
  });
  const result = { bias: model.bias, weights };
  decoded.set(model, result);
  return result;
}
