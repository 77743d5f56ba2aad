/** Einsum on wasm (the project's kernel) vs the cpu backend; metric relative L2 ≤ 1e-5 (float32 sums in another order). */
import { describe, expect, it } from 'vitest';
import { Rng, tf } from '../../src/index.js';
import { relL2, runOn } from './compare.js';

const CASES: [string, number[][]][] = [
  ['ij,jk->ik', [[5, 6], [6, 4]]],
  ['bij,bjk->bik', [[3, 5, 6], [3, 6, 4]]],
  ['ij->ji', [[3, 4]]],
  ['ij->', [[3, 4]]],
  ['ij->ij', [[3, 4]]],
  ['i,i->', [[7], [7]]],
  ['ij,ij->i', [[3, 4], [3, 4]]],
  ['bhwc,cd->bhwd', [[2, 3, 4, 5], [5, 6]]],
  ['i,j->ij', [[3], [4]]],
];

describe('wasm Einsum', () => {
  for (const [i, [eq, shapes]] of CASES.entries()) {
    it(`${eq} matches cpu`, async () => {
      const rng = new Rng(800 + i);
      const ins = shapes.map((s) => ({ data: rng.normalArray(s.reduce((a, b) => a * b, 1)), shape: s }));
      const f = (...xs: tf.Tensor[]) => tf.einsum(eq, ...xs);
      const [ref] = await runOn('cpu', ins, f);
      const [got] = await runOn('wasm', ins, f);
      expect(got!.length).toBe(ref!.length);
      expect(relL2(got!, ref!)).toBeLessThanOrEqual(1e-5);
    });
  }
});
