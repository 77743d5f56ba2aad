/**
 * Host images for the metrics: C-order data with shape [H, W], [H, W, C] (channels last) or
 * [N, H, W, C]. Values are read as float64.
 */
import { ScoresdeError } from '@scoresde/core';

export interface ImageArray {
  data: ArrayLike<number>;
  shape: readonly number[];
}

export function checkPair(ref: ImageArray, test: ImageArray, what: string): void {
  const a = ref.shape;
  const b = test.shape;
  if (a.length !== b.length || a.some((v, i) => v !== b[i])) {
    throw new ScoresdeError(`${what}: reference ${a.join('×')} and test ${b.join('×')} differ in shape`);
  }
  const n = a.reduce((p, v) => p * v, 1);
  if (ref.data.length !== n || test.data.length !== n) throw new ScoresdeError(`${what}: data length does not match shape ${a.join('×')}`);
  if (n === 0) throw new ScoresdeError(`${what}: empty images`);
}

/** max(ref) − min(ref): the default data range (skimage needs it given explicitly for floats). */
export function valueRange(img: ImageArray): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < img.data.length; i++) {
    const v = img.data[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return hi - lo;
}

export function resolveRange(ref: ImageArray, dataRange: number | undefined, what: string): number {
  const r = dataRange ?? valueRange(ref);
  if (!(r > 0) || !Number.isFinite(r)) {
    throw new ScoresdeError(`${what}: data range must be > 0, got ${r}${dataRange === undefined ? ' (reference image is constant; pass data_range)' : ''}`);
  }
  return r;
}
