/**
 * Test helpers for the sampler acceptance: seeded Gaussian test problems, sample moments in
 * float64, and the error measures the acceptance uses.
 */
import { Rng, tf, type Tensor } from '@scoresde/core';

/** A seeded random orthogonal d×d matrix (Gram–Schmidt on a Gaussian matrix), row-major. */
export function randomOrthogonal(d: number, rng: Rng): Float64Array {
  const q = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    const v = Array.from({ length: d }, () => rng.normal());
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += v[i]! * q[i * d + k]!;
      for (let i = 0; i < d; i++) v[i]! -= dot * q[i * d + k]!;
    }
    const n = Math.hypot(...v);
    for (let i = 0; i < d; i++) q[i * d + j] = v[i]! / n;
  }
  return q;
}

/** Geometric spread lo … hi over d values. */
export function logSpaced(lo: number, hi: number, d: number): number[] {
  return Array.from({ length: d }, (_, i) => lo * (hi / lo) ** (i / (d - 1)));
}

/** Σ = Q diag(λ) Qᵀ, row-major. */
export function covFromEig(q: Float64Array, lambda: readonly number[]): Float64Array {
  const d = lambda.length;
  const c = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += q[i * d + k]! * lambda[k]! * q[j * d + k]!;
      c[i * d + j] = s;
    }
  }
  return c;
}

export interface Moments {
  mean: Float64Array;
  cov: Float64Array;
  n: number;
}

/** Sample mean and (unbiased) covariance of rows of a [n, d] row-major array, in float64. */
export function moments(data: ArrayLike<number>, d: number, rows?: readonly number[]): Moments {
  const idx = rows ?? Array.from({ length: data.length / d }, (_, i) => i);
  const n = idx.length;
  const mean = new Float64Array(d);
  for (const r of idx) for (let j = 0; j < d; j++) mean[j]! += data[r * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= n;
  const cov = new Float64Array(d * d);
  const c = new Float64Array(d);
  for (const r of idx) {
    for (let j = 0; j < d; j++) c[j] = data[r * d + j]! - mean[j]!;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cov[i * d + j]! += c[i]! * c[j]!;
  }
  for (let k = 0; k < d * d; k++) cov[k]! /= n - 1;
  return { mean, cov, n };
}

/** max_j |m̂_j − m_j|: the largest per-coordinate error of the mean. */
export function meanError(m: ArrayLike<number>, ref: ArrayLike<number>): number {
  let e = 0;
  for (let j = 0; j < ref.length; j++) e = Math.max(e, Math.abs(m[j]! - ref[j]!));
  return e;
}

/** ‖Ĉ − C‖_F / ‖C‖_F. */
export function covRelError(c: ArrayLike<number>, ref: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let k = 0; k < ref.length; k++) {
    num += (c[k]! - ref[k]!) ** 2;
    den += ref[k]! ** 2;
  }
  return Math.sqrt(num / den);
}

/** Read a [B, ...] tensor to the host as [B, d] row-major float32. */
export async function readRows(x: Tensor): Promise<Float32Array> {
  return (await x.data()) as Float32Array;
}

export { tf };
