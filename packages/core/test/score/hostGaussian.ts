/**
 * Independent float64 references for the score tests: dense covariance algebra with a Cholesky
 * factorisation (no eigendecomposition), log-densities, central finite differences.
 */
import { Rng } from '@scoresde/core';

export function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(s > 0)) throw new Error('not PD');
        l[i * n + i] = Math.sqrt(s);
      } else l[i * n + j] = s / l[j * n + j]!;
    }
  }
  return l;
}

/** Solve (L Lᵀ) x = b. */
export function cholSolve(l: Float64Array, n: number, b: Float64Array): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * y[k]!;
    y[i] = s / l[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

/** log N(x; m, S) with S dense n×n. */
export function logNormal(x: ArrayLike<number>, m: ArrayLike<number>, s: Float64Array, n: number): number {
  const l = cholesky(s, n);
  const r = Float64Array.from({ length: n }, (_, i) => x[i]! - m[i]!);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = r[i]!;
    for (let k = 0; k < i; k++) acc -= l[i * n + k]! * y[k]!;
    y[i] = acc / l[i * n + i]!;
  }
  let quad = 0;
  let logdet = 0;
  for (let i = 0; i < n; i++) {
    quad += y[i]! * y[i]!;
    logdet += 2 * Math.log(l[i * n + i]!);
  }
  return -0.5 * (quad + logdet + n * Math.log(2 * Math.PI));
}

/** alpha² C + std² I. */
export function perturbedCov(c: Float64Array, n: number, alpha: number, std: number): Float64Array {
  const out = c.map((v) => alpha * alpha * v);
  for (let i = 0; i < n; i++) out[i * n + i] += std * std;
  return out;
}

export function logSumExp(v: number[]): number {
  const m = Math.max(...v);
  return m + Math.log(v.reduce((s, x) => s + Math.exp(x - m), 0));
}

/** Central finite-difference gradient of f at x. */
export function fdGrad(f: (x: Float64Array) => number, x: ArrayLike<number>, h = 1e-5): Float64Array {
  const n = x.length;
  const g = new Float64Array(n);
  const xp = Float64Array.from(x);
  for (let i = 0; i < n; i++) {
    const xi = xp[i]!;
    const hh = h * Math.max(1, Math.abs(xi));
    xp[i] = xi + hh;
    const fp = f(xp);
    xp[i] = xi - hh;
    const fm = f(xp);
    xp[i] = xi;
    g[i] = (fp - fm) / (2 * hh);
  }
  return g;
}

/** A random SPD matrix with prescribed eigenvalues (random orthogonal basis from Gram–Schmidt). */
export function spdWithSpectrum(lambda: number[], rng: Rng): Float64Array {
  const n = lambda.length;
  const q: Float64Array[] = [];
  while (q.length < n) {
    const v = Float64Array.from(rng.normalArray(n));
    for (const u of q) {
      const dot = v.reduce((s, x, i) => s + x * u[i]!, 0);
      for (let i = 0; i < n; i++) v[i] -= dot * u[i]!;
    }
    const nrm = Math.hypot(...v);
    q.push(v.map((x) => x / nrm));
  }
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q[k]![i]! * lambda[k]! * q[k]![j]!;
      c[i * n + j] = s;
    }
  // exact symmetry
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) c[j * n + i] = c[i * n + j]!;
  return c;
}

export function relErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < want.length; i++) {
    num += (got[i]! - want[i]!) ** 2;
    den += want[i]! ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-300));
}
