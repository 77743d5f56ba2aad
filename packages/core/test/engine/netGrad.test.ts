/**
 * A full tf.grad through a small score-net-like block on wasm vs cpu:
 *   conv3×3 (3→8) + bias → GroupNorm (4 groups, via moments) → swish → depthwise 3×3 →
 *   avgPool 2×2 → nearest ×2 upsample → conv3×3 stride 2 (8→4) → conv2dTranspose ×2 (4→3) →
 *   gather of channels → mean square.
 * Gradients w.r.t. the input and every parameter; metric relative L2 ≤ 1e-5 per tensor.
 */
import { describe, expect, it } from 'vitest';
import { Rng, tf } from '../../src/index.js';
import { relL2, runOn } from './compare.js';

const SHAPES: number[][] = [
  [2, 9, 9, 3], // x
  [3, 3, 3, 8], // w1
  [8], // b1
  [8], // gamma
  [8], // beta
  [3, 3, 8, 1], // depthwise
  [3, 3, 8, 4], // w2
  [4, 4, 3, 4], // wt (transpose: [kh, kw, out, in])
];

function net(x: tf.Tensor, w1: tf.Tensor, b1: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, wd: tf.Tensor, w2: tf.Tensor, wt: tf.Tensor): tf.Scalar {
  let h = tf.conv2d(x as tf.Tensor4D, w1 as tf.Tensor4D, 1, 'same').add(b1);
  const [N, H, W, C] = h.shape as [number, number, number, number];
  const g = h.reshape([N, H, W, 4, C / 4]);
  const { mean, variance } = tf.moments(g, [1, 2, 4], true);
  h = g.sub(mean).div(tf.sqrt(variance.add(1e-5))).reshape([N, H, W, C]).mul(gamma).add(beta);
  h = h.mul(tf.sigmoid(h));
  h = tf.depthwiseConv2d(h as tf.Tensor4D, wd as tf.Tensor4D, 1, 'same');
  h = tf.avgPool(h as tf.Tensor4D, 2, 2, 'valid'); // 9 → 4
  h = tf.maxPool(h as tf.Tensor4D, 3, 1, 'same');
  h = tf.image.resizeNearestNeighbor(h as tf.Tensor4D, [8, 8]);
  h = tf.conv2d(h as tf.Tensor4D, w2 as tf.Tensor4D, 2, 'same'); // 8 → 4
  h = tf.conv2dTranspose(h as tf.Tensor4D, wt as tf.Tensor4D, [N, 8, 8, 3], 2, 'same');
  h = tf.gather(h, tf.tensor1d([2, 0, 0, 1], 'int32'), 3);
  return h.square().mean() as tf.Scalar;
}

describe('tf.grad of a small conv net', () => {
  it('is the same on wasm and cpu', async () => {
    const rng = new Rng(42);
    const ins = SHAPES.map((s) => ({ data: rng.normalArray(s.reduce((a, b) => a * b, 1)), shape: s }));
    const f = (...xs: tf.Tensor[]) => {
      const g = tf.grads((...a: tf.Tensor[]) => net(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!))(xs);
      return [net(xs[0]!, xs[1]!, xs[2]!, xs[3]!, xs[4]!, xs[5]!, xs[6]!, xs[7]!), ...g];
    };
    const ref = await runOn('cpu', ins, f);
    const got = await runOn('wasm', ins, f);
    expect(ref.length).toBe(SHAPES.length + 1);
    const errs: number[] = [];
    for (let j = 0; j < ref.length; j++) {
      expect(got[j]!.some((v) => v !== 0)).toBe(true);
      errs.push(relL2(got[j]!, ref[j]!));
    }
    for (let j = 0; j < ref.length; j++) {
      expect(errs[j], `output ${j}`).toBeLessThanOrEqual(1e-5);
    }
  });
});
