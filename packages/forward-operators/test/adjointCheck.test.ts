import { describe, it, expect } from 'vitest';
import { Rng, ScoresdeError, tf, type ForwardOperator, type Tensor } from '@scoresde/core';
import { adjointCheck, compose, GrayscaleOperator, MaskOperator, NoNoise, randomMask } from '@scoresde/forward-operators';
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

  it('composite decomposition: mask after an invertible inner operator', async () => {
    await useBackend(backend);
    const rng = new Rng(13);
    const inner = transposeOp([8, 6, 2]);
    const outer = new MaskOperator(randomMask(6, 8, 2, 0.5, 1), [6, 8, 2]);
    const c = compose(outer, inner, { innerInverse: (z) => z.transpose([0, 2, 1, 3]) });
    const d = c.decomposition!;
    const x = rng.normalTensor([2, 8, 6, 2]);
    expect(Array.from(d.embed(c.forward(x)).dataSync())).toEqual(Array.from(d.mask().mul(d.transform(x)).dataSync()));
    expect(Array.from(d.inverseTransform(d.transform(x)).dataSync())).toEqual(Array.from(x.dataSync()));
    expect(await adjointCheck(c, rng)).toBeLessThan(1e-6);
    expect(compose(outer, inner).decomposition).toBeUndefined();
  });

  it('operators and composites do not leak tensors', async () => {
    await useBackend(backend);
    const g = new GrayscaleOperator([4, 4, 3]);
    const m = new MaskOperator(randomMask(4, 4, 1, 0.5, 2), [4, 4, 1]);
    const c = compose(m, g);
    const x = tf.zeros([1, 4, 4, 3]);
    const y = tf.zeros([1, 4, 4, 1]);
    const before = tf.memory().numTensors;
    for (let k = 0; k < 3; k++) {
      const outs = [g.forward(x), g.adjoint(y), g.pseudoInverse(y), m.forward(y), m.adjoint(y), c.forward(x), c.adjoint!(y)];
      const d = g.decomposition;
      outs.push(d.transform(x), d.inverseTransform(x), d.mask(), d.embed(y));
      expect(tf.memory().numTensors).toBe(before + outs.length);
      tf.dispose(outs);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
