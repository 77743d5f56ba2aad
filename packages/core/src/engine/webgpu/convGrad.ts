/**
 * Conv2D filter and input gradients (NHWC) as implicit GEMMs on the project's tiled shader
 * (gemm.ts), replacing tfjs-webgpu's one-thread-per-output loops.
 *
 * Filter gradient dW[(r, c, ci), co] = Σ_p X̃[(r, c, ci), p]·dY[p, co] over p = (b, yR, yC), where
 * X̃ gathers x[b, yR·sH − padTop + r·dH, yC·sW − padLeft + c·dW, ci]. K = B·Ho·Wo is long and M·N
 * small, so the k range is split across workgroups and the slices summed (sumSlices.ts).
 * Input gradient dX[(b, i, j), ci] = Σ_k D̃[(b, i, j), k]·W̃[k, ci] over k = (r, c, co), where D̃
 * gathers dy[b, (i + padTop − r·dH)/sH, (j + padLeft − c·dW)/sW, co] when both divide exactly and
 * fall inside, and W̃[k, ci] = w[r, c, ci, co].
 */
import { tf } from '../../tf.js';
import { type GemmTile, gemmProgram, gemmUniforms, pickSplitK, pickTile } from './gemm.js';
import { type GpuProgram, type UniformValue, disposeInfo, runProgramInfo, webgpuBackend } from './program.js';
import { CONV_UNIFORMS, type ConvInfo, IM2COL, convValues } from './convIndex.js';
import { sumSlicesProgram, sumSlicesUniforms } from './sumSlices.js';


export interface GemmPlan {
  program: GpuProgram;
  values: UniformValue[];
  /** When > 1 the program writes this many partial slices that must be summed. */
  splitK: number;
  outputShape: number[];
}


export function filterGradPlan(c: ConvInfo, tile?: GemmTile, splitK?: number): GemmPlan {
  const M = c.filterHeight * c.filterWidth * c.inChannels;
  const N = c.outChannels;
  const K = c.batchSize * c.outHeight * c.outWidth;
  const t = tile ?? pickTile(M, N, 1);
  const split = splitK ?? pickSplitK(M, N, K, 1, t);
  const outputShape = [c.filterHeight, c.filterWidth, c.inChannels, c.outChannels];
  const spec = {
    key: 'convDW',
    inputs: ['x', 'dy'],
    batch: 1,
    M,
    N,
    K,
    splitK: split,
    tile: t,
    outputShape: split === 1 ? outputShape : [split, M, N],
    uniforms: CONV_UNIFORMS,
    loaders: `
${IM2COL}
fn loadA(z : i32, m : i32, k : i32) -> f32 { return im2col(m, k); }
fn loadB(z : i32, k : i32, n : i32) -> f32 {
  return dy[k * uniforms.Co + n];
}
`,
  };
  return { program: gemmProgram(spec), values: [...gemmUniforms(spec), ...convValues(c)], splitK: split, outputShape };
}

export function inputGradPlan(c: ConvInfo, tile?: GemmTile): GemmPlan {
  const M = c.batchSize * c.inHeight * c.inWidth;
  const N = c.inChannels;
  const K = c.filterHeight * c.filterWidth * c.outChannels;
  const t = tile ?? pickTile(M, N, 1);
  const outputShape = [c.batchSize, c.inHeight, c.inWidth, c.inChannels];
  const spec = {
    key: 'convDX',
    inputs: ['dy', 'w'],
    batch: 1,
    M,
    N,
    K,
    tile: t,
    outputShape,
    uniforms: CONV_UNIFORMS,
    loaders: `
fn loadA(z : i32, m : i32, k : i32) -> f32 {
  let co = k % uniforms.Co;
  let rc = k / uniforms.Co;
  let r = rc / uniforms.kw;
  let c = rc % uniforms.kw;
  let j = m % uniforms.W;
  let bi = m / uniforms.W;
  let i = bi % uniforms.H;
  let b = bi / uniforms.H;
  let yRs = i + uniforms.padT - r * uniforms.dH;
  let yCs = j + uniforms.padL - c * uniforms.dW;
  if (yRs < 0 || yCs < 0 || yRs % uniforms.sH != 0 || yCs % uniforms.sW != 0) { return 0.0; }
  let yR = yRs / uniforms.sH;
  let yC = yCs / uniforms.sW;
  if (yR >= uniforms.Ho || yC >= uniforms.Wo) { return 0.0; }
  return dy[((b * uniforms.Ho + yR) * uniforms.Wo + yC) * uniforms.Co + co];
}
fn loadB(z : i32, k : i32, n : i32) -> f32 {
  let co = k % uniforms.Co;
  let rc = k / uniforms.Co;
  return w[(rc * uniforms.Ci + n) * uniforms.Co + co];
}
`,
  };
  return { program: gemmProgram(spec), values: [...gemmUniforms(spec), ...convValues(c)], splitK: 1, outputShape };
}

/** Runs a plan inside a kernel: the GEMM, then the slice sum when split. */
export function runPlan(plan: GemmPlan, inputs: tf.TensorInfo[]): tf.TensorInfo {
  const backend = webgpuBackend(plan.program.key);
  const out = runProgramInfo(backend, plan.program, inputs, plan.values);
  if (plan.splitK === 1) return out;
  const size = plan.outputShape.reduce((a, b) => a * b, 1);
  const summed = runProgramInfo(backend, sumSlicesProgram(plan.splitK, plan.outputShape), [out], sumSlicesUniforms(plan.splitK, size));
  disposeInfo(backend, out);
  return summed;
}
