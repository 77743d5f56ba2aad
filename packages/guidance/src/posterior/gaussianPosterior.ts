/**
 * Closed-form posterior of a Gaussian prior under a linear Gaussian measurement:
 * prior N(μ, C), y = A x + n, n ~ N(0, σ² I):
 *   mean = μ + C Aᵀ (A C Aᵀ + σ² I)⁺ (y − A μ),
 *   cov  = C − C Aᵀ (A C Aᵀ + σ² I)⁺ A C,
 * with ⁺ the Moore–Penrose pseudo-inverse (float64, relative cut 1e-12), which is what σ = 0 with
 * a singular A C Aᵀ needs. Computed on the range-reduced measurement (Ã, ỹ of
 * linalg/operatorMatrix.ts), equal to the full formula for white noise.
 */
import { ScoresdeError } from '@scoresde/core';
import { matMul, pinvSym, symmetrize, transpose } from '../linalg/dense.js';

export interface GaussianPosteriorInput {
  /** μ, d entries. */
  mean: ArrayLike<number>;
  /** C, d×d row-major. */
  cov: ArrayLike<number>;
  /** A, r×d row-major. */
  A: ArrayLike<number>;
  r: number;
  /** y, r entries. */
  y: ArrayLike<number>;
  sigma: number;
}

export interface GaussianMomentsF64 {
  mean: Float64Array;
  /** d×d row-major. */
  cov: Float64Array;
  d: number;
}

export function gaussianPosterior(p: GaussianPosteriorInput): GaussianMomentsF64 {
  const d = p.mean.length;
  const { r } = p;
  if (p.cov.length !== d * d) throw new ScoresdeError(`gaussian posterior: covariance has ${p.cov.length} entries, expected ${d * d}`);
  if (p.A.length !== r * d) throw new ScoresdeError(`gaussian posterior: A has ${p.A.length} entries, expected ${r}×${d}`);
  if (p.y.length !== r) throw new ScoresdeError(`gaussian posterior: y has ${p.y.length} entries, expected ${r}`);
  if (!(p.sigma >= 0)) throw new ScoresdeError(`gaussian posterior: sigma must be ≥ 0, got ${p.sigma}`);
  const CAt = matMul(p.cov, transpose(p.A, r, d), d, d, r); // d×r
  const S = matMul(p.A, CAt, r, d, r); // r×r
  for (let i = 0; i < r; i++) S[i * r + i]! += p.sigma * p.sigma;
  const Sinv = pinvSym(symmetrize(S, r), r);
  const gain = matMul(CAt, Sinv, d, r, r); // d×r
  const Amu = matMul(p.A, p.mean, r, d, 1);
  const resid = new Float64Array(r);
  for (let i = 0; i < r; i++) resid[i] = p.y[i]! - Amu[i]!;
  const corr = matMul(gain, resid, d, r, 1);
  const mean = new Float64Array(d);
  for (let i = 0; i < d; i++) mean[i] = p.mean[i]! + corr[i]!;
  const down = matMul(gain, transpose(CAt, d, r), d, r, d);
  const cov = new Float64Array(d * d);
  for (let k = 0; k < d * d; k++) cov[k] = p.cov[k]! - down[k]!;
  return { mean, cov: symmetrize(cov, d), d };
}
