/**
 * AvgPoolGrad as the exact adjoint of tfjs's AvgPool forward. The forward averages each window
 * over the pixels inside the image only (TensorFlow semantics: padding is not counted), so
 *   dx[b, y, x, d] = Σ_{windows o ∋ (y, x)} dy[b, o, d] / count(o),
 * count(o) = number of in-image pixels of window o. The tfjs 4.22 built-ins (cpu and wasm) divide
 * by kH·kW instead, which is wrong for every window that overlaps padding ('same', explicit pads).
 * Registered on wasm and cpu.
 */
import { tf } from '../../tf.js';

type Backend = {
  readSync(dataId: tf.DataId): unknown;
  makeTensorInfo?(shape: number[], dtype: tf.DataType, values?: Float32Array): tf.TensorInfo;
  makeOutput?(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: Float32Array): tf.TensorInfo;
};

function avgPoolGrad(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: tf.NamedAttrMap }): tf.TensorInfo {
  const backend = args.backend as Backend;
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
  const { filterHeight: kH, filterWidth: kW } = info;
  const pT = info.padInfo.top;
  const pL = info.padInfo.left;
  const dyv = backend.readSync(dy.dataId) as Float32Array;
  const acc = new Float64Array(n * h * w * c);
  for (let b = 0; b < n; b++) {
    for (let oh = 0; oh < ho; oh++) {
      const y0 = Math.max(0, oh * sH - pT);
      const y1 = Math.min(h, oh * sH - pT + kH);
      for (let ow = 0; ow < wo; ow++) {
        const x0 = Math.max(0, ow * sW - pL);
        const x1 = Math.min(w, ow * sW - pL + kW);
        const count = (y1 - y0) * (x1 - x0);
        if (count <= 0) continue;
        const src = ((b * ho + oh) * wo + ow) * c;
        for (let y = y0; y < y1; y++) {
          for (let x = x0; x < x1; x++) {
            const dst = ((b * h + y) * w + x) * c;
            for (let d = 0; d < c; d++) acc[dst + d]! += dyv[src + d]! / count;
          }
        }
      }
    }
  }
  const shape = [n, h, w, c];
  const values = Float32Array.from(acc);
  if (backend.makeTensorInfo) return backend.makeTensorInfo(shape, 'float32', values);
  return backend.makeOutput!(shape, 'float32', undefined, values);
}

export function avgPoolGradConfig(backendName: 'wasm' | 'cpu'): tf.KernelConfig {
  return { kernelName: 'AvgPoolGrad', backendName, kernelFunc: avgPoolGrad as unknown as tf.KernelFunc };
}
