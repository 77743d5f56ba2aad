import { describe, it, expect } from 'vitest';
import { Rng, ScoresdeError, tf, type ForwardOperator, type Tensor } from '@scoresde/core';
import { adjointCheck, compose, NoNoise } from '@scoresde/forward-operators';
import { BACKENDS, useBackend } from './helpers.js';

/** y = D x (diagonal weights) on [H, W, C]; `wrongAdjoint` scales the adjoint to test detection. */
function diag(w: Float32Array, shape: number[], wrongAdjoint = 1): ForwardOperator {
  const wt = tf.tensor(w, [1, ...shape]);
  return {
    name: 'diag',
    inputShape: shape,
    outputShape: shape,
    linear: true,
    noise: new NoNoise(),
    forward: (x: Tensor) => x.mul(wt),
    adjoint: (y: Tensor) => y.mul(wt).mul(wrongAdjoint),
  };
}

/** y = transpose of H and W (shape-changing, orthogonal). */
function transposeOp(shape: number[]): ForwardOperator {
  return {
    name: 'transpose',
    inputShape: shape,
    outputShape: [shape[1]!, shape[0]!, shape[2]!],
    linear: true,
    noise: new NoNoise(),
    forward: (x: Tensor) => x.transpose([0, 2, 1, 3]),
    adjoint: (y: Tensor) => y.transpose([0, 2, 1, 3]),
    pseudoInverse: (y: Tensor) => y.transpose([0, 2, 1, 3]),
  };
}

describe.each(BACKENDS)('adjointCheck and compose on %s', (backend) => {
  it('accepts an exact adjoint and flags a wrong one', async () => {
    await useBackend(backend);
    const rng = new Rng(11);
    const w = rng.normalArray(8 * 6 * 2);
    expect(await adjointCheck(diag(w, [8, 6, 2]), rng, { batch: 3 })).toBeLessThan(1e-6);
    expect(await adjointCheck(diag(w, [8, 6, 2], 1.01), rng)).toBeGreaterThan(1e-4);
  });

  it('composes B∘A with the adjoint Aᵀ∘Bᵀ and checks shapes', async () => {
    await useBackend(backend);
    const rng = new Rng(12);
    const a = transposeOp([8, 6, 1]);
    const b = diag(rng.normalArray(6 * 8), [6, 8, 1]);
    const c = compose(b, a);
    expect(c.inputShape).toEqual([8, 6, 1]);
    expect(c.outputShape).toEqual([6, 8, 1]);
    expect(await adjointCheck(c, rng)).toBeLessThan(1e-6);
    const x = rng.normalTensor([1, 8, 6, 1]);
    const direct = b.forward(a.forward(x)).dataSync();
    expect(Array.from(c.forward(x).dataSync())).toEqual(Array.from(direct));
    expect(() => compose(a, a)).toThrow(/transpose output 6×8×1 does not match transpose input 8×6×1/);
    expect(() => c.forward(tf.zeros([1, 6, 8, 1]))).toThrow(ScoresdeError);
    expect(() => c.forward(tf.zeros([1, 6, 8, 1]))).toThrow('diag∘transpose: image 6×8×1 does not match operator input 8×6×1');
  });
});
