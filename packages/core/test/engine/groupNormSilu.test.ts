/**
 * The fused GroupNorm + SiLU kernel (webgpu) and its analytic backward against the composite
 * ops differentiated by tfjs on the cpu backend, on random inputs. Metric: relative max error.
 */
import { describe, expect, it } from 'vitest';
import { Rng, tf } from '../../src/index.js';
import { groupNormSilu, groupNormSiluBackward } from '../../src/engine/webgpu/groupNormSilu.js';
import { relL2, relMax, runOn, webgpuAvailable } from './compare.js';

const EPS = 1e-6;

/** Reference: y = silu(GN(x)·γ + β) from plain tfjs ops, with tfjs's autodiff. */
function composite(groups: number) {
  return (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => {
    const [b, h, w, c] = x.shape as [number, number, number, number];
    const xg = tf.reshape(x, [b, h, w, groups, c / groups]);
    const { mean, variance } = tf.moments(xg, [1, 2, 4], true);
    const z = tf.add(tf.mul(tf.reshape(tf.div(tf.sub(xg, mean), tf.sqrt(tf.add(variance, EPS))), [b, h, w, c]), gamma), beta);
    return tf.mul(z, tf.sigmoid(z));
  };
}

const CASES: { shape: [number, number, number, number]; groups: number }[] = [
  { shape: [2, 8, 8, 32], groups: 8 },
  { shape: [3, 5, 7, 12], groups: 3 },
  { shape: [1, 16, 16, 64], groups: 16 },
  { shape: [1, 40, 40, 128], groups: 32 },
];

function inputs(shape: number[], seed: number) {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const c = shape[3]!;
  const x = rng.normalArray(n).map((v, i) => 2 * v + (i % 7) - 3);
  return [
    { data: x, shape },
    { data: rng.normalArray(c).map((v) => 1 + 0.3 * v), shape: [c] },
    { data: rng.normalArray(c).map((v) => 0.5 * v), shape: [c] },
  ];
}

const withGrads = (f: (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor) => (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
  const y = f(x, g, b);
  const r = tf.cos(tf.range(0, y.size).mul(0.11)).reshape(y.shape);
  const grads = tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => f(a, c, d).mul(r).sum())([x, g, b]);
  return [y, ...grads];
};

describe('GroupNorm + SiLU backward (composite, any backend) matches autodiff of the composite', () => {
  it('on cpu, [2, 6, 5, 8] with 4 groups', async () => {
    const ins = inputs([2, 6, 5, 8], 5);
    const ref = await runOn('cpu', ins, withGrads(composite(4)));
    const got = await runOn('cpu', ins, (x, g, b) => {
      const r = tf.cos(tf.range(0, x.size).mul(0.11)).reshape(x.shape);
      return groupNormSiluBackward(r, x, g, b, 4, EPS);
    });
    for (let j = 0; j < 3; j++) expect(relMax(got[j]!, ref[j + 1]!)).toBeLessThan(1e-5);
  });
});

const gpu = await webgpuAvailable();

describe.runIf(gpu)('fused GroupNorm + SiLU on webgpu matches the composite on cpu', () => {
  for (const [i, c] of CASES.entries()) {
    it(`[${c.shape.join(', ')}], ${c.groups} groups: forward and the gradients of x, γ, β`, async () => {
      const ins = inputs(c.shape, 40 + i);
      const ref = await runOn('cpu', ins, withGrads(composite(c.groups)));
      const got = await runOn('webgpu', ins, withGrads((x, g, b) => groupNormSilu(x, g, b, c.groups, EPS)));
      for (let j = 0; j < 4; j++) {
        expect(relL2(got[j]!, ref[j]!)).toBeLessThan(2e-6);
        expect(relMax(got[j]!, ref[j]!)).toBeLessThan(1e-5);
      }
    });
  }
});
