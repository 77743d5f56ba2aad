/**
 * Forward convolutions on wasm with pad 'same' and a stride larger than the filter, which the
 * built-in tfjs-backend-wasm 4.22 kernels get wrong (zeros); the project wraps them. Reference:
 * the cpu backend. Metric: relative L2 ≤ 1e-5 (the unfixed kernels give ≈ 1).
 */
import { describe, expect, it } from 'vitest';
import { Rng, tf } from '../../src/index.js';
import { relL2, runOn } from './compare.js';

const n = (s: number[]) => s.reduce((a, b) => a * b, 1);

describe("wasm forward convolutions with pad 'same' and stride > filter", () => {
  const cases: { name: string; k: number[]; f: (x: tf.Tensor, w: tf.Tensor) => tf.Tensor }[] = [
    { name: 'conv2d 2×2 stride 3', k: [2, 2, 3, 4], f: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 3, 'same') },
    { name: 'conv2d 3×3 stride 4', k: [3, 3, 3, 4], f: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 4, 'same') },
    {
      name: 'fused conv2d 2×2 stride 3 + bias + relu',
      k: [2, 2, 3, 4],
      f: (x, w) => tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 3, pad: 'same', bias: tf.linspace(-1, 1, 4), activation: 'relu' }),
    },
    { name: 'depthwise 2×2 stride 3', k: [2, 2, 3, 2], f: (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 3, 'same') },
    { name: 'conv2d 3×3 stride 2 (unaffected, passes through)', k: [3, 3, 3, 4], f: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same') },
  ];
  for (const [i, c] of cases.entries()) {
    it(`${c.name} matches cpu`, async () => {
      const rng = new Rng(700 + i);
      const xs = [2, 10, 9, 3];
      const ins = [
        { data: rng.normalArray(n(xs)), shape: xs },
        { data: rng.normalArray(n(c.k)), shape: c.k },
      ];
      const [ref] = await runOn('cpu', ins, c.f);
      const [got] = await runOn('wasm', ins, c.f);
      expect(got!.length).toBe(ref!.length);
      expect(relL2(got!, ref!)).toBeLessThanOrEqual(1e-5);
    });
  }
});
