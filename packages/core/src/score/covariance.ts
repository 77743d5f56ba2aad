/**
 * Validation of means and covariances, and their conversion to a GaussianComponent
 * (full covariances go through the float64 eigendecomposition).
 *
 * Tolerances: a full covariance must be symmetric to |C_ij − C_ji| ≤ symTol·max|C| (default
 * 1e-5, float32 inputs written by numpy are symmetric to a few ulps) and positive semi-definite to
 * λ_min ≥ −psdTol·λ_max (default 1e-6: a singular covariance rounded to float32 has eigenvalues
 * perturbed by ~1e-7·λ_max, which must not be rejected). Eigenvalues within that tolerance are
 * clamped to 0.
 */
import { ScoresdeError } from '../errors.js';
import { symEig } from '../linalg/symEig.js';
import { GaussianComponent } from './gaussianComponent.js';

export interface CovTolerances {
  symTol?: number;
  psdTol?: number;
}

export function toFloat64(a: ArrayLike<number>, what: string): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ScoresdeError(`${what}: entry ${i} is ${Number.isNaN(v) ? 'NaN' : String(v)} (must be a finite number)`);
    }
    out[i] = v;
  }
  return out;
}

export function checkShape(shape: readonly number[], who: string): number {
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((s) => Number.isInteger(s) && s > 0)) {
    throw new ScoresdeError(`${who}: sample shape must be [H, W, C] of positive integers, got ${JSON.stringify(shape)}`);
  }
  return shape[0]! * shape[1]! * shape[2]!;
}

export function checkMean(mean: ArrayLike<number>, d: number, who: string): Float64Array {
  if (mean.length !== d) throw new ScoresdeError(`${who}: mean has ${mean.length} entries, expected d = ${d}`);
  return toFloat64(mean, `${who}: mean`);
}

/** N(μ, c I), c ≥ 0. */
export function isotropicComponent(mean: Float64Array, variance: number, who: string): GaussianComponent {
  if (!Number.isFinite(variance) || variance < 0) throw new ScoresdeError(`${who}: variance must be a finite number ≥ 0, got ${variance}`);
  return new GaussianComponent('isotropic', mean, new Float64Array(mean.length).fill(variance), null);
}

/** N(μ, diag(c)), c_j ≥ 0. */
export function diagonalComponent(mean: Float64Array, variances: ArrayLike<number>, who: string): GaussianComponent {
  const d = mean.length;
  if (variances.length !== d) throw new ScoresdeError(`${who}: diagonal covariance has ${variances.length} entries, expected d = ${d}`);
  const c = toFloat64(variances, `${who}: covariance`);
  const neg = c.findIndex((v) => v < 0);
  if (neg >= 0) throw new ScoresdeError(`${who}: covariance is not positive semi-definite (variance ${neg} is ${c[neg]})`);
  return new GaussianComponent('diagonal', mean, c, null);
}

/** N(μ, C) for a full d×d row-major C, through C = U diag(λ) Uᵀ. */
export function fullComponent(mean: Float64Array, cov: ArrayLike<number>, who: string, tol: CovTolerances = {}): GaussianComponent {
  const d = mean.length;
  if (cov.length !== d * d) {
    throw new ScoresdeError(`${who}: covariance has ${cov.length} entries, expected d×d = ${d}×${d} = ${d * d} (d = H·W·C of the mean)`);
  }
  const c = toFloat64(cov, `${who}: covariance`);
  const symTol = tol.symTol ?? 1e-5;
  const psdTol = tol.psdTol ?? 1e-6;
  let maxAbs = 0;
  for (const v of c) maxAbs = Math.max(maxAbs, Math.abs(v));
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      const diff = Math.abs(c[i * d + j]! - c[j * d + i]!);
      if (diff > symTol * maxAbs) {
        throw new ScoresdeError(
          `${who}: covariance is not symmetric (C[${i},${j}] = ${c[i * d + j]} vs C[${j},${i}] = ${c[j * d + i]}, tolerance ${symTol}·max|C|)`,
        );
      }
    }
  }
  const eig = symEig(c, d);
  const lmax = Math.max(eig.values[d - 1]!, 0);
  const lmin = eig.values[0]!;
  if (lmin < -psdTol * lmax || (lmax === 0 && lmin < 0)) {
    throw new ScoresdeError(`${who}: covariance is not positive semi-definite (smallest eigenvalue ${lmin.toPrecision(4)}, largest ${lmax.toPrecision(4)})`);
  }
  const lambda = eig.values.map((v) => (v > 0 ? v : 0));
  return new GaussianComponent('full', mean, lambda, eig.vectors);
}
