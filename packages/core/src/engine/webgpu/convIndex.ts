/**
 * The implicit-GEMM view of an NHWC conv2d shared by the conv kernels: the uniform fields and
 * values describing the convolution, and `im2col(tap, pixel)` — the input value a filter tap
 * (r, c, ci) sees at output pixel (b, yR, yC), 0 in the padding — without writing the im2col matrix.
 */
import type { tf } from '../../tf.js';
import { type UniformValue, ints } from './program.js';

export type ConvInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

export const CONV_UNIFORMS =
  'B : i32, H : i32, W : i32, Ci : i32, Ho : i32, Wo : i32, Co : i32, kh : i32, kw : i32, sH : i32, sW : i32, dH : i32, dW : i32, padT : i32, padL : i32,';

export const convValues = (c: ConvInfo): UniformValue[] =>
  ints(c.batchSize, c.inHeight, c.inWidth, c.inChannels, c.outHeight, c.outWidth, c.outChannels, c.filterHeight, c.filterWidth, c.strideHeight, c.strideWidth, c.dilationHeight, c.dilationWidth, c.padInfo.top, c.padInfo.left);

/** WGSL; reads the input array `x`. tap = (r·kw + c)·Ci + ci, pixel = (b·Ho + yR)·Wo + yC. */
export const IM2COL = `
fn im2col(tap : i32, pixel : i32) -> f32 {
  let ci = tap % uniforms.Ci;
  let rc = tap / uniforms.Ci;
  let r = rc / uniforms.kw;
  let c = rc % uniforms.kw;
  let yC = pixel % uniforms.Wo;
  let byR = pixel / uniforms.Wo;
  let yR = byR % uniforms.Ho;
  let b = byR / uniforms.Ho;
  let xR = yR * uniforms.sH - uniforms.padT + r * uniforms.dH;
  let xC = yC * uniforms.sW - uniforms.padL + c * uniforms.dW;
  if (xR < 0 || xR >= uniforms.H || xC < 0 || xC >= uniforms.W) { return 0.0; }
  return x[((b * uniforms.H + xR) * uniforms.W + xC) * uniforms.Ci + ci];
}
`;
