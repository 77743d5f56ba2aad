import { describe, it, expect } from 'vitest';
import { tf, GmmPrior, VESDE, VPSDE, SubVPSDE, Rng, ScoresdeError, type SDE, type GmmComponentInput } from '@scoresde/core';
import { fdGrad, logNormal, logSumExp, perturbedCov, relErr, spdWithSpectrum } from './hostGaussian.js';

const shape = [1, 2, 2];
const d = 4;
const fullCov = spdWithSpectrum([0.05, 0.4, 1, 3], new Rng(31));
const comps: GmmComponentInput[] = [
  { weight: 2, mean: [-2, 0.5, 0, 1], cov: 0.3 },
  { weight: 5, mean: [1.5, -1, 0.5, 0], cov: [0.1, 0.5, 1, 2] },
  { weight: 3, mean: [0, 2, -1.5, -0.5], cov: fullCov },
];
const weights = [0.2, 0.5, 0.3];

/** Dense covariances of the components. */
const dense: Float64Array[] = [
  Float64Array.from({ length: d * d }, (_, i) => (i % (d + 1) === 0 ? 0.3 : 0)),
  Float64Array.from({ length: d * d }, (_, i) => (i % (d + 1) === 0 ? [0.1, 0.5, 1, 2][i / (d + 1)]! : 0)),
  fullCov,
];

function hostComp(sde: SDE, t: number, k: number) {
  const { alpha, std } = sde.marginal(t);
  const s = perturbedCov(dense[k]!, d, alpha, std);
  const m = (comps[k]!.mean as number[]).map((v) => alpha * v);
  return (x: ArrayLike<number>) => logNormal(x, m, s, d);
}

function hostLogp(sde: SDE, t: number) {
  const cs = [0, 1, 2].map((k) => hostComp(sde, t, k));
  return (x: ArrayLike<number>) => logSumExp(cs.map((f, k) => Math.log(weights[k]!) + f(x)));
}

function hostResp(sde: SDE, t: number, x: ArrayLike<number>): number[] {
  const l = [0, 1, 2].map((k) => Math.log(weights[k]!) + hostComp(sde, t, k)(x));
  const z = logSumExp(l);
  return l.map((v) => Math.exp(v - z));
}

/** Points between and around the components, scaled like p_t. */
function points(sde: SDE, t: number, n: number, rng: Rng): Float64Array[] {
  const { alpha, std } = sde.marginal(t);
  return Array.from({ length: n }, (_, i) => {
    const m = comps[i % 3]!.mean as number[];
    const z = rng.normalArray(d);
    return Float64Array.from(m, (v, j) => alpha * v + (std + 1.2) * z[j]!);
  });
}

function batch(xs: Float64Array[]): tf.Tensor {
  const flat = new Float32Array(xs.length * d);
  xs.forEach((x, b) => flat.set(Float32Array.from(x), b * d));
  return tf.tensor(flat, [xs.length, ...shape]);
}

const sdes: [string, SDE, number[]][] = [
  ['ve', new VESDE({ sigmaMax: 20 }), [1e-5, 0.2, 0.6, 1]],
  ['vp', new VPSDE(), [1e-3, 0.2, 0.5, 1]],
  ['subvp', new SubVPSDE(), [1e-3, 0.2, 0.5, 1]],
];

