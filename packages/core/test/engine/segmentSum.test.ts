/** UnsortedSegmentSum and gather's gradient on wasm vs the cpu backend, plus a closed form. */
import { describe, expect, it } from 'vitest';
import { Rng, tf } from '../../src/index.js';
import { relL2, runOn } from './compare.js';

describe('wasm UnsortedSegmentSum', () => {
  it('matches a hand-computed sum (ids out of range are dropped)', async () => {
    const [out] = await runOn(
      'wasm',
      [
        { data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), shape: [5, 2] },
        { data: Int32Array.from([2, 0, 2, -1, 7]), shape: [5], dtype: 'int32' },
      ],
      (x, ids) => tf.unsortedSegmentSum(x!, ids as tf.Tensor1D, 4),
    );
    expect(Array.from(out!)).toEqual([3, 4, 0, 0, 1 + 5, 2 + 6, 0, 0]);
  });

  it('matches cpu on random data with 1-D segment ids', async () => {
    const rng = new Rng(7);
    const x = { data: rng.normalArray(6 * 4 * 3 * 5), shape: [6, 4, 3, 5] };
    const ids = { data: Int32Array.from({ length: 6 }, () => rng.int(9) - 1), shape: [6], dtype: 'int32' as const };
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.unsortedSegmentSum(a, b as tf.Tensor1D, 6);
    const [ref] = await runOn('cpu', [x, ids], f);
    const [got] = await runOn('wasm', [x, ids], f);
    expect(got!.length).toBe(ref!.length);
    expect(relL2(got!, ref!)).toBeLessThanOrEqual(1e-6);
  });

  it('accepts 2-D segment ids (TensorFlow semantics; the cpu kernel cannot broadcast them)', async () => {
    const rng = new Rng(9);
    const x = rng.normalArray(5 * 4 * 3);
    const ids = Int32Array.from({ length: 20 }, () => rng.int(7) - 1);
    const want = new Float64Array(6 * 3);
    for (let i = 0; i < 20; i++) {
      if (ids[i]! < 0 || ids[i]! >= 6) continue;
      for (let k = 0; k < 3; k++) want[ids[i]! * 3 + k]! += x[i * 3 + k]!;
    }
    const [got] = await runOn(
      'wasm',
      [
        { data: x, shape: [5, 4, 3] },
        { data: ids, shape: [5, 4], dtype: 'int32' },
      ],
      (a, b) => tf.unsortedSegmentSum(a!, b as tf.Tensor1D, 6),
    );
    expect(got!.length).toBe(18);
    expect(relL2(got!, want)).toBeLessThanOrEqual(1e-6);
  });

  it('gives gather its gradient (repeated indices accumulate)', async () => {
    const rng = new Rng(8);
    const params = { data: rng.normalArray(10 * 3), shape: [10, 3] };
    const idx = { data: Int32Array.from([1, 4, 4, 9, 0, 1, 1, 6]), shape: [8], dtype: 'int32' as const };
    const f = (p: tf.Tensor, i: tf.Tensor) => {
      const w = tf.linspace(-1, 2, 24).reshape([8, 3]);
      return tf.grad((q: tf.Tensor) => tf.gather(q, i!).mul(w).sum())(p);
    };
    const [ref] = await runOn('cpu', [params, idx], f);
    const [got] = await runOn('wasm', [params, idx], f);
    expect(relL2(got!, ref!)).toBeLessThanOrEqual(1e-6);
    // Row 1 is gathered at positions 0, 5, 6: its gradient is the sum of those rows of w.
    const w = Array.from({ length: 24 }, (_, k) => -1 + (3 * k) / 23);
    for (let c = 0; c < 3; c++) expect(got![3 + c]).toBeCloseTo(w[c]! + w[15 + c]! + w[18 + c]!, 5);
  });
});
