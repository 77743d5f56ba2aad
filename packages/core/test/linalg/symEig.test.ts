import { describe, it, expect } from 'vitest';
import { symEig, Rng, ScoresdeError } from '@scoresde/core';

function randomSpd(n: number, rng: Rng): Float64Array {
  const b = Float64Array.from(rng.normalArray(n * n));
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += b[i * n + k]! * b[j * n + k]!;
      a[i * n + j] = s;
    }
  return a;
}

/** Relative Frobenius reconstruction error and max |UᵀU − I|. */
function check(a: ArrayLike<number>, n: number): { rec: number; orth: number; values: Float64Array } {
  const { values, vectors: u } = symEig(a, n);
  let err = 0;
  let nrm = 0;
  let orth = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      let o = 0;
      for (let k = 0; k < n; k++) {
        s += u[i * n + k]! * values[k]! * u[j * n + k]!;
        o += u[k * n + i]! * u[k * n + j]!;
      }
      err += (s - a[i * n + j]!) ** 2;
      nrm += a[i * n + j]! ** 2;
      orth = Math.max(orth, Math.abs(o - (i === j ? 1 : 0)));
    }
  for (let i = 1; i < n; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);
  return { rec: Math.sqrt(err / Math.max(nrm, 1e-300)), orth, values };
}

/** Q diag(λ) Qᵀ with Q a product of two Householder reflections of random vectors. */
function withSpectrum(lambda: number[], rng: Rng): Float64Array {
  const n = lambda.length;
  let q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  for (let r = 0; r < 2; r++) {
    const v = Float64Array.from(rng.normalArray(n));
    const vv = v.reduce((s, x) => s + x * x, 0);
    const next = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += ((i === k ? 1 : 0) - (2 * v[i]! * v[k]!) / vv) * q[k * n + j]!;
      next[i * n + j] = s;
    }
    q = next;
  }
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += q[i * n + k]! * lambda[k]! * q[j * n + k]!;
    a[i * n + j] = s;
  }
  return a;
}

describe('symEig', () => {
  it('solves 1×1 and 2×2 in closed form', () => {
    expect(Array.from(symEig([3.5], 1).values)).toEqual([3.5]);
    const [a, b, c] = [2, -1.5, 0.25];
    const { values, vectors } = symEig([a, b, b, c], 2);
    const mid = (a + c) / 2;
    const rad = Math.hypot((a - c) / 2, b);
    expect(values[0]).toBeCloseTo(mid - rad, 14);
    expect(values[1]).toBeCloseTo(mid + rad, 14);
    // (A − λ₀ I) u₀ = 0
    expect(Math.abs((a - values[0]!) * vectors[0]! + b * vectors[2]!)).toBeLessThan(1e-14);
  });

  it('finds the spectrum 2 − 2cos(kπ/(n+1)) of the second-difference matrix', () => {
    const n = 50;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      a[i * n + i] = 2;
      if (i + 1 < n) a[i * n + i + 1] = a[(i + 1) * n + i] = -1;
    }
    const { values, rec, orth } = check(a, n);
    for (let k = 1; k <= n; k++) expect(Math.abs(values[k - 1]! - (2 - 2 * Math.cos((k * Math.PI) / (n + 1))))).toBeLessThan(1e-13);
    expect(rec).toBeLessThan(1e-13);
    expect(orth).toBeLessThan(1e-13);
  });

  it('recovers a prescribed spectrum with repeated and zero eigenvalues', () => {
    const lambda = [0, 0, 0.05, 0.05, 0.05, 1, 1, 2.5, 4, 4, 4, 4, 7, 10, 1e-9, 3];
    const a = withSpectrum(lambda, new Rng(5));
    const { values, rec, orth } = check(a, lambda.length);
    const sorted = [...lambda].sort((x, y) => x - y);
    sorted.forEach((v, i) => expect(Math.abs(values[i]! - v)).toBeLessThan(1e-13));
    expect(rec).toBeLessThan(1e-13);
    expect(orth).toBeLessThan(1e-13);
  });

  it('reconstructs a random SPD matrix of size 64 to 1e-10 relative, orthonormal vectors', () => {
    const a = randomSpd(64, new Rng(11));
    const { rec, orth, values } = check(a, 64);
    expect(rec).toBeLessThan(1e-10);
    expect(orth).toBeLessThan(1e-12);
    expect(values[0]!).toBeGreaterThan(0);
    // trace is preserved
    let tr = 0;
    for (let i = 0; i < 64; i++) tr += a[i * 64 + i]!;
    expect(Math.abs(values.reduce((s, v) => s + v, 0) - tr) / tr).toBeLessThan(1e-13);
  });

  it('handles diagonal, block-diagonal (already split) and indefinite matrices', () => {
    const n = 7;
    const a = new Float64Array(n * n);
    [3, -1, 4, -1.5, 5, 9, -2].forEach((v, i) => (a[i * n + i] = v));
    a[1 * n + 2] = a[2 * n + 1] = 0.5;
    a[5 * n + 6] = a[6 * n + 5] = -2;
    const { values, rec, orth } = check(a, n);
    expect(rec).toBeLessThan(1e-14);
    expect(orth).toBeLessThan(1e-14);
    expect(values[0]!).toBeLessThan(-2);
    const b = randomSpd(20, new Rng(2));
    for (let i = 0; i < 20; i++) b[i * 20 + i] -= 25; // indefinite
    expect(check(b, 20).rec).toBeLessThan(1e-13);
  });

  it('rejects bad sizes and non-finite entries', () => {
    expect(() => symEig([1, 2, 3], 2)).toThrow(ScoresdeError);
    expect(() => symEig([1, NaN, NaN, 1], 2)).toThrow(/not finite/);
    expect(() => symEig([], 0)).toThrow(ScoresdeError);
  });
});
