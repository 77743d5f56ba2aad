import { describe, it, expect } from 'vitest';
import { Rng, ScoresdeError, tf, type ForwardOperator, type Tensor } from '@scoresde/core';
import {
  adjointCheck,
  GaussianNoise,
  GradientOperator,
  GrayscaleOperator,
  MaskOperator,
  NoNoise,
  opNorm,
  psnr,
  randomMask,
  tvObjective,
  tvReconstruct,
  zeroFilled,
} from '@scoresde/forward-operators';
import { BACKENDS, useBackend } from './helpers.js';

function identity(h: number, w: number, c = 1): MaskOperator {
  return new MaskOperator({ data: new Float32Array(h * w).fill(1), shape: [h, w, 1] }, [h, w, c]);
}

/** Piecewise-constant phantom on [0, 1]: disk, rectangle and a small bright square. */
function phantom(n: number): Float32Array {
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let v = 0;
      if ((i - n / 2) ** 2 + (j - n / 2) ** 2 < (0.35 * n) ** 2) v = 0.6;
      if (i > n * 0.3 && i < n * 0.55 && j > n * 0.25 && j < n * 0.5) v = 0.3;
      if (i > n * 0.6 && i < n * 0.72 && j > n * 0.55 && j < n * 0.7) v = 1;
      out[i * n + j] = v;
    }
  return out;
}

describe.each(BACKENDS)('gradient and opNorm on %s', (backend) => {
  it('∇ has an exact adjoint and ‖∇‖ = √(4 + 4cos(π/n))', async () => {
    await useBackend(backend);
    const g = new GradientOperator([16, 16, 2]);
    expect(await adjointCheck(g, new Rng(1))).toBeLessThan(1e-5);
    expect(await adjointCheck(new GradientOperator([5, 9, 1]), new Rng(2))).toBeLessThan(1e-5);
    const n = await opNorm(new GradientOperator([16, 16, 1]), { iters: 500, tol: 1e-9 });
    expect(n).toBeCloseTo(Math.sqrt(4 + 4 * Math.cos(Math.PI / 16)), 3);
  });

  it('opNorm of known operators', async () => {
    await useBackend(backend);
    expect(await opNorm(new GrayscaleOperator([6, 6, 3]))).toBeCloseTo(1 / Math.sqrt(3), 5);
    expect(await opNorm(identity(6, 6))).toBeCloseTo(1, 5);
  });
});

