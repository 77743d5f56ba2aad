/**
 * ResizeNearestNeighborGrad as the exact adjoint of tfjs's ResizeNearestNeighbor forward:
 *   forward  y[b, r, c, d] = x[b, src(r), src(c), d]
 *   gradient dx[b, i, j, d] = Σ_{r,c : src(r) = i, src(c) = j} dy[b, r, c, d]
 * with src(r) = min(in−1, alignCorners ? round(ρ·r) : floor(ρ·(r + ½·hpc))), clamped at 0 when
 * halfPixelCenters, and ρ = (in − a)/(out − a), a = 1 if alignCorners and out > 1 else 0 —
 * the same index map the forward kernels use. Registered on both wasm and cpu because the
 * built-in kernels are wrong in tfjs 4.22: wasm ignores halfPixelCenters, and cpu reads dy with
 * the image's batch stride (wrong for batch > 1 whenever the size changes).
 */
import { tf } from '../../tf.js';

type Backend = {
  readSync(dataId: tf.DataId): unknown;
  /** cpu (its makeOutput has another signature) */
  makeTensorInfo?(shape: number[], dtype: tf.DataType, values?: Float32Array): tf.TensorInfo;
  /** wasm */
  makeOutput?(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: Float32Array): tf.TensorInfo;
};

/** The forward source index for each of `outSize` output positions. */
export function nearestSource(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): Int32Array {
  const a = alignCorners && outSize > 1 ? 1 : 0;
  const ratio = (inSize - a) / (outSize - a);
  const src = new Int32Array(outSize);
  for (let r = 0; r < outSize; r++) {
    const frac = halfPixelCenters ? ratio * (r + 0.5) : ratio * r;
    let s = Math.min(inSize - 1, alignCorners ? Math.round(frac) : Math.floor(frac));
    if (halfPixelCenters) s = Math.max(0, s);
    src[r] = s;
  }
  return src;
}

function resizeNearestNeighborGrad(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: tf.NamedAttrMap }): tf.TensorInfo {
  const backend = args.backend as Backend;
  const images = args.inputs.images!;
  const dy = args.inputs.dy!;
  const alignCorners = Boolean(args.attrs.alignCorners);
  const halfPixelCenters = Boolean(args.attrs.halfPixelCenters);
  const [batch, xh, xw, depth] = images.shape as [number, number, number, number];
  const [, yh, yw] = dy.shape as [number, number, number, number];
  const srcR = nearestSource(xh, yh, alignCorners, halfPixelCenters);
  const srcC = nearestSource(xw, yw, alignCorners, halfPixelCenters);
  const dyv = backend.readSync(dy.dataId) as Float32Array;
  const acc = new Float64Array(batch * xh * xw * depth);
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < yh; r++) {
      const rowBase = (b * xh + srcR[r]!) * xw;
      for (let c = 0; c < yw; c++) {
        const dst = (rowBase + srcC[c]!) * depth;
        const src = ((b * yh + r) * yw + c) * depth;
        for (let d = 0; d < depth; d++) acc[dst + d]! += dyv[src + d]!;
      }
    }
  }
  const shape = [batch, xh, xw, depth];
  const values = Float32Array.from(acc);
  if (backend.makeTensorInfo) return backend.makeTensorInfo(shape, 'float32', values);
  return backend.makeOutput!(shape, 'float32', undefined, values);
}

export function resizeNearestNeighborGradConfig(backendName: 'wasm' | 'cpu'): tf.KernelConfig {
  return { kernelName: 'ResizeNearestNeighborGrad', backendName, kernelFunc: resizeNearestNeighborGrad as unknown as tf.KernelFunc };
}
