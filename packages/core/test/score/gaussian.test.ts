import { describe, it, expect } from 'vitest';
import { tf, GaussianPrior, VESDE, VPSDE, SubVPSDE, Rng, ScoresdeError, type SDE } from '@scoresde/core';
import { cholesky, cholSolve, fdGrad, logNormal, perturbedCov, relErr, spdWithSpectrum } from './hostGaussian.js';

const shape = [2, 3, 1];
const d = 6;
const rng0 = new Rng(7);
const mean = Float64Array.from(rng0.normalArray(d));
const lambdaFull = [0.05, 0.2, 0.7, 1.3, 2.5, 4];
const cov = spdWithSpectrum(lambdaFull, rng0);
const covSingular = spdWithSpectrum([0, 0, 0.5, 1, 2, 3], new Rng(8));

const sdes: [string, SDE, number[]][] = [
  ['ve', new VESDE(), [1e-5, 0.1, 0.5, 1]],
  ['vp', new VPSDE(), [1e-3, 0.3, 1]],
  ['subvp', new SubVPSDE(), [1e-3, 0.3, 1]],
];

/** Points spread like p_t: alpha μ + (std + 1) z. */
function points(sde: SDE, ts: number[], rng: Rng): Float64Array[] {
  return ts.map((t) => {
    const { alpha, std } = sde.marginal(t);
    const z = rng.normalArray(d);
    return Float64Array.from(mean, (m, i) => alpha * m + (std + 1) * z[i]!);
  });
}

function hostLogp(sde: SDE, c: Float64Array, t: number) {
  const { alpha, std } = sde.marginal(t);
  const s = perturbedCov(c, d, alpha, std);
  const m = mean.map((v) => alpha * v);
  return (x: ArrayLike<number>) => logNormal(x, m, s, d);
}

function batch(xs: Float64Array[]): tf.Tensor {
  const flat = new Float32Array(xs.length * d);
  xs.forEach((x, b) => flat.set(Float32Array.from(x), b * d));
  return tf.tensor(flat, [xs.length, ...shape]);
}