describe('GmmPrior exact score', () => {
  for (const [name, sde, ts] of sdes) {
    it(`score, responsibilities, log-density and component scores match float64 references under ${name}`, () => {
      const prior = new GmmPrior({ shape, components: comps, sde });
      expect(Array.from(prior.weights)).toEqual(weights.map((w) => expect.closeTo(w, 15)));
      let mixed = 0;
      for (const t of ts) {
        const xs = points(sde, t, 6, new Rng(Math.round(t * 1e5) + 1));
        const x = batch(xs);
        const g = prior.score(x, t).dataSync();
        const r = prior.responsibilities(x, t).dataSync();
        const lp = prior.logDensity(x, t).dataSync();
        const c2 = prior.componentScore(x, t, 2).dataSync();
        const f = hostLogp(sde, t);
        xs.forEach((xb, b) => {
          const xf = Float32Array.from(xb); // the device sees float32 inputs
          expect(relErr(g.subarray(b * d, (b + 1) * d), fdGrad(f, xf))).toBeLessThan(5e-5);
          const want = hostResp(sde, t, xf);
          if (Math.max(...want) < 0.9) mixed++;
          let sum = 0;
          want.forEach((w, k) => {
            expect(Math.abs(r[b * 3 + k]! - w)).toBeLessThan(2e-5);
            sum += r[b * 3 + k]!;
          });
          expect(Math.abs(sum - 1)).toBeLessThan(1e-6);
          expect(Math.abs(lp[b]! - f(xf))).toBeLessThan(2e-6 * Math.max(1, Math.abs(f(xf))));
          expect(relErr(c2.subarray(b * d, (b + 1) * d), fdGrad(hostComp(sde, t, 2), xf))).toBeLessThan(2e-5);
        });
        x.dispose();
      }
      expect(mixed).toBeGreaterThan(3); // the test exercises genuinely mixed responsibilities
      // per-sample times in one batch
      const tb = Float32Array.from(ts);
      const xs = ts.map((t, i) => points(sde, t, 3, new Rng(50 + i))[i % 3]!);
      const x = batch(xs);
      const g = prior.score(x, tb).dataSync();
      const r = prior.responsibilities(x, tb).dataSync();
      xs.forEach((xb, b) => {
        const xf = Float32Array.from(xb);
        expect(relErr(g.subarray(b * d, (b + 1) * d), fdGrad(hostLogp(sde, tb[b]!), xf))).toBeLessThan(5e-5);
        hostResp(sde, tb[b]!, xf).forEach((w, k) => expect(Math.abs(r[b * 3 + k]! - w)).toBeLessThan(2e-5));
      });
      x.dispose();
      prior.dispose();
    });
  }

  it('denoiseMean is Tweedie’s formula (x + std² ∇log p_t) / alpha', () => {
    const sde = new VPSDE();
    const prior = new GmmPrior({ shape, components: comps, sde });
    const t = 0.3;
    const { alpha, std } = sde.marginal(t);
    const xs = points(sde, t, 6, new Rng(5));
    const x = batch(xs);
    const got = prior.denoiseMean(x, t).dataSync();
    xs.forEach((xb, b) => {
      const xf = Float32Array.from(xb);
      const grad = fdGrad(hostLogp(sde, t), xf);
      const want = Array.from(xf, (v, i) => (v + std * std * grad[i]!) / alpha);
      expect(relErr(got.subarray(b * d, (b + 1) * d), want)).toBeLessThan(5e-5);
    });
    x.dispose();
    prior.dispose();
  });

  it('sampleData: label frequencies match the weights and each component has its moments', () => {
    const prior = new GmmPrior({ shape, components: comps, sde: new VESDE() });
    const n = 30000;
    const { x, labels } = prior.sampleData(n, new Rng(17));
    expect(x.shape).toEqual([n, ...shape]);
    const v = x.dataSync();
    for (let k = 0; k < 3; k++) {
      const idx = labels.reduce<number[]>((acc, l, i) => (l === k ? (acc.push(i), acc) : acc), []);
      // sd of a frequency ≤ √(0.25/30000) = 0.003
      expect(Math.abs(idx.length / n - weights[k]!)).toBeLessThan(0.012);
      const mu = new Float64Array(d);
      for (const i of idx) for (let j = 0; j < d; j++) mu[j] += v[i * d + j]! / idx.length;
      const c = new Float64Array(d * d);
      for (const i of idx)
        for (let j = 0; j < d; j++)
          for (let l = 0; l < d; l++) c[j * d + l] += ((v[i * d + j]! - mu[j]!) * (v[i * d + l]! - mu[l]!)) / (idx.length - 1);
      (comps[k]!.mean as number[]).forEach((m, j) => expect(Math.abs(mu[j]! - m)).toBeLessThan(0.06));
      expect(relErr(c, dense[k]!)).toBeLessThan(0.05);
    }
    // seeded
    const again = prior.sampleData(50, new Rng(17));
    expect(Array.from(again.labels)).toEqual(Array.from(labels.subarray(0, 50)));
    tf.dispose([x, again.x]);
    prior.dispose();
  });

  it('does not leak tensors', () => {
    const prior = new GmmPrior({ shape, components: comps, sde: new VPSDE() });
    const x = batch(points(prior.sde, 0.5, 4, new Rng(2)));
    prior.score(x, 0.5).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      prior.score(x, 0.2).dispose();
      prior.responsibilities(x, Float32Array.of(0.1, 0.2, 0.3, 0.4)).dispose();
      prior.denoiseMean(x, 0.4).dispose();
      prior.logDensity(x, 0.4).dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    prior.dispose();
  });
});

