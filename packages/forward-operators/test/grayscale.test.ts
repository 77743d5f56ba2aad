import { describe, it, expect } from 'vitest';
import { createRegistries, Rng, ScoresdeError, tf } from '@scoresde/core';
import { adjointCheck, COLOR_Q, coupleColor, decoupleColor, GrayscaleOperator, registerOperators } from '@scoresde/forward-operators';
import { BACKENDS, maxAbsDiff, useBackend } from './helpers.js';

describe('colour transform', () => {
  it('Q is orthonormal with first row (1,1,1)/√3 and matches score_sde_pytorch M (= Qᵀ)', () => {
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        const d = COLOR_Q[i]!.reduce((s, v, k) => s + v * COLOR_Q[j]![k]!, 0);
        expect(d).toBeCloseTo(i === j ? 1 : 0, 14);
      }
    const M = [
      [5.7735014e-1, -8.1649649e-1, 4.7008697e-8],
      [5.7735026e-1, 4.0824834e-1, 7.0710671e-1],
      [5.7735026e-1, 4.0824822e-1, -7.0710683e-1],
    ];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(COLOR_Q[j]![i]!).toBeCloseTo(M[i]![j]!, 6);
  });
});

describe.each(BACKENDS)('grayscale on %s', (backend) => {
  it('y is the channel mean; adjoint exact; A⁺ = (y,y,y)', async () => {
    await useBackend(backend);
    const op = new GrayscaleOperator([5, 7, 3]);
    const x = tf.tensor([0.3, 0.6, 0.9], [1, 1, 1, 3]).tile([2, 5, 7, 1]);
    const y = op.forward(x);
    expect(y.shape).toEqual([2, 5, 7, 1]);
    expect(maxAbsDiff(y.dataSync(), new Float32Array(70).fill(0.6))).toBeLessThan(1e-6);
    expect(await adjointCheck(op, new Rng(3), { batch: 3 })).toBeLessThan(1e-5);
    const r = new Rng(4).normalTensor([1, 5, 7, 1]);
    expect(maxAbsDiff(op.forward(op.pseudoInverse(r)).dataSync(), r.dataSync())).toBeLessThan(1e-6);
    expect(maxAbsDiff(op.adjoint(r).mul(3).dataSync(), op.pseudoInverse(r).dataSync())).toBeLessThan(1e-6);
  });

  it('decomposition: embed(Ax) = Λ ⊙ Tx exactly (√3 scaling), T⁻¹T = I', async () => {
    await useBackend(backend);
    const op = new GrayscaleOperator([4, 6, 3]);
    const d = op.decomposition;
    const x = new Rng(9).normalTensor([2, 4, 6, 3]);
    const tx = d.transform(x);
    expect(maxAbsDiff(d.embed(op.forward(x)).dataSync(), d.mask().mul(tx).dataSync())).toBeLessThan(2e-6);
    expect(maxAbsDiff(d.inverseTransform(tx).dataSync(), x.dataSync())).toBeLessThan(2e-6);
    expect(maxAbsDiff(coupleColor(decoupleColor(x)).dataSync(), x.dataSync())).toBeLessThan(2e-6);
    // embed(y) = T(A⁺y): the gray image replicated in RGB, decoupled (as score_sde_pytorch's colorizer does)
    const yg = op.forward(x);
    expect(maxAbsDiff(d.embed(yg).dataSync(), d.transform(op.pseudoInverse(yg)).dataSync())).toBeLessThan(2e-6);
    // channel norms are preserved (orthogonal T)
    const n0 = tf.sum(x.square()).dataSync()[0]!;
    expect(tf.sum(tx.square()).dataSync()[0]!).toBeCloseTo(n0, 2);
    // Λ keeps only the gray axis: the colour channels of a gray image vanish
    const g = tf.tensor([0.2, 0.2, 0.2], [1, 1, 1, 3]).tile([1, 4, 6, 1]);
    const tg = d.transform(g).dataSync();
    for (let i = 0; i < tg.length; i++) expect(Math.abs(tg[i]! - (i % 3 === 0 ? 0.2 * Math.sqrt(3) : 0))).toBeLessThan(1e-6);
  });
});

describe('grayscale bad input', () => {
  it('needs RGB input and matching shapes', async () => {
    const reg = createRegistries();
    registerOperators(reg);
    await expect(reg.operators.create('grayscale', {}, { inputShape: [8, 8, 1], cwd: '.', registries: reg })).rejects.toThrow(
      'grayscale: needs a 3-channel (RGB) image, got 8×8×1',
    );
    const op = await reg.operators.create('grayscale', { noise: 'gaussian', noise_sigma: 0.05 }, { inputShape: [8, 8, 3], cwd: '.', registries: reg });
    expect(op.noise.sigma).toBe(0.05);
    expect(() => op.forward(tf.zeros([1, 8, 8, 1]))).toThrow(ScoresdeError);
    expect(() => op.adjoint!(tf.zeros([1, 8, 8, 3]))).toThrow('grayscale: measurement 8×8×3 does not match operator output 8×8×1');
  });
});
