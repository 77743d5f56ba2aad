/**
 * Depthwise conv gradients on wasm: vs the cpu backend (dilation 1; metric relative L2 ≤ 1e-5),
 * and for dilation 2 (which cpu ignores) by the adjoint identities
 *   ⟨dwconv(x; W), r⟩ = ⟨x, BackpropInput(r; W)⟩ = ⟨W, BackpropFilter(x, r)⟩.
 */
import { describe, expect, it } from 'vitest';
import { Rng, tf } from '../../src/index.js';
import { relL2, runOn } from './compare.js';

const n = (s: number[]) => s.reduce((a, b) => a * b, 1);

const CASES: { x: [number, number, number, number]; k: [number, number, number, number]; s: number; pad: 'same' | 'valid' }[] = [
  { x: [2, 7, 8, 3], k: [3, 3, 3, 1], s: 1, pad: 'same' },
  { x: [2, 7, 8, 3], k: [3, 3, 3, 2], s: 2, pad: 'same' },
  { x: [1, 9, 6, 4], k: [5, 3, 4, 2], s: 2, pad: 'valid' },
  { x: [2, 9, 6, 4], k: [4, 4, 4, 1], s: 1, pad: 'valid' },
  { x: [2, 9, 6, 4], k: [4, 2, 4, 1], s: 1, pad: 'same' },
  { x: [2, 9, 6, 4], k: [3, 3, 4, 1], s: 2, pad: 'same' },
  { x: [2, 10, 9, 3], k: [4, 4, 3, 1], s: 2, pad: 'valid' },
  { x: [2, 10, 9, 3], k: [1, 1, 3, 1], s: 2, pad: 'valid' },
  { x: [1, 11, 10, 2], k: [3, 2, 2, 1], s: 3, pad: 'same' },
];

describe('wasm depthwise conv gradients', () => {
  for (const [i, c] of CASES.entries()) {
    it(`match cpu: x${JSON.stringify(c.x)} k${JSON.stringify(c.k)} stride ${c.s} ${c.pad}`, async () => {
      const rng = new Rng(500 + i);
      const ins = [
        { data: rng.normalArray(n(c.x)), shape: c.x },
        { data: rng.normalArray(n(c.k)), shape: c.k },
      ];
      const f = (x: tf.Tensor, w: tf.Tensor) => {
        const fwd = (a: tf.Tensor, b: tf.Tensor) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad);
        const y = fwd(x, w);
        const r = tf.sin(tf.range(0, y.size).mul(0.37)).reshape(y.shape);
        const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => fwd(a, b).mul(r).sum())([x, w]);
        return [gx!, gw!];
      };
      const ref = await runOn('cpu', ins, f);
      const got = await runOn('wasm', ins, f);
      for (let j = 0; j < 2; j++) expect(relL2(got[j]!, ref[j]!)).toBeLessThanOrEqual(1e-5);
    });
  }

  it('are adjoint to the forward op with dilation 2 and stride 1', async () => {
    const rng = new Rng(600);
    const xs = [2, 9, 10, 3];
    const ks = [3, 2, 3, 2];
    const ins = [
      { data: rng.normalArray(n(xs)), shape: xs },
      { data: rng.normalArray(n(ks)), shape: ks },
    ];
    const [lhs, rx, rw] = await runOn('wasm', ins, (x, w) => {
      const y = tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same', 'NHWC', 2);
      const r = tf.cos(tf.range(0, y.size).mul(0.21)).reshape(y.shape);
      const attrs = { strides: [1, 1], dilations: [2, 2], pad: 'same' };
      const dx = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: r, filter: w! }, { ...attrs, inputShape: xs }) as tf.Tensor;
      const dw = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: x!, dy: r }, { ...attrs, filterShape: ks }) as tf.Tensor;
      return [y.mul(r).sum(), x!.mul(dx).sum(), w!.mul(dw).sum()];
    });
    expect(Math.abs(rx![0]! - lhs![0]!)).toBeLessThanOrEqual(1e-5 * Math.abs(lhs![0]!) + 1e-4);
    expect(Math.abs(rw![0]! - lhs![0]!)).toBeLessThanOrEqual(1e-5 * Math.abs(lhs![0]!) + 1e-4);
  });
});
