/**
 * dps: the autodiff gradient equals the closed form for a Gaussian prior and a linear operator
 * (x̂₀ = m(x) = μ + K_t(x − alpha μ) ⇒ ∇‖y − A x̂₀‖ = −K_t Aᵀ r / ‖r‖), works through a nonlinear
 * operator (central finite differences), and leaves the live tensor count unchanged across PC
 * steps.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Rng, VESDE, VPSDE, noneCorrector, pcSample, reverseDiffusionPredictor, tf,
  type ForwardOperator, type GuidanceContext, type Tensor,
} from '@scoresde/core';
import { NoNoise } from '@scoresde/forward-operators';
import { DpsTerm } from '../src/terms/dps.js';
import { calibrationOperator, makeGaussianPrior, simulateMeasurement, smoothGaussianSpec } from '../src/calibration/problems.js';
import { matMul, transpose } from '../src/linalg/dense.js';
import { operatorMatrix } from '../src/linalg/operatorMatrix.js';
import { startBackend } from './helpers.js';

beforeAll(startBackend);

/** y = (W x)² elementwise: a nonlinear test operator. */
class SquareOperator implements ForwardOperator {
  readonly name = 'square';
  readonly inputShape = [2, 2, 1];
  readonly outputShape = [3];
  readonly linear = false;
  readonly noise = new NoNoise();
  private readonly W = tf.tensor2d([0.5, -1, 0.3, 0.2, 1, 0.4, -0.7, 0.1, 0.2, 0.3, 0.9, -0.5], [4, 3]);
  forward(x: Tensor): Tensor {
    return tf.tidy(() => tf.square(tf.matMul(tf.reshape(x, [x.shape[0]!, 4]), this.W)));
  }
}

describe('dps', () => {
  it('linear operator + Gaussian prior: autodiff gradient equals the closed form', async () => {
    for (const sde of [new VESDE(), new VPSDE()]) {
      const spec = smoothGaussianSpec(4, 4);
      const prior = makeGaussianPrior(spec, sde);
      const op = calibrationOperator('matrix', spec.shape, 0.05);
      const { y } = simulateMeasurement(prior, op, new Rng(1));
      const zeta = 0.7;
      const term = new DpsTerm({ operator: op, y, zeta });
      const ctx: GuidanceContext = { sde, priorScore: (x, t) => prior.score(x, t), rng: new Rng(0) };
      const { A, m } = await operatorMatrix(op);
      const d = spec.d;
      const yv = y.dataSync();
      for (const t of [0.9, 0.3, 0.05]) {
        const x = new Rng(3).normalTensor([3, 4, 4, 1]);
        const got = term.grad(x, t, ctx).dataSync();
        const xhat = prior.denoiseMean(x, t).dataSync();
        for (let b = 0; b < 3; b++) {
          const r = Float64Array.from({ length: m }, (_, i) => yv[i]! - matMul(A.subarray(i * d, (i + 1) * d), xhat.subarray(b * d, (b + 1) * d), 1, d, 1)[0]!);
          const nr = Math.hypot(...r);
          const Atr = matMul(transpose(A, m, d), r, d, m, 1);
          // K_t = ∂m/∂x: columns by denoiseMean differences (m is affine)
          const { alpha, std } = sde.marginal(t);
          const lam = prior.eigenvalues;
          const U = prior.eigenvectors;
          const want = new Float64Array(d);
          for (let i = 0; i < d; i++) {
            let s = 0;
            for (let j = 0; j < d; j++) {
              let kij = 0;
              for (let q = 0; q < d; q++) kij += U[i * d + q]! * ((alpha * lam[q]!) / (alpha * alpha * lam[q]! + std * std)) * U[j * d + q]!;
              s += kij * Atr[j]!;
            }
            want[i] = (zeta * s) / nr; // −ζ ∇‖r‖ = +ζ K Aᵀ r/‖r‖
          }
          const scale = Math.max(...want.map(Math.abs));
          for (let i = 0; i < d; i++) expect(Math.abs(got[b * d + i]! - want[i]!) / scale).toBeLessThan(2e-3);
        }
        x.dispose();
      }
      term.dispose();
      prior.dispose();
    }
  });

  it('nonlinear operator: matches central finite differences of −ζ‖y − A(x̂₀(x))‖', async () => {
    const sde = new VPSDE();
    const spec = smoothGaussianSpec(2, 2);
    const prior = makeGaussianPrior(spec, sde);
    const op = new SquareOperator();
    const y = tf.tensor2d([[0.3, 1.2, 0.5]]);
    const term = new DpsTerm({ operator: op, y, zeta: 1 });
    const ctx: GuidanceContext = { sde, priorScore: (x, t) => prior.score(x, t), rng: new Rng(0) };
    const t = 0.2;
    const x0 = Float64Array.from(new Rng(6).normalArray(4));
    const f = (v: ArrayLike<number>): number =>
      tf.tidy(() => -term.residualNorms(tf.tensor4d(Float32Array.from(v), [1, 2, 2, 1]), t, ctx).dataSync()[0]!);
    const g = term.grad(tf.tensor4d(Float32Array.from(x0), [1, 2, 2, 1]), t, ctx).dataSync();
    const h = 1e-2;
    for (let i = 0; i < 4; i++) {
      const p = Float64Array.from(x0);
      const q = Float64Array.from(x0);
      p[i]! += h;
      q[i]! -= h;
      expect(g[i]).toBeCloseTo((f(p) - f(q)) / (2 * h), 2);
    }
  });

  it('no tensor growth across PC steps', async () => {
    const sde = new VESDE();
    const spec = smoothGaussianSpec(4, 4);
    const prior = makeGaussianPrior(spec, sde);
    const op = calibrationOperator('mask', spec.shape, 0);
    const { x: truth, y } = simulateMeasurement(prior, op, new Rng(1));
    const term = new DpsTerm({ operator: op, y, zeta: 1 });
    const counts: number[] = [];
    const r = await pcSample({
      sde, score: (x, t) => prior.score(x, t), predictor: reverseDiffusionPredictor(), corrector: noneCorrector(),
      shape: [8, 4, 4, 1], rng: new Rng(2), steps: 20, terms: [term], onStep: () => counts.push(tf.memory().numTensors),
    });
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(r.nfe).toBe(20);
    expect(r.x.dataSync().every(Number.isFinite)).toBe(true);
    tf.dispose([r.x, truth, y]);
    term.dispose();
    prior.dispose();
  });

  it('bad input: wrong y shape, negative zeta', () => {
    const spec = smoothGaussianSpec(4, 4);
    const op = calibrationOperator('mask', spec.shape, 0);
    expect(() => new DpsTerm({ operator: op, y: tf.zeros([1, 16]) })).toThrow(/measurement y has shape \[1, 16\]/);
    expect(() => new DpsTerm({ operator: op, y: tf.zeros([1, 4, 4, 1]), zeta: -1 })).toThrow(/zeta must be/);
  });
});
