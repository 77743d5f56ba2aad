/**
 * Built-in tfjs 4.22 kernels/gradients that are silently wrong and that the engine replaces:
 * - AvgPool gradient with padding (cpu and wasm divided by kH·kW instead of the in-image count),
 * - MirrorPad gradient (tfjs-core only sliced the centre),
 * - Conv3D backprops on wasm (garbage),
 * - _FusedMatMul with a bias on wasm (wrong with batch > 1 or transposes).
 * Linear ops are checked by the adjoint identity ⟨A x, r⟩ = ⟨x, Aᵀ r⟩ (float64 inner products,
 * tolerance 1e-6·‖Ax‖‖r‖ + 1e-6·‖x‖‖Aᵀr‖; the old gradients miss by 20–300%), the rest against
 * the cpu backend (relative L2 ≤ 1e-5).
 */
import { describe, expect, it } from 'vitest';
import { Rng, tf } from '../../src/index.js';
import { dot, norm, relL2, runOn } from './compare.js';

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

async function expectAdjoint(backend: 'cpu' | 'wasm', shape: number[], op: (x: tf.Tensor) => tf.Tensor, seed: number): Promise<void> {
  const rng = new Rng(seed);
  const x = rng.normalArray(size(shape));
  const probe = await runOn(backend, [{ data: x, shape }], (t) => op(t!));
  const outShapeSize = probe[0]!.length;
  const r = rng.normalArray(outShapeSize);
  const [y, g] = await runOn(backend, [{ data: x, shape }], (t) => {
    const yt = op(t!);
    const rt = tf.tensor(r, yt.shape);
    return [yt, tf.grad((z: tf.Tensor) => op(z).mul(rt).sum())(t!)];
  });
  const gap = Math.abs(dot(y!, r) - dot(x, g!));
  expect(gap).toBeLessThanOrEqual(1e-6 * norm(y!) * norm(r) + 1e-6 * norm(x) * norm(g!));
}

describe('gradient fixes checked by adjointness', () => {
  const S = [2, 5, 7, 3];
  const ops: [string, number[], (x: tf.Tensor) => tf.Tensor][] = [
    ['avgPool 3×3 stride 2 same', S, (x) => tf.avgPool(x as tf.Tensor4D, 3, 2, 'same')],
    ['avgPool 2×2 stride 2 same (odd sizes)', S, (x) => tf.avgPool(x as tf.Tensor4D, 2, 2, 'same')],
    ['avgPool 3×3 stride 1 same', S, (x) => tf.avgPool(x as tf.Tensor4D, 3, 1, 'same')],
    ['avgPool 2×3 stride [2,1] valid', S, (x) => tf.avgPool(x as tf.Tensor4D, [2, 3], [2, 1], 'valid')],
    ['mirrorPad reflect', S, (x) => tf.mirrorPad(x, [[0, 0], [1, 2], [2, 1], [0, 0]], 'reflect')],
    ['mirrorPad symmetric', S, (x) => tf.mirrorPad(x, [[1, 0], [2, 2], [0, 3], [0, 0]], 'symmetric')],
    ['mirrorPad reflect rank 2', [6, 5], (x) => tf.mirrorPad(x, [[3, 1], [0, 4]], 'reflect')],
  ];
  for (const backend of ['cpu', 'wasm'] as const) {
    for (const [i, [name, shape, op]] of ops.entries()) {
      it(`${name} on ${backend}`, async () => {
        await expectAdjoint(backend, shape, op, 900 + i);
      });
    }
  }
});

describe('wasm Conv3D gradients', () => {
  const cases: { x: number[]; k: number[]; s: number; pad: 'same' | 'valid' }[] = [
    { x: [1, 4, 5, 6, 2], k: [3, 3, 3, 2, 3], s: 1, pad: 'same' },
    { x: [2, 5, 6, 7, 2], k: [2, 3, 3, 2, 3], s: 2, pad: 'valid' },
  ];
  for (const [i, c] of cases.entries()) {
    it(`x${JSON.stringify(c.x)} k${JSON.stringify(c.k)} stride ${c.s} ${c.pad} match cpu`, async () => {
      const rng = new Rng(950 + i);
      const ins = [
        { data: rng.normalArray(size(c.x)), shape: c.x },
        { data: rng.normalArray(size(c.k)), shape: c.k },
      ];
      const f = (x: tf.Tensor, w: tf.Tensor) => {
        const fwd = (a: tf.Tensor, b: tf.Tensor) => tf.conv3d(a as tf.Tensor5D, b as tf.Tensor5D, c.s, c.pad);
        const y = fwd(x, w);
        const r = tf.sin(tf.range(0, y.size).mul(0.37)).reshape(y.shape);
        return tf.grads((a: tf.Tensor, b: tf.Tensor) => fwd(a, b).mul(r).sum())([x, w]);
      };
      const ref = await runOn('cpu', ins, f);
      const got = await runOn('wasm', ins, f);
      for (let j = 0; j < 2; j++) expect(relL2(got[j]!, ref[j]!)).toBeLessThanOrEqual(1e-5);
    });
  }
});

