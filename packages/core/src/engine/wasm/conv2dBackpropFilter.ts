/**
 * Conv2DBackpropFilter for the wasm backend (NHWC, dilation 1), which tfjs-backend-wasm lacks:
 *   dW[kh,kw,ci,co] = Σ_{n,oh,ow} X[n, oh·sH + kh − pT, ow·sW + kw − pL, ci] · dY[n,oh,ow,co]
 * computed as one forward Conv2D (XNNPACK) on rearranged tensors: the batch axis becomes the
 * contraction ("input channel") axis and the forward stride becomes the dilation,
 *   X' = transpose(X, [3,1,2,0])  : [Ci, H, W, N]      (Ci plays the batch)
 *   F  = transpose(dY, [1,2,0,3]) : [Ho, Wo, N, Co]    (an Ho×Wo filter, dilation (sH, sW))
 *   dW = transpose(conv2d(X', F, stride 1, dilation s, pads [pT, pB'] × [pL, pR']), [1,2,0,3])
 * with pB' = kH + (Ho−1)·sH − H − pT chosen so the output is exactly kH×kW; a negative pB' (rows
 * of X no output reaches, e.g. 'valid' with stride 2) crops X instead.
 */
import { tf } from '../../tf.js';
import { assertNHWC, callKernel, release, sliceIfNeeded, type BackendWasm, type TensorInfo } from './kernelUtil.js';

function conv2dBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: tf.NamedAttrMap }): TensorInfo {
  const backend = args.backend as BackendWasm;
  const x = args.inputs.x!;
  const dy = args.inputs.dy!;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as unknown as {
    strides: number | [number, number];
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dataFormat?: string;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
  assertNHWC('Conv2DBackpropFilter', dataFormat);
  const xs = x.shape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(xs, filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const [n, h, w, ci] = xs;
  const [, ho, wo] = dy.shape as [number, number, number, number];
  const { filterHeight: kH, filterWidth: kW, strideHeight: sH, strideWidth: sW, outChannels: co } = info;
  const pT = info.padInfo.top;
  const pL = info.padInfo.left;
  let pB = kH + (ho - 1) * sH - h - pT;
  let pR = kW + (wo - 1) * sW - w - pL;
  const hUsed = pB < 0 ? h + pB : h;
  const wUsed = pR < 0 ? w + pR : w;
  pB = Math.max(pB, 0);
  pR = Math.max(pR, 0);

  const xc = sliceIfNeeded(backend, x, [0, 0, 0, 0], [n, hUsed, wUsed, ci]);
  const xt = callKernel('Transpose', backend, { x: xc ?? x }, { perm: [3, 1, 2, 0] });
  if (xc) release(backend, xc);
  // [N, Ho, Wo, Co] → [Ho·Wo, N, Co] as a rank-3 transpose (the wasm kernel does not merge axes
  // itself and is ~2.5× faster on the merged form), then viewed as [Ho, Wo, N, Co].
  const dy3 = callKernel('Reshape', backend, { x: dy }, { shape: [n, ho * wo, co] });
  const f3 = callKernel('Transpose', backend, { x: dy3 }, { perm: [1, 0, 2] });
  const f = callKernel('Reshape', backend, { x: f3 }, { shape: [ho, wo, n, co] });
  release(backend, dy3, f3);
  const conv = callKernel('Conv2D', backend, { x: xt, filter: f }, {
    strides: [1, 1],
    dilations: [sH, sW],
    pad: [[0, 0], [pT, pB], [pL, pR], [0, 0]],
    dataFormat: 'NHWC',
  });
  release(backend, xt, f);
  if (conv.shape[1] !== kH || conv.shape[2] !== kW || conv.shape[3] !== co) {
    release(backend, conv);
    throw new Error(`Conv2DBackpropFilter: internal shape mismatch ${JSON.stringify(conv.shape)} vs filter ${JSON.stringify(filterShape)}`);
  }
  const out = callKernel('Transpose', backend, { x: conv }, { perm: [1, 2, 0, 3] });
  release(backend, conv);
  return out;
}

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc,
};
