/**
 * Centred orthonormal 2-D DFT on host memory, the body of the cpu/wasm kernels.
 *
 * Layout: x is a C-ordered float32 array of shape [B, H, W, 2K]: K complex planes per image,
 * channel 2k the real part and 2k+1 the imaginary part of plane k. Each plane is transformed
 * independently:  Y = C_H · X · C_W  with C_n the centred DFT matrix of `centeredDft1d.ts`
 * (rows first along W, then columns along H), accumulated in float64.
 */
import { centeredDft1d } from './centeredDft1d.js';

export function hostFft2c(x: ArrayLike<number>, out: Float32Array, shape: readonly number[], inverse: boolean): void {
  const [B, H, W, C] = shape as [number, number, number, number];
  const K = C >> 1;
  const rowPlan = centeredDft1d(W);
  const colPlan = centeredDft1d(H);
  const plane = new Float64Array(2 * H * W); // interleaved re/im, row-major [H, W]
  const rowRe = new Float64Array(W);
  const rowIm = new Float64Array(W);
  const colRe = new Float64Array(H);
  const colIm = new Float64Array(H);
  for (let b = 0; b < B; b++) {
    const base = b * H * W * C;
    for (let k = 0; k < K; k++) {
      const ch = 2 * k;
      for (let i = 0; i < H; i++) {
        let src = base + i * W * C + ch;
        for (let j = 0; j < W; j++, src += C) {
          rowRe[j] = x[src]!;
          rowIm[j] = x[src + 1]!;
        }
        rowPlan.run(rowRe, rowIm, inverse);
        const p0 = 2 * i * W;
        for (let j = 0; j < W; j++) {
          plane[p0 + 2 * j] = rowRe[j]!;
          plane[p0 + 2 * j + 1] = rowIm[j]!;
        }
      }
      for (let j = 0; j < W; j++) {
        for (let i = 0; i < H; i++) {
          colRe[i] = plane[2 * (i * W + j)]!;
          colIm[i] = plane[2 * (i * W + j) + 1]!;
        }
        colPlan.run(colRe, colIm, inverse);
        let dst = base + j * C + ch;
        for (let i = 0; i < H; i++, dst += W * C) {
          out[dst] = colRe[i]!;
          out[dst + 1] = colIm[i]!;
        }
      }
    }
  }
}
