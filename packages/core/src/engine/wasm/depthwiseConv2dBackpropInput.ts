/**
 * DepthwiseConv2dNativeBackpropInput for the wasm backend (missing there), NHWC, filter
 * [kH, kW, C, M] (channel multiplier M, output channel c·M + q):
 *   dX[n,h,w,c] = Σ_{oh,ow,kh,kw,q : oh·sH + kh·dH − pT = h, ow·sW + kw·dW − pL = w} dY[n,oh,ow,c·M+q] · W[kh,kw,c,q]
 * Stride 1, multiplier 1, dilation 1: one forward depthwise conv (XNNPACK) of dY with the
 * 180°-rotated filter, padded as planned for the stride-1 dense case (planAxis) — ~10× faster
 * than a loop. Otherwise a direct scatter loop on the wasm heap with float64 accumulation
 * (measured: for stride 2, dilating dY or splitting into phases is no faster than the loop,
 * because XNNPACK's depthwise kernel is memory-bound at ~2–5 GFLOP/s).
 */
import { tf } from '../../tf.js';
import { planAxis } from './conv2dBackpropInput.js';
import { callKernel, heapView, release, sliceIfNeeded, type BackendWasm, type TensorInfo } from './kernelUtil.js';

/** dX for stride 1, channel multiplier 1 and dilation 1 through the backend's forward depthwise conv. */
function viaForwardConv(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: tf.backend_util.Conv2DInfo, inputShape: number[]): TensorInfo {
  const [n, h, w, c] = inputShape as [number, number, number, number];
  const { filterHeight: kH, filterWidth: kW } = info;
  const z = dy;
  const ph = planAxis(z.shape[1]!, kH, 1, info.padInfo.top, h);
  const pw = planAxis(z.shape[2]!, kW, 1, info.padInfo.left, w);
  if (ph.cropLen <= 0 || pw.cropLen <= 0) {
    const zero = backend.makeOutput([n, h, w, c], 'float32');
    heapView(backend, zero).fill(0);
    return zero;
  }
  const rot = backend.makeOutput([kH, kW, c, 1], 'float32');
  const fv = heapView(backend, filter);
  const rv = heapView(backend, rot);
  for (let a = 0; a < kH; a++) {
    for (let b = 0; b < kW; b++) {
      const dst = (a * kW + b) * c;
      const src = ((kH - 1 - a) * kW + (kW - 1 - b)) * c;
      for (let ch = 0; ch < c; ch++) rv[dst + ch] = fv[src + ch]!;
    }
  }
  const zc = sliceIfNeeded(backend, z, [0, ph.cropStart, pw.cropStart, 0], [n, ph.cropLen, pw.cropLen, c]);
  const out = callKernel('DepthwiseConv2dNative', backend, { x: zc ?? z, filter: rot }, {
    strides: [1, 1],
    dilations: [1, 1],
    pad: [[0, 0], [ph.padBefore, ph.padAfter], [pw.padBefore, pw.padAfter], [0, 0]],
  });
  release(backend, rot);
  if (zc) release(backend, zc);
  return out;
}

function depthwiseConv2dBackpropInput(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: tf.NamedAttrMap }): TensorInfo {
  const backend = args.backend as BackendWasm;
  const dy = args.inputs.dy!;
  const filter = args.inputs.filter!;
  const { strides, dilations, pad, dimRoundingMode, inputShape } = args.attrs as unknown as {
    strides: number | [number, number];
    dilations: number | [number, number];
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    inputShape: [number, number, number, number];
  };
  const fs = filter.shape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(inputShape, fs, strides, dilations, pad, dimRoundingMode, true);
  const [n, h, w, c] = inputShape;
  const [kH, kW, , m] = fs;
  const { strideHeight: sH, strideWidth: sW, dilationHeight: dH, dilationWidth: dW, outHeight: ho, outWidth: wo } = info;
  const pT = info.padInfo.top;
  const pL = info.padInfo.left;
  const co = c * m;
  if (m === 1 && dH === 1 && dW === 1 && sH === 1 && sW === 1) return viaForwardConv(backend, dy, filter, info, inputShape);
  const out = backend.makeOutput([n, h, w, c], 'float32');
  const acc = new Float64Array(n * h * w * c);
  const dv = heapView(backend, dy);
  const fv = heapView(backend, filter);
  for (let b = 0; b < n; b++) {
    for (let oh = 0; oh < ho; oh++) {
      for (let ow = 0; ow < wo; ow++) {
        const dBase = ((b * ho + oh) * wo + ow) * co;
        for (let kh = 0; kh < kH; kh++) {
          const y = oh * sH + kh * dH - pT;
          if (y < 0 || y >= h) continue;
          for (let kw = 0; kw < kW; kw++) {
            const x = ow * sW + kw * dW - pL;
            if (x < 0 || x >= w) continue;
            const xBase = ((b * h + y) * w + x) * c;
            const fBase = (kh * kW + kw) * co;
            if (m === 1) {
              for (let ch = 0; ch < c; ch++) acc[xBase + ch]! += dv[dBase + ch]! * fv[fBase + ch]!;
              continue;
            }
            for (let ch = 0; ch < c; ch++) {
              let s = 0;
              for (let q = 0; q < m; q++) s += dv[dBase + ch * m + q]! * fv[fBase + ch * m + q]!;
              acc[xBase + ch]! += s;
            }
          }
        }
      }
    }
  }
  heapView(backend, out).set(acc);
  return out;
}

export const depthwiseConv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dBackpropInput as unknown as tf.KernelFunc,
};
