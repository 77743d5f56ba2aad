/**
 * Kernels the project replaces because tfjs 4.22's are wrong: MaxPoolGrad (wasm),
 * ResizeNearestNeighborGrad (wasm ignores halfPixelCenters; cpu mixes batch strides) and
 * ResizeBilinearGrad (both ignore halfPixelCenters; cpu fails on non-square images).
 * References: a direct JS computation (max pool: cotangent to the first maximum of each window;
 * resizes: the adjoint identity ⟨resize(x), r⟩ = ⟨x, resizeᵀ(r)⟩ with the forward run on the
 * same backend, inner products in float64). Tolerance: relative L2 ≤ 1e-6.
 */
import { describe, expect, it } from 'vitest';
import { Rng, tf } from '../../src/index.js';
import { dot, norm, relL2, runOn } from './compare.js';

describe('max-pool gradient', () => {
  it('sends each cotangent to the first maximum of its window, on wasm and cpu', async () => {
    const rng = new Rng(11);
    const [N, H, W, C, K, S, P] = [2, 9, 7, 3, 3, 2, 1];
    const x = rng.normalArray(N * H * W * C);
    const Ho = 5;
    const Wo = 4;
    const r = rng.normalArray(N * Ho * Wo * C);
    const want = new Float64Array(x.length);
    for (let n = 0; n < N; n++)
      for (let oy = 0; oy < Ho; oy++)
        for (let ox = 0; ox < Wo; ox++)
          for (let c = 0; c < C; c++) {
            let best = -Infinity;
            let at = -1;
            for (let ky = 0; ky < K; ky++)
              for (let kx = 0; kx < K; kx++) {
                const y = oy * S + ky - P;
                const xx = ox * S + kx - P;
                if (y < 0 || xx < 0 || y >= H || xx >= W) continue;
                const i = ((n * H + y) * W + xx) * C + c;
                if (x[i]! > best) {
                  best = x[i]!;
                  at = i;
                }
              }
            want[at]! += r[((n * Ho + oy) * Wo + ox) * C + c]!;
          }
    for (const backend of ['wasm', 'cpu'] as const) {
      const [got] = await runOn(
        backend,
        [
          { data: x, shape: [N, H, W, C] },
          { data: r, shape: [N, Ho, Wo, C] },
        ],
        (a, b) => tf.grad((z: tf.Tensor) => tf.maxPool(z as tf.Tensor4D, K, S, 'same').mul(b!).sum())(a!),
      );
      expect(relL2(got!, want), backend).toBeLessThanOrEqual(1e-6);
    }
  });
});

describe('resize gradients are the adjoint of the forward resize', () => {
  const CASES: [number[], [number, number], boolean, boolean][] = [
    [[2, 4, 4, 3], [8, 8], false, false],
    [[3, 5, 3, 2], [7, 10], false, false],
    [[2, 5, 3, 2], [7, 10], true, false],
    [[2, 5, 3, 2], [7, 10], false, true],
    [[2, 8, 6, 2], [3, 4], false, true],
    [[2, 8, 6, 2], [3, 4], true, false],
  ];
  for (const method of ['nearest', 'bilinear'] as const) {
    for (const [shape, size, ac, hpc] of CASES) {
      it(`${method} ${JSON.stringify(shape)} → ${JSON.stringify(size)} alignCorners=${ac} halfPixelCenters=${hpc}`, async () => {
        const rng = new Rng(shape.length * 31 + size[0] * 7 + size[1] + (ac ? 1 : 0) + (hpc ? 2 : 0) + (method === 'bilinear' ? 100 : 0));
        const n = shape.reduce((a, b) => a * b, 1);
        const x = rng.normalArray(n);
        const r = rng.normalArray(shape[0]! * size[0] * size[1] * shape[3]!);
        const ins = [
          { data: x, shape },
          { data: r, shape: [shape[0]!, size[0], size[1], shape[3]!] },
        ];
        const results: Float32Array[][] = [];
        for (const backend of ['wasm', 'cpu'] as const) {
          const out = await runOn(backend, ins, (xt, rt) => {
            const fwd = (z: tf.Tensor) =>
              method === 'nearest'
                ? tf.image.resizeNearestNeighbor(z as tf.Tensor4D, size, ac, hpc)
                : tf.image.resizeBilinear(z as tf.Tensor4D, size, ac, hpc);
            return [fwd(xt!), tf.grad((z: tf.Tensor) => fwd(z).mul(rt!).sum())(xt!)];
          });
          const [y, g] = out as [Float32Array, Float32Array];
          // ⟨A x, r⟩ = ⟨x, Aᵀ r⟩, inner products in float64 on the host.
          expect(Math.abs(dot(y, r) - dot(x, g)), backend).toBeLessThanOrEqual(1e-6 * norm(y) * norm(r) + 1e-6 * norm(x) * norm(g));
          results.push(out);
        }
        expect(relL2(results[0]![1]!, results[1]![1]!)).toBeLessThanOrEqual(1e-6);
      });
    }
  }
});
