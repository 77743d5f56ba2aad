/**
 * Batched matmul and forward conv2d (NHWC) on the project's tiled GEMM (gemm.ts), with the tile
 * picked per problem (128×128 on large problems for big discrete GPUs). Opt-in
 * (SCORESDE_WEBGPU_GEMM=project or setProjectGemm): tfjs-webgpu's own kernels stay the default
 * until the two are compared on a discrete GPU (`scoresde bench --only conv`).
 */
import { gemmProgram, gemmUniforms, pickTile } from './gemm.js';
import type { GemmPlan } from './convGrad.js';
import { CONV_UNIFORMS, type ConvInfo, IM2COL, convValues } from './convIndex.js';


/** C[z] = op(A[z])·op(B[z]); a batch of 1 on either side broadcasts. */
export function matmulPlan(aShape: number[], bShape: number[], transposeA: boolean, transposeB: boolean): GemmPlan | null {
  if (aShape.length !== bShape.length || aShape.length < 2) return null;
  const r = aShape.length;
  const batchA = aShape.slice(0, r - 2);
  const batchB = bShape.slice(0, r - 2);
  const nA = batchA.reduce((x, y) => x * y, 1);
  const nB = batchB.reduce((x, y) => x * y, 1);
  if (nA !== nB && nA !== 1 && nB !== 1) return null;
  if (nA === nB && batchA.join() !== batchB.join()) return null;
  const M = transposeA ? aShape[r - 1]! : aShape[r - 2]!;
  const K = transposeA ? aShape[r - 2]! : aShape[r - 1]!;
  const K2 = transposeB ? bShape[r - 1]! : bShape[r - 2]!;
  const N = transposeB ? bShape[r - 2]! : bShape[r - 1]!;
  if (K !== K2) return null;
  const batch = Math.max(nA, nB);
  const outputShape = [...(nA >= nB ? batchA : batchB), M, N];
  const tile = pickTile(M, N, batch);
  const spec = {
    key: `mm_${transposeA ? 'T' : 'N'}${transposeB ? 'T' : 'N'}_${nA === 1 ? 'a1' : ''}${nB === 1 ? 'b1' : ''}`,
    inputs: ['a', 'b'],
    batch,
    M,
    N,
    K,
    tile,
    outputShape,
    loaders: `
fn loadA(z : i32, m : i32, k : i32) -> f32 {
  let base = ${nA === 1 ? '0' : 'z * uniforms.M * uniforms.K'};
  return a[base + ${transposeA ? 'k * uniforms.M + m' : 'm * uniforms.K + k'}];
}
fn loadB(z : i32, k : i32, n : i32) -> f32 {
  let base = ${nB === 1 ? '0' : 'z * uniforms.K * uniforms.N'};
  return b[base + ${transposeB ? 'n * uniforms.K + k' : 'k * uniforms.N + n'}];
}
`,
  };
  return { program: gemmProgram(spec), values: gemmUniforms(spec), splitK: 1, outputShape };
}

/** y[(b, yR, yC), co] = Σ_(r, c, ci) x[b, yR·sH − padT + r·dH, yC·sW − padL + c·dW, ci]·w[r, c, ci, co]. */
export function conv2dPlan(c: ConvInfo): GemmPlan {
  const M = c.batchSize * c.outHeight * c.outWidth;
  const N = c.outChannels;
  const K = c.filterHeight * c.filterWidth * c.inChannels;
  const tile = pickTile(M, N, 1);
  const outputShape = [c.batchSize, c.outHeight, c.outWidth, c.outChannels];
  const spec = {
    key: 'conv2d',
    inputs: ['x', 'w'],
    batch: 1,
    M,
    N,
    K,
    tile,
    outputShape,
    uniforms: CONV_UNIFORMS,
    loaders: `
${IM2COL}
fn loadA(z : i32, m : i32, k : i32) -> f32 { return im2col(k, m); }
fn loadB(z : i32, k : i32, n : i32) -> f32 {
  return w[k * uniforms.N + n];
}
`,
  };
  return { program: gemmProgram(spec), values: [...gemmUniforms(spec), ...convValues(c)], splitK: 1, outputShape };
}
