/**
 * Small dense float64 linear algebra on the host (row-major arrays). The guidance terms and the
 * calibration use it for d ≤ a few hundred: operator matrices, per-t Gaussian conditioning,
 * closed-form posteriors, matrix square roots. Symmetric inverses, pseudo-inverses and square
 * roots go through core's `symEig` (Householder + implicit QL, float64).
 */
import { ScoresdeError, symEig } from '@scoresde/core';

/** C = A B with A r×k and B k×c (row-major). */
export function matMul(a: ArrayLike<number>, b: ArrayLike<number>, r: number, k: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) {
    const o = i * c;
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p]!;
      if (aip === 0) continue;
      const bp = p * c;
      for (let j = 0; j < c; j++) out[o + j]! += aip * b[bp + j]!;
    }
  }
  return out;
}

/** Aᵀ for A r×c. */
export function transpose(a: ArrayLike<number>, r: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a[i * c + j]!;
  return out;
}

/** A v for A r×c. */
export function matVec(a: ArrayLike<number>, v: ArrayLike<number>, r: number, c: number): Float64Array {
  const out = new Float64Array(r);
  for (let i = 0; i < r; i++) {
    let s = 0;
    for (let j = 0; j < c; j++) s += a[i * c + j]! * v[j]!;
    out[i] = s;
  }
  return out;
}

/** U diag(f(λ)) Uᵀ for a symmetric n×n matrix, with f applied to its eigenvalues. */
export function symFunction(a: ArrayLike<number>, n: number, f: (lambda: number, lambdaMax: number) => number): Float64Array {
  const { values, vectors } = symEig(a, n);
  let lmax = 0;
  for (const v of values) lmax = Math.max(lmax, Math.abs(v));
  const fv = values.map((l) => f(l, lmax));
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += vectors[i * n + k]! * fv[k]! * vectors[j * n + k]!;
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}

/**
 * Moore–Penrose pseudo-inverse of a symmetric positive semi-definite matrix: eigenvalues
 * ≤ relTol·λ_max are treated as zero (default 1e-12, float64 round-off of the products that
 * build these matrices); equals the inverse when the matrix is well conditioned.
 */
export function pinvSym(a: ArrayLike<number>, n: number, relTol = 1e-12): Float64Array {
  return symFunction(a, n, (l, lmax) => (l > relTol * lmax && l > 0 ? 1 / l : 0));
}

/** Principal square root of a symmetric PSD matrix (negative round-off eigenvalues clamp to 0). */
export function sqrtSym(a: ArrayLike<number>, n: number): Float64Array {
  return symFunction(a, n, (l) => Math.sqrt(Math.max(l, 0)));
}

export function trace(a: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i * n + i]!;
  return s;
}

/** (A + Aᵀ)/2, removing float round-off asymmetry. */
export function symmetrize(a: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = 0.5 * (a[i * n + j]! + a[j * n + i]!);
  return out;
}

export function checkSquare(a: ArrayLike<number>, n: number, what: string): void {
  if (a.length !== n * n) throw new ScoresdeError(`${what}: expected ${n}×${n} = ${n * n} entries, got ${a.length}`);
}
