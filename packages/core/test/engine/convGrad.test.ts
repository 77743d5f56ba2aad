/**
 * Gradients of conv2d and conv2dTranspose on wasm (with the project's Conv2DBackpropFilter and
 * polyphase Conv2DBackpropInput) against the cpu backend on random inputs.
 * Metric: relative L2 error ‖wasm − cpu‖₂/‖cpu‖₂ ≤ 1e-5, and max-abs error / max |cpu| ≤ 1e-5.
 */
import { describe, expect, it } from 'vitest';
import { Rng, tf } from '../../src/index.js';
import { conv2dBackpropInputConfig } from '../../src/engine/wasm/conv2dBackpropInput.js';
import { projectKernelsActive } from '../../src/engine/webgpu/register.js';
import { relL2, relMax, runOn, webgpuAvailable } from './compare.js';

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  x: [number, number, number, number];
  k: [number, number, number, number];
  s: number | [number, number];
  pad: Pad;
}

const CONV: Case[] = [
  { x: [2, 7, 9, 3], k: [3, 3, 3, 5], s: 1, pad: 'same' },
  { x: [2, 7, 9, 3], k: [3, 3, 3, 5], s: 1, pad: 'valid' },
  { x: [2, 7, 9, 3], k: [3, 3, 3, 5], s: 2, pad: 'same' },
  { x: [2, 7, 9, 3], k: [3, 3, 3, 5], s: 2, pad: 'valid' },
  { x: [3, 8, 8, 4], k: [3, 3, 4, 6], s: 2, pad: 'same' },
  { x: [1, 8, 10, 4], k: [3, 3, 4, 2], s: 2, pad: 'valid' },
  { x: [3, 11, 6, 2], k: [5, 4, 2, 3], s: 2, pad: 'valid' },
  { x: [2, 9, 7, 5], k: [1, 1, 5, 7], s: 1, pad: 'same' },
  { x: [2, 9, 7, 5], k: [4, 4, 5, 3], s: 2, pad: 'same' },
  { x: [1, 12, 12, 3], k: [3, 3, 3, 4], s: [2, 1], pad: 'same' },
  { x: [2, 6, 7, 2], k: [3, 3, 2, 2], s: 2, pad: [[0, 0], [2, 1], [0, 3], [0, 0]] },
  { x: [2, 6, 7, 2], k: [3, 2, 2, 3], s: 1, pad: [[0, 0], [0, 4], [3, 0], [0, 0]] },
  { x: [2, 9, 8, 3], k: [1, 1, 3, 4], s: 2, pad: 'valid' },
  { x: [2, 9, 8, 3], k: [2, 2, 3, 4], s: 3, pad: 'same' },
  { x: [1, 10, 9, 2], k: [3, 3, 2, 3], s: 2, pad: 2 },
];

function inputs(c: Case, seed: number) {
  const rng = new Rng(seed);
  const n = (s: number[]) => s.reduce((a, b) => a * b, 1);
  return [
    { data: rng.normalArray(n(c.x)), shape: c.x },
    { data: rng.normalArray(n(c.k)), shape: c.k },
  ];
}

/** Loss L = Σ conv(x, w) ⊙ r with a fixed random r, so dL/dy = r is a generic cotangent. */
function convGrads(c: Case) {
  return (x: tf.Tensor, w: tf.Tensor) => {
    const y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.s, c.pad);
    const r = tf.sin(tf.range(0, y.size).mul(0.7)).reshape(y.shape);
    const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad).mul(r).sum())([x, w]);
    return [y, gx!, gw!];
  };
}

const gpu = await webgpuAvailable();