describe('GaussianPrior exact score', () => {
  for (const [name, sde, ts] of sdes) {
    it(`equals the finite-difference gradient of a float64 log p_t under ${name} (shared and per-sample t)`, () => {
      for (const c of [cov, covSingular]) {
        const prior = new GaussianPrior({ shape, mean, cov: c, sde });
        const rng = new Rng(21);
        for (const t of ts) {
          const xs = points(sde, [t, t, t], rng);
          const x = batch(xs);
          const got = prior.score(x, t);
          expect(got.shape).toEqual([3, ...shape]);
          const g = got.dataSync();
          const lp = prior.logDensity(x, t).dataSync();
          const f = hostLogp(sde, c, t);
          xs.forEach((xb, b) => {
            const want = fdGrad((v) => f(v), xb);
            expect(relErr(g.subarray(b * d, (b + 1) * d), want)).toBeLessThan(2e-5);
            expect(Math.abs(lp[b]! - f(xb))).toBeLessThan(1e-5 * Math.max(1, Math.abs(f(xb))));
          });
          tf.dispose([x, got]);
        }
        // one batch, one time per sample
        const tsB = Float32Array.from(ts);
        const xs = ts.map((t, i) => points(sde, [t], new Rng(100 + i))[0]!);
        const x = batch(xs);
        const g = prior.score(x, tsB).dataSync();
        xs.forEach((xb, b) => {
          const want = fdGrad(hostLogp(sde, c, tsB[b]!), xb);
          expect(relErr(g.subarray(b * d, (b + 1) * d), want)).toBeLessThan(2e-5);
        });
        x.dispose();
        prior.dispose();
      }
    });
  }

  it('denoiseMean is Tweedie’s E[x0|xt] and denoiseCov the Gaussian posterior covariance', () => {
    for (const [, sde] of sdes) {
      for (const c of [cov, covSingular]) {
        const prior = new GaussianPrior({ shape, mean, cov: c, sde });
        const t = 0.35;
        const { alpha, std } = sde.marginal(t);
        const xs = points(sde, [t, t], new Rng(3));
        const x = batch(xs);
        const got = prior.denoiseMean(x, t).dataSync();
        const st = perturbedCov(c, d, alpha, std);
        const l = cholesky(st, d);
        xs.forEach((xb, b) => {
          // E[x0|x] = (x + std² ∇log p_t(x)) / alpha, ∇log p_t = −Σ_t⁻¹ (x − alpha μ)
          const grad = cholSolve(l, d, xb.map((v, i) => v - alpha * mean[i]!)).map((v) => -v);
          const want = xb.map((v, i) => (v + std * std * grad[i]!) / alpha);
          expect(relErr(got.subarray(b * d, (b + 1) * d), want)).toBeLessThan(1e-5);
        });
        // Cov[x0|xt] = C − alpha² C Σ_t⁻¹ C
        const dense = prior.denoiseCov(t).dense();
        const want = new Float64Array(d * d);
        for (let j = 0; j < d; j++) {
          const col = cholSolve(l, d, Float64Array.from({ length: d }, (_, i) => c[i * d + j]!));
          for (let i = 0; i < d; i++) {
            let s = 0;
            for (let k = 0; k < d; k++) s += c[i * d + k]! * col[k]!;
            want[i * d + j] = c[i * d + j]! - alpha * alpha * s;
          }
        }
        expect(relErr(dense, want)).toBeLessThan(1e-9);
        x.dispose();
        prior.dispose();
      }
    }
  });

  it('is differentiable: tf.grad of score·w is −Σ_t⁻¹ w and tf.grad of logDensity is the score', () => {
    const sde = new SubVPSDE();
    const prior = new GaussianPrior({ shape, mean, cov, sde });
    const t = 0.45;
    const { alpha, std } = sde.marginal(t);
    const l = cholesky(perturbedCov(cov, d, alpha, std), d);
    const w = Float64Array.from(new Rng(12).normalArray(d));
    const x = batch(points(sde, [t], new Rng(13)));
    const wT = tf.tensor(Float32Array.from(w), [1, ...shape]);
    const hv = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(prior.score(v, t), wT)))(x);
    expect(relErr(hv.dataSync(), cholSolve(l, d, w).map((v) => -v))).toBeLessThan(1e-5);
    const gl = tf.grad((v: tf.Tensor) => tf.sum(prior.logDensity(v, t)))(x);
    const s = prior.score(x, t);
    expect(relErr(gl.dataSync(), s.dataSync())).toBeLessThan(1e-5);
    tf.dispose([x, wT, hv, gl, s]);
    prior.dispose();
  });

  it('matches −Σ_t⁻¹ (x − alpha μ) at d = 64 with a dense random covariance', () => {
    const n = 64;
    const rng = new Rng(64);
    const b = Float64Array.from(rng.normalArray(n * n));
    const c = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += (b[i * n + k]! * b[j * n + k]!) / n;
        c[i * n + j] = s;
      }
    const mu = Float64Array.from(rng.normalArray(n));
    const sde = new VPSDE();
    const prior = new GaussianPrior({ shape: [8, 8, 1], mean: mu, cov: c, sde });
    const t = 0.2;
    const { alpha, std } = sde.marginal(t);
    const l = cholesky(perturbedCov(c, n, alpha, std), n);
    const xs = Float32Array.from(rng.normalArray(2 * n));
    const x = tf.tensor(xs, [2, 8, 8, 1]);
    const g = prior.score(x, t).dataSync();
    for (let bi = 0; bi < 2; bi++) {
      const r = Float64Array.from({ length: n }, (_, i) => xs[bi * n + i]! - alpha * mu[i]!);
      const want = cholSolve(l, n, r).map((v) => -v);
      expect(relErr(g.subarray(bi * n, (bi + 1) * n), want)).toBeLessThan(1e-5);
    }
    x.dispose();
    prior.dispose();
  });

  it('marginalMoments and logDensity0 match closed forms', () => {
    const sde = new VPSDE();
    const prior = new GaussianPrior({ shape, mean, cov, sde });
    const m = prior.marginalMoments(0.5);
    const { alpha, std } = sde.marginal(0.5);
    expect(relErr(m.mean, mean.map((v) => alpha * v))).toBeLessThan(1e-15);
    const sorted = [...lambdaFull];
    sorted.forEach((l, i) => expect(Math.abs(m.values[i]! - (alpha * alpha * l + std * std))).toBeLessThan(1e-12));
    const xs = points(sde, [0, 0], new Rng(4));
    const x = batch(xs);
    const lp = prior.logDensity0(x).dataSync();
    xs.forEach((xb, b) => expect(Math.abs(lp[b]! - logNormal(Float32Array.from(xb), mean, cov, d))).toBeLessThan(1e-4));
    x.dispose();
    prior.dispose();
    const sing = new GaussianPrior({ shape, mean, cov: covSingular, sde });
    const x2 = batch(xs);
    expect(() => sing.logDensity0(x2)).toThrow(/singular/);
    expect(() => sing.score(x2, 0)).toThrow(ScoresdeError); // VP std(0) = 0 with a singular C
    x2.dispose();
    sing.dispose();
  });

  it('sampleData has mean μ and covariance C', () => {
    const prior = new GaussianPrior({ shape, mean, cov, sde: new VESDE() });
    const n = 20000;
    const s = prior.sampleData(n, new Rng(99));
    expect(s.shape).toEqual([n, ...shape]);
    const v = s.dataSync();
    const mu = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu[j] += v[i * d + j]! / n;
    const c = new Float64Array(d * d);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) c[j * d + k] += ((v[i * d + j]! - mu[j]!) * (v[i * d + k]! - mu[k]!)) / (n - 1);
    // sd of each mean entry ≤ 2/√n = 0.014; covariance relative Frobenius sd ≈ √(2/n)·… ≈ 0.01
    for (let j = 0; j < d; j++) expect(Math.abs(mu[j]! - mean[j]!)).toBeLessThan(0.05);
    expect(relErr(c, cov)).toBeLessThan(0.04);
    s.dispose();
    prior.dispose();
  });

  it('does not leak tensors across score calls', () => {
    const prior = new GaussianPrior({ shape, mean, cov, sde: new VPSDE() });
    const x = batch(points(prior.sde, [0.5, 0.5], new Rng(1)));
    prior.score(x, 0.5).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      prior.score(x, 0.1 * (i + 1)).dispose();
      prior.score(x, Float32Array.of(0.2, 0.9)).dispose();
      prior.denoiseMean(x, 0.3).dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    prior.dispose();
  });
});