describe('wasm fused matMul with bias', () => {
  const cases: [boolean, boolean, number, string][] = [
    [false, false, 3, 'linear'],
    [false, true, 0, 'relu'],
    [true, false, 3, 'elu'],
    [true, true, 0, 'sigmoid'],
    [false, true, 2, 'leakyrelu'],
  ];
  for (const [i, [ta, tb, batch, act]] of cases.entries()) {
    it(`transposeA=${ta} transposeB=${tb} batch=${batch} ${act} matches cpu`, async () => {
      const rng = new Rng(970 + i);
      const sh = (s: number[]) => (batch ? [batch, ...s] : s);
      const as = sh(ta ? [6, 5] : [5, 6]);
      const bs = sh(tb ? [4, 6] : [6, 4]);
      const ins = [
        { data: rng.normalArray(size(as)), shape: as },
        { data: rng.normalArray(size(bs)), shape: bs },
        { data: rng.normalArray(4), shape: [4] },
      ];
      const f = (a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor) =>
        tf.fused.matMul({ a, b, bias, transposeA: ta, transposeB: tb, activation: act as tf.fused.Activation, leakyreluAlpha: 0.2 });
      const [ref] = await runOn('cpu', ins, f);
      const [got] = await runOn('wasm', ins, f);
      expect(relL2(got!, ref!)).toBeLessThanOrEqual(1e-5);
    });
  }
});

describe('gradients that tfjs-core 4.22 could not compute', () => {
  /** Each pair: an op using broadcasting / a non-last axis, and the same function written without. */
  const pairs: [string, number[][], (...x: tf.Tensor[]) => tf.Tensor, (...x: tf.Tensor[]) => tf.Tensor][] = [
    ['maximum with broadcast b', [[2, 3, 4], [4]], (a, b) => tf.maximum(a!, b!), (a, b) => tf.maximum(a!, tf.tile(b!.reshape([1, 1, 4]), [2, 3, 1]))],
    ['minimum with broadcast a', [[3, 1], [3, 5]], (a, b) => tf.minimum(a!, b!), (a, b) => tf.minimum(tf.tile(a!, [1, 5]), b!)],
    ['squaredDifference with broadcast b', [[2, 3, 4], [3, 1]], (a, b) => tf.squaredDifference(a!, b!), (a, b) => tf.squaredDifference(a!, tf.tile(b!.reshape([1, 3, 1]), [2, 1, 4]))],
    ['batch matMul with broadcast batch', [[3, 5, 6], [1, 6, 4]], (a, b) => tf.matMul(a!, b!), (a, b) => tf.matMul(a!, tf.tile(b!, [3, 1, 1]))],
    ['cumsum on axis 1', [[2, 5, 3]], (x) => tf.cumsum(x!, 1), (x) => tf.transpose(tf.cumsum(tf.transpose(x!, [0, 2, 1]), 2), [0, 2, 1])],
    [
      'reverse exclusive cumsum on axis 0',
      [[4, 3]],
      (x) => tf.cumsum(x!, 0, true, true),
      (x) => tf.transpose(tf.cumsum(tf.transpose(x!), 1, true, true)),
    ],
  ];
  for (const backend of ['cpu', 'wasm'] as const) {
    for (const [i, [name, shapes, f, g]] of pairs.entries()) {
      it(`${name} on ${backend}`, async () => {
        const rng = new Rng(990 + i);
        const ins = shapes.map((s) => ({ data: rng.normalArray(size(s)), shape: s }));
        const grads = (fn: (...x: tf.Tensor[]) => tf.Tensor) => (...xs: tf.Tensor[]) => {
          const y = fn(...xs);
          const r = tf.cos(tf.range(0, y.size).mul(0.61)).reshape(y.shape);
          return tf.grads((...z: tf.Tensor[]) => fn(...z).mul(r).sum())(xs);
        };
        const got = await runOn(backend, ins, grads(f));
        const want = await runOn(backend, ins, grads(g));
        for (let j = 0; j < shapes.length; j++) {
          expect(got[j]!.length).toBe(size(shapes[j]!));
          expect(relL2(got[j]!, want[j]!)).toBeLessThanOrEqual(1e-6);
        }
      });
    }
  }
});

describe('gradients tfjs-core 4.22 lacks', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`depthToSpace is differentiated as its inverse permutation on ${backend}`, async () => {
      await expectAdjoint(backend, [2, 3, 4, 12], (x) => tf.depthToSpace(x as tf.Tensor4D, 2), 1010);
    });

    it(`gatherND scatters (accumulating repeats) on ${backend}`, async () => {
      const idx = [[1, 2], [0, 4], [1, 2], [0, 0]];
      await expectAdjoint(backend, [2, 5, 3], (x) => tf.gatherND(x, tf.tensor2d(idx, [4, 2], 'int32')), 1011);
    });

    it(`comparisons have zero gradient, so tf.where(x > 0, x², 3x) differentiates on ${backend}`, async () => {
      const x = Float32Array.from([-2, -0.5, 0.25, 1.5, 3, -1]);
      const [g] = await runOn(backend, [{ data: x, shape: [6] }], (t) =>
        tf.grad((z: tf.Tensor) => tf.where(z.greater(0), z.square(), z.mul(3)).sum())(t!),
      );
      expect(Array.from(g!)).toEqual(Array.from(x, (v) => (v > 0 ? 2 * v : 3)));
    });
  }
});
