/**
 * DepthwiseConv2dNativeBackpropFilter for the wasm backend (missing there), NHWC, filter
 * [kH, kW, C, M] (channel multiplier M, output channel c·M + q):
 *   dW[kh,kw,c,q] = Σ_{n,oh,ow} X[n, oh·sH + kh·dH − pT, ow·sW + kw·dW − pL, c] · dY[n,oh,ow,c·M+q]
 * A direct loop on the wasm heap with float64 accumulation (exactness over speed).
 */
import { tf } from '../../tf.js';
import { heapView, type BackendWasm, type TensorInfo } from './kernelUtil.js';
import { depthwiseGeometry, type DepthwiseAttrs } from './depthwiseGeometry.js';

function depthwiseConv2dBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: tf.NamedAttrMap }): TensorInfo {
  const backend = args.backend as BackendWasm;
  const x = args.inputs.x!;
  const dy = args.inputs.dy!;
  const attrs = args.attrs as unknown as DepthwiseAttrs & { filterShape: [number, number, number, number] };
  const { filterShape } = attrs;
  const { n, h, w, c, kH, kW, m, sH, sW, dH, dW, ho, wo, pT, pL, co } = depthwiseGeometry(x.shape as [number, number, number, number], filterShape, attrs);
  const out = backend.makeOutput(filterShape, 'float32');
  const acc = new Float64Array(kH * kW * co);
  const xv = heapView(backend, x);
  const dv = heapView(backend, dy);
  for (let b = 0; b < n; b++) {
    for (let oh = 0; oh < ho; oh++) {
      for (let ow = 0; ow < wo; ow++) {
        const dBase = ((b * ho + oh) * wo + ow) * co;
        for (let kh = 0; kh < kH; kh++) {
          const y = oh * sH + kh * dH - pT;
          if (y < 0 || y >= h) continue;
          for (let kw = 0; kw < kW; kw++) {
            const xx = ow * sW + kw * dW - pL;
            if (xx < 0 || xx >= w) continue;
            const xBase = ((b * h + y) * w + xx) * c;
            const fBase = (kh * kW + kw) * co;
            if (m === 1) {
              for (let ch = 0; ch < c; ch++) acc[fBase + ch]! += xv[xBase + ch]! * dv[dBase + ch]!;
              continue;
            }
            for (let ch = 0; ch < c; ch++) {
              const xval = xv[xBase + ch]!;
              for (let q = 0; q < m; q++) acc[fBase + ch * m + q]! += xval * dv[dBase + ch * m + q]!;
            }
          }
        }
      }
    }
  }
  heapView(backend, out).set(acc);
  return out;
}

export const depthwiseConv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dBackpropFilter as unknown as tf.KernelFunc,
};
