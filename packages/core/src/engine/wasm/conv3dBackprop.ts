/**
 * Conv3DBackpropInputV2 and Conv3DBackpropFilterV2 for the wasm backend, replacing tfjs 4.22's,
 * which return wrong and run-to-run different values (uninitialised memory). NDHWC, filter
 * [kD, kH, kW, Ci, Co]; with p(o, k) = o·s + k − pad (per axis, dilation 1):
 *   dX[n, p(o,k), ci] = Σ_{o,k,co} dY[n, o, co] · W[k, ci, co]
 *   dW[k, ci, co]     = Σ_{n,o} X[n, p(o,k), ci] · dY[n, o, co]
 * Direct loops on the wasm heap with float64 accumulation (3-D convolutions are not on this
 * project's hot path; exactness over speed).
 */
import { tf } from '../../tf.js';
import { heapView, type BackendWasm, type TensorInfo } from './kernelUtil.js';

type Shape5 = [number, number, number, number, number];

/** Visit every (input position, output position, filter tap) triple that the forward pass uses. */
function forEachTap(info: tf.backend_util.Conv3DInfo, visit: (xBase: number, dyBase: number, wBase: number) => void): void {
  const { batchSize: n, inDepth: D, inHeight: H, inWidth: W, inChannels: ci, outDepth: oD, outHeight: oH, outWidth: oW, outChannels: co } = info;
  const { strideDepth: sD, strideHeight: sH, strideWidth: sW, filterDepth: kD, filterHeight: kH, filterWidth: kW } = info;
  const { front, top, left } = info.padInfo;
  for (let b = 0; b < n; b++)
    for (let od = 0; od < oD; od++)
      for (let oh = 0; oh < oH; oh++)
        for (let ow = 0; ow < oW; ow++) {
          const dyBase = (((b * oD + od) * oH + oh) * oW + ow) * co;
          for (let kd = 0; kd < kD; kd++) {
            const z = od * sD + kd - front;
            if (z < 0 || z >= D) continue;
            for (let kh = 0; kh < kH; kh++) {
              const y = oh * sH + kh - top;
              if (y < 0 || y >= H) continue;
              for (let kw = 0; kw < kW; kw++) {
                const x = ow * sW + kw - left;
                if (x < 0 || x >= W) continue;
                visit((((b * D + z) * H + y) * W + x) * ci, dyBase, ((kd * kH + kh) * kW + kw) * ci * co);
              }
            }
          }
        }
}

function conv3dBackpropInput(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: tf.NamedAttrMap }): TensorInfo {
  const backend = args.backend as BackendWasm;
  const dy = args.inputs.dy!;
  const filter = args.inputs.filter!;
  const { strides, pad, inputShape } = args.attrs as unknown as { strides: number | [number, number, number]; pad: 'same' | 'valid'; inputShape: Shape5 };
  const info = tf.backend_util.computeConv3DInfo(inputShape, filter.shape as Shape5, strides, 1, pad);
  const { inChannels: ci, outChannels: co } = info;
  const out = backend.makeOutput(inputShape, 'float32');
  const acc = new Float64Array(inputShape.reduce((a, b) => a * b, 1));
  const dv = heapView(backend, dy);
  const fv = heapView(backend, filter);
  forEachTap(info, (xBase, dyBase, wBase) => {
    for (let c = 0; c < ci; c++) {
      let s = 0;
      for (let o = 0; o < co; o++) s += dv[dyBase + o]! * fv[wBase + c * co + o]!;
      acc[xBase + c]! += s;
    }
  });
  heapView(backend, out).set(acc);
  return out;
}

function conv3dBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: tf.NamedAttrMap }): TensorInfo {
  const backend = args.backend as BackendWasm;
  const x = args.inputs.x!;
  const dy = args.inputs.dy!;
  const { strides, pad, filterShape } = args.attrs as unknown as { strides: number | [number, number, number]; pad: 'same' | 'valid'; filterShape: Shape5 };
  const info = tf.backend_util.computeConv3DInfo(x.shape as Shape5, filterShape, strides, 1, pad);
  const { inChannels: ci, outChannels: co } = info;
  const out = backend.makeOutput(filterShape, 'float32');
  const acc = new Float64Array(filterShape.reduce((a, b) => a * b, 1));
  const xv = heapView(backend, x);
  const dv = heapView(backend, dy);
  forEachTap(info, (xBase, dyBase, wBase) => {
    for (let c = 0; c < ci; c++) {
      const xval = xv[xBase + c]!;
      for (let o = 0; o < co; o++) acc[wBase + c * co + o]! += xval * dv[dyBase + o]!;
    }
  });
  heapView(backend, out).set(acc);
  return out;
}

export const conv3dBackpropInputConfig: tf.KernelConfig = {
  kernelName: 'Conv3DBackpropInputV2',
  backendName: 'wasm',
  kernelFunc: conv3dBackpropInput as unknown as tf.KernelFunc,
};

export const conv3dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'Conv3DBackpropFilterV2',
  backendName: 'wasm',
  kernelFunc: conv3dBackpropFilter as unknown as tf.KernelFunc,
};
