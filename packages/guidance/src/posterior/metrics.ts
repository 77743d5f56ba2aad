/**
 * Sample moments and the calibration metrics between two Gaussians (or sample fits):
 *  - mean error: max_i |m̂_i − m_i| (also relative: ‖m̂ − m‖₂ / ‖m‖₂),
 *  - covariance relative Frobenius error ‖Ĉ − C‖_F / ‖C‖_F,
 *  - 2-Wasserstein distance between N(m1, C1) and N(m2, C2):
 *      W2² = ‖m1 − m2‖² + tr(C1 + C2 − 2 (C2^½ C1 C2^½)^½)
 *    (matrix square roots of symmetric PSD matrices by symEig, float64; a tiny negative trace
 *    from round-off is clamped to 0),
 *  - the Monte-Carlo floor of the covariance error for n exact samples,
 *      E‖Ĉ − C‖_F² = (‖C‖_F² + tr(C)²)/(n − 1)  (Gaussian, unbiased Ĉ), reported as a square root
 *    relative to ‖C‖_F: no sampler can beat it with n samples.
 */
import { matMul, sqrtSym, trace } from '../linalg/dense.js';
import type { GaussianMomentsF64 } from './gaussianPosterior.js';

/** Sample mean and unbiased covariance of the rows of an [n, d] row-major array (float64). */
export function sampleMoments(data: ArrayLike<number>, d: number): GaussianMomentsF64 & { n: number } {
  const n = Math.floor(data.length / d);
  const mean = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) mean[j]! += data[r * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= n;
  const cov = new Float64Array(d * d);
  const c = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < d; j++) c[j] = data[r * d + j]! - mean[j]!;
    for (let i = 0; i < d; i++) {
      const ci = c[i]!;
      if (ci === 0) continue;
      for (let j = 0; j <= i; j++) cov[i * d + j]! += ci * c[j]!;
    }
  }
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      const v = cov[i * d + j]! / Math.max(n - 1, 1);
      cov[i * d + j] = v;
      cov[j * d + i] = v;
    }
  }
  return { mean, cov, d, n };
}

/** Per-coordinate standard deviation of a sample [n, d]. */
export function sampleStd(m: GaussianMomentsF64): Float64Array {
  return Float64Array.from({ length: m.d }, (_, i) => Math.sqrt(Math.max(m.cov[i * m.d + i]!, 0)));
}

export function meanMaxAbsError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < b.length; i++) e = Math.max(e, Math.abs(a[i]! - b[i]!));
  return e;
}

export function meanRelError(a: ArrayLike<number>, ref: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < ref.length; i++) {
    num += (a[i]! - ref[i]!) ** 2;
    den += ref[i]! ** 2;
  }
  return den > 0 ? Math.sqrt(num / den) : Math.sqrt(num);
}

export function covRelFrobenius(c: ArrayLike<number>, ref: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let k = 0; k < ref.length; k++) {
    num += (c[k]! - ref[k]!) ** 2;
    den += ref[k]! ** 2;
  }
  return den > 0 ? Math.sqrt(num / den) : Math.sqrt(num);
}

/** W2 between N(m1, C1) and N(m2, C2). */
export function wasserstein2(a: GaussianMomentsF64, b: GaussianMomentsF64): number {
  const d = a.d;
  let dm = 0;
  for (let i = 0; i < d; i++) dm += (a.mean[i]! - b.mean[i]!) ** 2;
  const s2 = sqrtSym(b.cov, d);
  const inner = matMul(matMul(s2, a.cov, d, d, d), s2, d, d, d);
  const cross = sqrtSym(inner, d);
  const tr = trace(a.cov, d) + trace(b.cov, d) - 2 * trace(cross, d);
  return Math.sqrt(dm + Math.max(tr, 0));
}

/** √((‖C‖_F² + tr(C)²)/(n − 1)) / ‖C‖_F: expected relative covariance error of n exact samples. */
export function covErrorFloor(cov: ArrayLike<number>, d: number, n: number): number {
  let f2 = 0;
  for (let k = 0; k < d * d; k++) f2 += cov[k]! ** 2;
  const tr = trace(cov, d);
  return f2 > 0 ? Math.sqrt((f2 + tr * tr) / (n - 1) / f2) : 0;
}

/** max_i √C_ii. */
export function maxMarginalStd(cov: ArrayLike<number>, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s = Math.max(s, Math.sqrt(Math.max(cov[i * d + i]!, 0)));
  return s;
}