describe('TV reconstruction (PDHG)', () => {
  it('1-D step denoising converges to the closed form (levels move by λ/k)', async () => {
    await useBackend('cpu');
    // y = 0 on 8 pixels, 1 on 8 pixels; minimiser of ½‖x − y‖² + λ TV(x): 0 + λ/8 and 1 − λ/8
    const y = tf.tensor([...Array(8).fill(0), ...Array(8).fill(1)], [1, 1, 16, 1]);
    const op = identity(1, 16);
    const lambda = 0.8;
    const objs: number[] = [];
    const x = await tvReconstruct(op, y, { lambda, iters: 1500, onObjective: (_, o) => objs.push(o), traceEvery: 50 });
    const v = x.dataSync();
    for (let j = 0; j < 16; j++) expect(Math.abs(v[j]! - (j < 8 ? lambda / 8 : 1 - lambda / 8))).toBeLessThan(1e-4);
    const exactObj = 0.5 * 16 * (lambda / 8) ** 2 + lambda * (1 - (2 * lambda) / 8);
    expect(objs[objs.length - 1]!).toBeCloseTo(exactObj, 5);
    expect(await tvObjective(op, x, y, lambda)).toBeLessThan(exactObj + 1e-6);
    // the objective goes down (up to the PDHG's small non-monotone wiggles) from the start
    expect(objs[objs.length - 1]!).toBeLessThan(objs[0]! + 1e-9);
    expect(objs[0]!).toBeLessThan(0.5 * 0 + lambda * 1 + 1e-9);
  });

  it('converges at the same rate for a large-norm operator (A = 50·I, as for CT scales)', async () => {
    await useBackend('cpu');
    const c = 50;
    const op: ForwardOperator = {
      name: 'scaled',
      inputShape: [1, 16, 1],
      outputShape: [1, 16, 1],
      linear: true,
      noise: new NoNoise(),
      forward: (x: Tensor) => x.mul(c),
      adjoint: (y: Tensor) => y.mul(c),
    };
    // ½‖c x − c s‖² + λ TV(x) = c²(½‖x − s‖² + (λ/c²) TV(x)): levels move by λ/(c²·8)
    const y = tf.tensor([...Array(8).fill(0), ...Array(8).fill(c)], [1, 1, 16, 1]);
    const lambda = 0.8 * c * c;
    expect(await opNorm(op)).toBeCloseTo(c, 3);
    for (const stepRatio of [1, 4]) {
      const x = (await tvReconstruct(op, y, { lambda, iters: 600, stepRatio })).dataSync();
      for (let j = 0; j < 16; j++) expect(Math.abs(x[j]! - (j < 8 ? 0.1 : 0.9))).toBeLessThan(1e-4);
    }
  });

  it('large λ gives the mean, small λ gives y (A = I limits)', async () => {
    await useBackend('cpu');
    const y = new Rng(4).normalTensor([1, 8, 8, 1]);
    const mean = tf.mean(y).dataSync()[0]!;
    const op = identity(8, 8);
    const xBig = (await tvReconstruct(op, y, { lambda: 50, iters: 2000 })).dataSync();
    for (const v of xBig) expect(Math.abs(v - mean)).toBeLessThan(2e-3);
    const xSmall = (await tvReconstruct(op, y, { lambda: 1e-4, iters: 50 })).dataSync();
    const yv = y.dataSync();
    for (let i = 0; i < yv.length; i++) expect(Math.abs(xSmall[i]! - yv[i]!)).toBeLessThan(5e-3);
  });

  it('beats the zero-filled reconstruction on a masked, noisy piecewise-constant phantom by > 10 dB', async () => {
    await useBackend('wasm');
    const n = 64;
    const truth = phantom(n);
    const op = new MaskOperator(randomMask(n, n, 1, 0.35, 7), [n, n, 1], new GaussianNoise(0.05));
    const x = tf.tensor(truth, [1, n, n, 1]);
    const clean = op.forward(x);
    const y = op.noise.sample(clean, new Rng(8)).mul(op.maskTensor);
    const zf = zeroFilled(op, y).dataSync();
    const tv = (await tvReconstruct(op, y, { lambda: 0.03, iters: 300, nonneg: true })).dataSync();
    const ref = { data: truth, shape: [n, n] };
    const pZf = psnr(ref, { data: zf, shape: [n, n] }, { dataRange: 1 });
    const pTv = psnr(ref, { data: tv, shape: [n, n] }, { dataRange: 1 });
    expect(pTv).toBeGreaterThan(pZf + 10);
    expect(pTv).toBeGreaterThan(24);
  });

  it('tidies its tensors and rejects bad input', async () => {
    await useBackend('cpu');
    const op = identity(8, 8);
    const y = tf.zeros([1, 8, 8, 1]);
    const before = tf.memory().numTensors;
    const x = await tvReconstruct(op, y, { lambda: 0.1, iters: 5, opNorm: 1 });
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await expect(tvReconstruct(op, y, { lambda: 0 })).rejects.toThrow(/lambda must be > 0/);
    await expect(tvReconstruct(op, tf.zeros([1, 4, 4, 1]), { lambda: 1 })).rejects.toThrow(ScoresdeError);
    await expect(tvReconstruct(op, y, { lambda: 1, iters: 0 })).rejects.toThrow(/iters/);
    await expect(tvReconstruct(op, y, { lambda: 1, stepRatio: -1 })).rejects.toThrow(/stepRatio must be > 0/);
  });
});