describe('GaussianPrior validation', () => {
  const sde = new VESDE();
  it('rejects asymmetric, non-PSD, mis-shaped and non-finite inputs with one-line errors', () => {
    const asym = Float64Array.from(cov);
    asym[1] += 0.01;
    const nonPsd = spdWithSpectrum([-0.3, 0.2, 0.7, 1.3, 2.5, 4], new Rng(2));
    const nanCov = Float64Array.from(cov);
    nanCov[7] = NaN;
    const nanMean = Float64Array.from(mean);
    nanMean[2] = NaN;
    const cases: [() => unknown, RegExp][] = [
      [() => new GaussianPrior({ shape, mean, cov: asym, sde }), /not symmetric/],
      [() => new GaussianPrior({ shape, mean, cov: nonPsd, sde }), /not positive semi-definite/],
      [() => new GaussianPrior({ shape, mean: mean.subarray(0, 5), cov, sde }), /mean has 5 entries, expected d = 6/],
      [() => new GaussianPrior({ shape, mean, cov: cov.subarray(0, 30), sde }), /covariance has 30 entries/],
      [() => new GaussianPrior({ shape: [2, 3], mean, cov, sde }), /\[H, W, C\]/],
      [() => new GaussianPrior({ shape, mean, cov: nanCov, sde }), /NaN/],
      [() => new GaussianPrior({ shape, mean: nanMean, cov, sde }), /NaN/],
    ];
    for (const [fn, re] of cases) {
      let err: unknown;
      try {
        fn();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ScoresdeError);
      expect((err as Error).message).toMatch(re);
      expect((err as Error).message).not.toContain('\n');
    }
    // float32 rounding of a singular covariance is accepted (eigenvalues ~ −1e-8·max clamped to 0)
    expect(() => new GaussianPrior({ shape, mean, cov: Float32Array.from(covSingular), sde }).dispose()).not.toThrow();
  });

  it('rejects a wrongly shaped x and a per-sample time vector of the wrong length', () => {
    const prior = new GaussianPrior({ shape, mean, cov, sde });
    const bad = tf.zeros([2, 3, 2, 1]);
    expect(() => prior.score(bad, 0.5)).toThrow(/expected x of shape \[B, 2, 3, 1\]/);
    const x = tf.zeros([2, 2, 3, 1]);
    expect(() => prior.score(x, Float32Array.of(0.1, 0.2, 0.3))).toThrow(/3 per-sample times for a batch of 2/);
    tf.dispose([bad, x]);
    prior.dispose();
  });
});
