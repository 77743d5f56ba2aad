/**
 * upfirdn2d (2-D kernel) and its separable form against a direct host implementation of the
 * reference op/upfirdn2d.py:upfirdn2d_native semantics: zero insertion, pad (negative = crop),
 * true convolution with the kernel, keep every down-th sample. Odd sizes, crops, strides.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { tf } from '../../src/tf.js';
import { initBackend } from '../../src/engine/backend.js';
import { Rng } from '../../src/rng/rng.js';
import { setupKernel, setupKernel1d, upfirdn2d, upfirdn2dSeparable, upsample2d, downsample2d, naiveUpsample2d, naiveDownsample2d } from '../../src/nn/upfirdn.js';

/** Reference on one [H, W] plane. k is row-major n×n. */
function refPlane(x: Float64Array, h: number, w: number, k: Float32Array, up: number, down: number, p0: number, p1: number) {
  const n = Math.round(Math.sqrt(k.length));
  const H = h * up + p0 + p1;
  const W = w * up + p0 + p1;
  const v = (i: number, j: number) => {
    const a = i - p0;
    const b = j - p0;
    if (a < 0 || b < 0 || a >= h * up || b >= w * up || a % up || b % up) return 0;
    return x[(a / up) * w + b / up]!;
  };
  const oh = Math.floor((H - n) / down) + 1;
  const ow = Math.floor((W - n) / down) + 1;
  const out = new Float64Array(oh * ow);
  for (let i = 0; i < oh; i++)
    for (let j = 0; j < ow; j++) {
      let s = 0;
      for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) s += v(i * down + a, j * down + b) * k[(n - 1 - a) * n + (n - 1 - b)]!;
      out[i * ow + j] = s;
    }
  return { out, oh, ow };
}

function refNhwc(x: Float32Array, shape: number[], k: Float32Array, up: number, down: number, p0: number, p1: number) {
  const [b, h, w, c] = shape as [number, number, number, number];
  let res: { data: Float64Array; shape: number[] } | undefined;
  for (let bi = 0; bi < b; bi++)
    for (let ci = 0; ci < c; ci++) {
      const plane = new Float64Array(h * w);
      for (let i = 0; i < h * w; i++) plane[i] = x[(bi * h * w + i) * c + ci]!;
      const { out, oh, ow } = refPlane(plane, h, w, k, up, down, p0, p1);
      res ??= { data: new Float64Array(b * oh * ow * c), shape: [b, oh, ow, c] };
      for (let i = 0; i < oh * ow; i++) res.data[(bi * oh * ow + i) * c + ci] = out[i]!;
    }
  return res!;
}

beforeAll(async () => {
  await initBackend('cpu');
});

describe('upfirdn2d', () => {
  const cases: [number, number, number, number][] = [
    [2, 1, 2, 1], // upsample_2d with [1,3,3,1]
    [1, 2, 1, 1], // downsample_2d
    [1, 1, 2, 2], // conv_downsample_2d blur
    [1, 1, 1, 1], // upsample_conv_2d blur
    [2, 2, 3, 0],
    [3, 1, -1, 2], // crop before, pad after
    [1, 3, 2, -1],
  ];
  it.each(cases)('up %i down %i pad (%i, %i): 2-D and separable match the reference', (up, down, p0, p1) => {
    const shape = [2, 5, 6, 3];
    const x = new Rng(up * 10 + down).normalArray(2 * 5 * 6 * 3);
    const taps = [1, 2, 5, 3]; // asymmetric, so a missing kernel flip would show
    const k2 = setupKernel(taps).map((v) => v * up * up);
    const ref = refNhwc(x, shape, k2, up, down, p0, p1);
    const xt = tf.tensor4d(x, shape as [number, number, number, number]);
    const a = upfirdn2d(xt, k2, up, down, p0, p1);
    const s = upfirdn2dSeparable(xt, setupKernel1d(taps).map((v) => v * up), up, down, p0, p1);
    for (const t of [a, s]) {
      expect(t.shape).toEqual(ref.shape);
      const d = t.dataSync();
      for (let i = 0; i < d.length; i++) expect(Math.abs(d[i]! - ref.data[i]!)).toBeLessThan(1e-5);
    }
    tf.dispose([xt, a, s]);
  });

  it('upsample_2d / downsample_2d preserve constants (gain 1) and the naive forms repeat / average', () => {
    const c = tf.fill([1, 8, 8, 2], 3);
    const up = upsample2d(c, [1, 3, 3, 1]).dataSync();
    const down = downsample2d(c, [1, 3, 3, 1]).dataSync();
    // interior samples see the full kernel: exactly the constant
    expect(up[(3 * 16 + 5) * 2]).toBeCloseTo(3, 6);
    expect(down[(1 * 4 + 2) * 2]).toBeCloseTo(3, 6);
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    expect(Array.from(naiveUpsample2d(x).dataSync())).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
    expect(Array.from(naiveDownsample2d(naiveUpsample2d(x)).dataSync())).toEqual([1, 2, 3, 4]);
    tf.dispose([c, x]);
  });
});