describe('wasm conv2d gradients match the cpu backend', () => {
  it('uses the project Conv2DBackpropInput on wasm', async () => {
    await runOn('wasm', [], () => tf.zeros([1]));
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).toBe(conv2dBackpropInputConfig);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  for (const [i, c] of CONV.entries()) {
    it(`conv2d x${JSON.stringify(c.x)} k${JSON.stringify(c.k)} stride ${JSON.stringify(c.s)} pad ${JSON.stringify(c.pad)}`, async () => {
      const ins = inputs(c, 100 + i);
      const ref = await runOn('cpu', ins, convGrads(c));
      const got = await runOn('wasm', ins, convGrads(c));
      for (let j = 0; j < 3; j++) {
        expect(got[j]!.length).toBe(ref[j]!.length);
        expect(relL2(got[j]!, ref[j]!)).toBeLessThanOrEqual(1e-5);
        expect(relMax(got[j]!, ref[j]!)).toBeLessThanOrEqual(1e-5);
      }
    });
  }
});

interface TCase {
  x: [number, number, number, number];
  k: [number, number, number, number]; // [kh, kw, outChannels, inChannels] as tfjs conv2dTranspose wants
  out: [number, number, number, number];
  s: number;
  pad: 'same' | 'valid';
}
const TRANSPOSED: TCase[] = [
  { x: [2, 5, 5, 4], k: [3, 3, 2, 4], out: [2, 10, 10, 2], s: 2, pad: 'same' },
  { x: [2, 5, 4, 4], k: [4, 4, 3, 4], out: [2, 10, 8, 3], s: 2, pad: 'same' },
  { x: [2, 5, 4, 3], k: [3, 3, 5, 3], out: [2, 7, 6, 5], s: 1, pad: 'valid' },
  { x: [1, 4, 6, 3], k: [3, 3, 2, 3], out: [1, 9, 13, 2], s: 2, pad: 'valid' },
  { x: [3, 6, 6, 2], k: [3, 3, 3, 2], out: [3, 6, 6, 3], s: 1, pad: 'same' },
];

function transposedGrads(c: TCase) {
  return (x: tf.Tensor, w: tf.Tensor) => {
    const fwd = (a: tf.Tensor, b: tf.Tensor) => tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, c.out, c.s, c.pad);
    const y = fwd(x, w);
    const r = tf.cos(tf.range(0, y.size).mul(0.3)).reshape(y.shape);
    const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => fwd(a, b).mul(r).sum())([x, w]);
    return [y, gx!, gw!];
  };
}

describe('wasm conv2dTranspose (forward and gradients) matches the cpu backend', () => {
  for (const [i, c] of TRANSPOSED.entries()) {
    it(`conv2dTranspose x${JSON.stringify(c.x)} k${JSON.stringify(c.k)} → ${JSON.stringify(c.out)} stride ${c.s} ${c.pad}`, async () => {
      const rng = new Rng(300 + i);
      const n = (s: number[]) => s.reduce((a, b) => a * b, 1);
      const ins = [
        { data: rng.normalArray(n(c.x)), shape: c.x },
        { data: rng.normalArray(n(c.k)), shape: c.k },
      ];
      const f = transposedGrads(c);
      const ref = await runOn('cpu', ins, f);
      const got = await runOn('wasm', ins, f);
      for (let j = 0; j < 3; j++) {
        expect(relL2(got[j]!, ref[j]!)).toBeLessThanOrEqual(1e-5);
        expect(relMax(got[j]!, ref[j]!)).toBeLessThanOrEqual(1e-5);
      }
    });
  }
});

describe.runIf(gpu)('webgpu conv2d gradients (project implicit-GEMM kernels) match the cpu backend', () => {
  it('the project kernels are the registered ones', async () => {
    await runOn('webgpu', [], () => tf.zeros([1]));
    expect(projectKernelsActive()).toBe(true);
  });

  for (const [i, c] of CONV.entries()) {
    it(`conv2d x${JSON.stringify(c.x)} k${JSON.stringify(c.k)} stride ${JSON.stringify(c.s)} pad ${JSON.stringify(c.pad)}`, async () => {
      const ins = inputs(c, 100 + i);
      const ref = await runOn('cpu', ins, convGrads(c));
      const got = await runOn('webgpu', ins, convGrads(c));
      for (let j = 0; j < 3; j++) {
        expect(relL2(got[j]!, ref[j]!)).toBeLessThanOrEqual(1e-5);
        expect(relMax(got[j]!, ref[j]!)).toBeLessThanOrEqual(1e-5);
      }
    });
  }

  for (const [i, c] of TRANSPOSED.entries()) {
    it(`conv2dTranspose x${JSON.stringify(c.x)} → ${JSON.stringify(c.out)} stride ${c.s} ${c.pad}`, async () => {
      const rng = new Rng(300 + i);
      const n = (s: number[]) => s.reduce((a, b) => a * b, 1);
      const ins = [
        { data: rng.normalArray(n(c.x)), shape: c.x },
        { data: rng.normalArray(n(c.k)), shape: c.k },
      ];
      const ref = await runOn('cpu', ins, transposedGrads(c));
      const got = await runOn('webgpu', ins, transposedGrads(c));
      for (let j = 0; j < 3; j++) {
        expect(relL2(got[j]!, ref[j]!)).toBeLessThanOrEqual(1e-5);
        expect(relMax(got[j]!, ref[j]!)).toBeLessThanOrEqual(1e-5);
      }
    });
  }

  it('a long reduction is split across workgroups and summed (filter gradient, batch 8 at 32²)', async () => {
    const c: Case = { x: [8, 32, 32, 8], k: [3, 3, 8, 16], s: 1, pad: 'same' };
    const ins = inputs(c, 999);
    const ref = await runOn('cpu', ins, convGrads(c));
    const got = await runOn('webgpu', ins, convGrads(c));
    for (let j = 0; j < 3; j++) expect(relL2(got[j]!, ref[j]!)).toBeLessThanOrEqual(1e-5);
  });
});
