/**
 * Closed-form posterior and metrics: the covariance form used by gaussianPosterior agrees with
 * the information form (C⁻¹ + AᵀA/σ²)⁻¹ for σ > 0; with σ = 0 on a mask it is the Gaussian
 * conditional (observed entries fixed to y, C_uu − C_uo C_oo⁻¹ C_ou); W2 matches scipy's sqrtm
 * (fixture) and the commuting closed form; sample moments and the Monte-Carlo floor.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng } from '@scoresde/core';
import { gaussianPosterior } from '../src/posterior/gaussianPosterior.js';
import { covErrorFloor, covRelFrobenius, sampleMoments, wasserstein2 } from '../src/posterior/metrics.js';
import { matMul, pinvSym, transpose } from '../src/linalg/dense.js';
import { smoothGaussianSpec } from '../src/calibration/problems.js';

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i]! - b[i]!));
  return e;
};

describe('gaussianPosterior', () => {
  const spec = smoothGaussianSpec(3, 3);
  const d = spec.d;
  const rng = new Rng(5);
  const r = 4;
  const A = Float64Array.from(rng.normalArray(r * d));
  const y = Float64Array.from(rng.normalArray(r));

  it('σ > 0: equals the information form', () => {
    const sigma = 0.3;
    const p = gaussianPosterior({ mean: spec.mean, cov: spec.cov, A, r, y, sigma });
    const Cinv = pinvSym(spec.cov, d, 0);
    const AtA = matMul(transpose(A, r, d), A, d, r, d);
    const prec = Cinv.map((v, k) => v + AtA[k]! / sigma ** 2);
    const cov = pinvSym(prec, d, 0);
    const rhs = matMul(Cinv, spec.mean, d, d, 1);
    const Aty = matMul(transpose(A, r, d), y, d, r, 1);
    const mean = matMul(cov, rhs.map((v, i) => v + Aty[i]! / sigma ** 2), d, d, 1);
    expect(maxDiff(p.cov, cov)).toBeLessThan(1e-10);
    expect(maxDiff(p.mean, mean)).toBeLessThan(1e-10);
  });

  it('σ = 0 on a mask: the Gaussian conditional, observed entries fixed', () => {
    const obs = [0, 2, 4, 7];
    const unobs = [1, 3, 5, 6, 8];
    const Am = new Float64Array(obs.length * d);
    obs.forEach((j, i) => (Am[i * d + j] = 1));
    const yo = Float64Array.of(0.5, -1, 2, 0.25);
    const p = gaussianPosterior({ mean: spec.mean, cov: spec.cov, A: Am, r: obs.length, y: yo, sigma: 0 });
    obs.forEach((j, i) => expect(p.mean[j]).toBeCloseTo(yo[i]!, 10));
    for (const j of obs) for (let k = 0; k < d; k++) expect(Math.abs(p.cov[j * d + k]!)).toBeLessThan(1e-10);
    const sub = (rows: number[], cols: number[]) => Float64Array.from(rows.flatMap((i) => cols.map((j) => spec.cov[i * d + j]!)));
    const Coo = sub(obs, obs);
    const Cuo = sub(unobs, obs);
    const gain = matMul(Cuo, pinvSym(Coo, obs.length, 0), unobs.length, obs.length, obs.length);
    const condCov = sub(unobs, unobs).map((v, k) => v - matMul(gain, transpose(Cuo, unobs.length, obs.length), unobs.length, obs.length, unobs.length)[k]!);
    const resid = obs.map((j, i) => yo[i]! - spec.mean[j]!);
    const condMean = unobs.map((j, a) => spec.mean[j]! + resid.reduce((s, v, b) => s + gain[a * obs.length + b]! * v, 0));
    unobs.forEach((j, a) => expect(p.mean[j]).toBeCloseTo(condMean[a]!, 10));
    unobs.forEach((i, a) => unobs.forEach((j, b) => expect(p.cov[i * d + j]).toBeCloseTo(condCov[a * unobs.length + b]!, 10)));
  });

  it('rejects mismatched sizes in one line', () => {
    expect(() => gaussianPosterior({ mean: spec.mean, cov: spec.cov, A, r, y: [1, 2], sigma: 0 })).toThrow(/y has 2 entries, expected 4/);
  });
});

describe('metrics', () => {
  it('W2 matches scipy sqrtm (fixture)', () => {
    const cases = JSON.parse(readFileSync(new URL('./fixtures/w2.json', import.meta.url), 'utf8')) as { d: number; m1: number[]; m2: number[]; c1: number[]; c2: number[]; w2: number }[];
    for (const c of cases) {
      const a = { mean: Float64Array.from(c.m1), cov: Float64Array.from(c.c1), d: c.d };
      const b = { mean: Float64Array.from(c.m2), cov: Float64Array.from(c.c2), d: c.d };
      expect(wasserstein2(a, b)).toBeCloseTo(c.w2, 9);
      expect(wasserstein2(b, a)).toBeCloseTo(c.w2, 9);
      expect(wasserstein2(a, a)).toBeLessThan(1e-6);
    }
  });

  it('W2 of commuting (diagonal) Gaussians: ‖Δm‖² + Σ(√a − √b)²', () => {
    const a = { mean: Float64Array.of(1, 2), cov: Float64Array.of(4, 0, 0, 1), d: 2 };
    const b = { mean: Float64Array.of(0, 2), cov: Float64Array.of(1, 0, 0, 9), d: 2 };
    expect(wasserstein2(a, b)).toBeCloseTo(Math.sqrt(1 + 1 + 4), 12);
  });

  it('sample moments of exact samples: covariance error near the Monte-Carlo floor', () => {
    const d = 4;
    const rng = new Rng(9);
    const n = 4000;
    const scales = [2, 1, 0.5, 0.25];
    const data = Float64Array.from({ length: n * d }, (_, k) => rng.normal() * scales[k % d]! + (k % d));
    const m = sampleMoments(data, d);
    const cov = new Float64Array(d * d);
    scales.forEach((s, i) => (cov[i * d + i] = s * s));
    const floor = covErrorFloor(cov, d, n);
    // ‖C‖_F² = 16 + 1 + 1/16 + 1/256, tr = 5.3125
    expect(floor).toBeCloseTo(Math.sqrt((17.06640625 + 5.3125 ** 2) / (n - 1) / 17.06640625), 12);
    const e = covRelFrobenius(m.cov, cov);
    expect(e).toBeGreaterThan(floor / 4);
    expect(e).toBeLessThan(floor * 2.5);
    for (let j = 0; j < d; j++) expect(Math.abs(m.mean[j]! - j)).toBeLessThan((4 * scales[j]!) / Math.sqrt(n));
  });
});
