/**
 * Batched matmul and forward conv2d (NHWC) on the project's tiled GEMM (gemm.ts), with the tile
 * picked per problem (128×128 on large problems for big discrete GPUs). Opt-in
 * (SCORESDE_WEBGPU_GEMM=project or setProjectGemm): tfjs-webgpu's own kernels stay the default
 * until the two are compared on a discrete GPU (`scoresde bench --only conv`).
 */
import { tf } from '../../tf.js';
import { gemmProgram, gemmUniforms, pickTile } from './gemm.js';
import type { GemmPlan } from './convGrad.js';
import { ints } from './program.js';

type ConvInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

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
    uniforms: 'H : i32, W : i32, Ci : i32, Ho : i32, Wo : i32, kw : i32, sH : i32, sW : i32, dH : i32, dW : i32, padT : i32, padL : i32,',
    loaders: `
fn loadA(z : i32, m : i32, k : i32) -> f32 {
  let ci = k % uniforms.Ci;
  let rc = k / uniforms.Ci;
  let r = rc / uniforms.kw;
  let c = rc % uniforms.kw;
  let yC = m % uniforms.Wo;
  let byR = m / uniforms.Wo;
  let yR = byR % uniforms.Ho;
  let b = byR / uniforms.Ho;
  let xR = yR * uniforms.sH - uniforms.padT + r * uniforms.dH;
  let xC = yC * uniforms.sW - uniforms.padL + c * uniforms.dW;
  if (xR < 0 || xR >= uniforms.H || xC < 0 || xC >= uniforms.W) { return 0.0; }
  return x[((b * uniforms.H + xR) * uniforms.W + xC) * uniforms.Ci + ci];
}
fn loadB(z : i32, k : i32, n : i32) -> f32 {
  return w[k * uniforms.N + n];
}
`,
  };
  const values = [
    ...gemmUniforms(spec),
    ...ints(c.inHeight, c.inWidth, c.inChannels, c.outHeight, c.outWidth, c.filterWidth, c.strideHeight, c.strideWidth, c.dilationHeight, c.dilationWidth, c.padInfo.top, c.padInfo.left),
  ];
  return { program: gemmProgram(spec), values, splitK: 1, outputShape };
}