describe('GmmPrior validation', () => {
  const sde = new VPSDE();
  const mk = (c: GmmComponentInput[]) => () => new GmmPrior({ shape, components: c, sde });
  it('rejects bad weights, covariances and shapes with one-line errors', () => {
    const cases: [() => unknown, RegExp][] = [
      [mk([{ ...comps[0]!, weight: 0 }]), /weight must be a positive/],
      [mk([{ ...comps[0]!, weight: NaN }]), /weight must be a positive/],
      [mk([]), /at least one component/],
      [mk([{ ...comps[0]!, cov: [1, 2, 3] }]), /covariance must be a number, 4 variances or 4×4 entries/],
      [mk([{ ...comps[0]!, cov: [1, -2, 3, 1] }]), /not positive semi-definite/],
      [mk([{ ...comps[0]!, cov: spdWithSpectrum([-1, 1, 2, 3], new Rng(1)) }]), /component 0: covariance is not positive semi-definite/],
      [mk([comps[0]!, { ...comps[1]!, mean: [0, 0, 0] }]), /component 1: mean has 3 entries/],
      [mk([{ ...comps[0]!, mean: [0, NaN, 0, 0] }]), /NaN/],
      [mk([{ ...comps[0]!, cov: -1 }]), /variance must be/],
      [mk([{ ...comps[0]!, cov: [1, 2, 3, 4], kind: 'isotropic' }]), /isotropic covariance must be one number/],
    ];
    for (const [fn, re] of cases) {
      let err: unknown;
      try {
        fn();
      } catch (e) {
        err = e;
      }
      expect(err, String(re)).toBeInstanceOf(ScoresdeError);
      expect((err as Error).message).toMatch(re);
    }
    const prior = new GmmPrior({ shape, components: comps, sde });
    const x = tf.zeros([1, ...shape]);
    expect(() => prior.componentScore(x, 0.5, 3)).toThrow(/out of range/);
    x.dispose();
    prior.dispose();
  });
});

describe('GmmPrior autodiff consistency', () => {
  it('tf.grad of logDensity is the score; tf.grad of log p_t(k|x) is classLogProbGrad', () => {
    for (const sde of [new VESDE({ sigmaMax: 20 }), new SubVPSDE()]) {
      const prior = new GmmPrior({ shape, components: comps, sde });
      const t = 0.25;
      const x = batch(points(sde, t, 6, new Rng(8)));
      const gLog = tf.grad((v: tf.Tensor) => tf.sum(prior.logDensity(v, t)))(x);
      const s = prior.score(x, t);
      expect(relErr(gLog.dataSync(), s.dataSync())).toBeLessThan(1e-5);
      const k = 1;
      const gCls = tf.grad((v: tf.Tensor) => tf.sum(tf.slice(prior.logResponsibilities(v, t), [0, k], [-1, 1])))(x);
      const c = prior.classLogProbGrad(x, t, k);
      expect(relErr(c.dataSync(), gCls.dataSync())).toBeLessThan(1e-4);
      tf.dispose([x, gLog, s, gCls, c]);
      prior.dispose();
    }
  });
});
