/**
 * MaxPoolGrad for the wasm backend (the built-in one disagrees with the cpu backend and with a
 * direct computation in tfjs 4.22): each output's cotangent goes to the FIRST maximum of its
 * window, scanning rows then columns, strict '>' from −∞ (the cpu backend's rule; padding never
 * wins). dx[b, argmax window(o), d] += dy[b, o, d].
 */
import { tf } from '../../tf.js';
import { heapView, type BackendWasm, type TensorInfo } from './kernelUtil.js';

function maxPoolGrad(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: tf.NamedAttrMap }): TensorInfo {
  const backend = args.backend as BackendWasm;
  const dy = args.inputs.dy!;
  const input = args.inputs.input!;
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as {
    filterSize: number | [number, number];
    strides: number | [number, number];
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: ho, outWidth: wo, strideHeight: sH, strideWidth: sW } = info;
  const { effectiveFilterHeight: kH, effectiveFilterWidth: kW, dilationHeight: dH, dilationWidth: dW } = info;
  const pT = info.padInfo.top;
  const pL = info.padInfo.left;
  const out = backend.makeOutput([n, h, w, c], 'float32');
  const acc = new Float64Array(n * h * w * c);
  const xv = heapView(backend, input);
  const dv = heapView(backend, dy);
  for (let b = 0; b < n; b++) {
    for (let oh = 0; oh < ho; oh++) {
      for (let ow = 0; ow < wo; ow++) {
        const dBase = ((b * ho + oh) * wo + ow) * c;
        for (let ch = 0; ch < c; ch++) {
          let best = -Infinity;
          let at = -1;
          for (let kh = 0; kh < kH; kh += dH) {
            const y = oh * sH - pT + kh;
            if (y < 0 || y >= h) continue;
            for (let kw = 0; kw < kW; kw += dW) {
              const x = ow * sW - pL + kw;
              if (x < 0 || x >= w) continue;
              const i = ((b * h + y) * w + x) * c + ch;
              if (xv[i]! > best) {
                best = xv[i]!;
                at = i;
              }
            }
          }
          if (at >= 0) acc[at]! += dv[dBase + ch]!;
        }
      }
    }
  }
  heapView(backend, out).set(acc);
  return out;
}

export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as tf.KernelFunc,
};
