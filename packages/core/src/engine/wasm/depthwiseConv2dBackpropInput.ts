/**
 * DepthwiseConv2dNativeBackpropInput for the wasm backend (missing there), NHWC, filter
 * [kH, kW, C, M] (channel multiplier M, output channel c·M + q):
 *   dX[n,h,w,c] = Σ_{oh,ow,kh,kw,q : oh·sH + kh·dH − pT = h, ow·sW + kw·dW − pL = w} dY[n,oh,ow,c·M+q] · W[kh,kw,c,q]
 * A direct scatter loop on the wasm heap with float64 accumulation. Depthwise layers are a small
 * share of a score network's work; this favours exactness over speed.
 */
import { tf } from '../../tf.js';
import { heapView, type BackendWasm, type TensorInfo } from './kernelUtil.js';

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
