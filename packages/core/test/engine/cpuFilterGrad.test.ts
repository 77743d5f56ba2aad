/**
 * The cpu backend's Conv2DBackpropFilter replacement must be bit-identical to tfjs's built-in
 * (same terms, same float64 summation order), only faster. Compared exactly on random inputs.
 */
import { describe, expect, it } from 'vitest';
import { Rng, initBackend, replacedBuiltinKernel, tf } from '../../src/index.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
const CASES: { x: number[]; k: number[]; s: number | [number, number]; pad: Pad }[] = [
  { x: [2, 7, 9, 3], k: [3, 3, 3, 5], s: 1, pad: 'same' },
  { x: [2, 8, 8, 4], k: [3, 3, 4, 6], s: 2, pad: 'same' },
  { x: [3, 11, 6, 2], k: [5, 4, 2, 3], s: 2, pad: 'valid' },
  { x: [1, 12, 10, 3], k: [3, 3, 3, 4], s: [2, 1], pad: [[0, 0], [2, 1], [0, 3], [0, 0]] },
];

function filterGrad(x: tf.Tensor, dy: tf.Tensor, c: (typeof CASES)[number]): Float32Array {
  const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape: c.k }) as tf.Tensor;
  const v = dw.dataSync() as Float32Array;
  dw.dispose();
  return v;
}

describe('cpu Conv2DBackpropFilter', () => {
  for (const [i, c] of CASES.entries()) {
    it(`is bit-identical to the tfjs built-in: x${JSON.stringify(c.x)} k${JSON.stringify(c.k)} stride ${JSON.stringify(c.s)} ${JSON.stringify(c.pad)}`, async () => {
      await initBackend('cpu');
      const builtin = replacedBuiltinKernel('Conv2DBackpropFilter', 'cpu');
      expect(builtin).toBeDefined();
      const rng = new Rng(1100 + i);
      const x = rng.normalTensor(c.x);
      const y = tf.conv2d(x as tf.Tensor4D, rng.normalTensor(c.k) as tf.Tensor4D, c.s, c.pad);
      const dy = rng.normalTensor(y.shape);
      const ours = filterGrad(x, dy, c);
      const mine = tf.getKernel('Conv2DBackpropFilter', 'cpu');
      tf.unregisterKernel('Conv2DBackpropFilter', 'cpu');
      tf.registerKernel(builtin!);
      let ref: Float32Array;
      try {
        ref = filterGrad(x, dy, c);
      } finally {
        tf.unregisterKernel('Conv2DBackpropFilter', 'cpu');
        tf.registerKernel(mine);
      }
      tf.dispose([x, y, dy]);
      expect(ours.length).toBe(c.k.reduce((a, b) => a * b, 1));
      expect(Array.from(ours)).toEqual(Array.from(ref));
    });
  }
});
