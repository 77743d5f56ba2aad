/**
 * Intensity normalisation and resampling between DICOM slices and the model's input.
 *
 * - Window: per series, the robust low / high values are the task's `window` percentiles (default
 *   0.5 % and 99.5 %) of all its pixels (a strided subsample of ≤ 2²⁰ values for large series;
 *   linear interpolation between order statistics, numpy's default). Slices map to the model's
 *   [0, 1] range by x = (v − lo) / (hi − lo), without clipping, and back by v = x (hi − lo) + lo
 *   (a standard deviation scales by hi − lo). A constant series uses hi − lo = 1.
 * - Size: a slice whose matrix differs from the model's is resampled with bilinear interpolation
 *   (half-pixel centres, as torch's interpolate(align_corners=False)) to the model's size, and
 *   the result back to the original matrix, so the derived image keeps the source's geometry
 *   (PixelSpacing, position) unchanged. `size_mismatch: "refuse"` skips such series instead.
 */
import { tf } from '@scoresde/core';

export interface Window {
  lo: number;
  hi: number;
}

function quantile(sorted: Float32Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const i = Math.floor(pos);
  const f = pos - i;
  return i + 1 < sorted.length ? sorted[i]! * (1 - f) + sorted[i + 1]! * f : sorted[i]!;
}

export function seriesWindow(slices: readonly Float32Array[], percentiles: readonly [number, number]): Window {
  const total = slices.reduce((s, a) => s + a.length, 0);
  const stride = Math.max(1, Math.ceil(total / (1 << 20)));
  const sample = new Float32Array(Math.ceil(total / stride));
  let n = 0;
  let k = 0;
  for (const a of slices) for (let i = 0; i < a.length; i++, k++) if (k % stride === 0) sample[n++] = a[i]!;
  const s = sample.subarray(0, n).sort();
  const lo = quantile(s, percentiles[0]);
  const hi = quantile(s, percentiles[1]);
  return hi > lo ? { lo, hi } : { lo, hi: lo + 1 };
}

/** Bilinear resampling of [B, h, w, C] host data to [B, H, W, C] (half-pixel centres). */
export function resizeBilinear(data: Float32Array, shape: readonly [number, number, number, number], size: readonly [number, number]): Float32Array {
  if (shape[1] === size[0] && shape[2] === size[1]) return data;
  return tf.tidy(() => {
    const t = tf.tensor4d(data, [...shape]);
    return tf.image.resizeBilinear(t, [size[0], size[1]], false, true).dataSync() as Float32Array;
  });
}
